package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "inspect", summary: "say what a link or curl command allows, and until when", run: runInspect})
}

const inspectSynopsis = `TEXT|- [--json]

Reads a share link, a bare presigned URL (OSS V4 or V1, S3) or a curl command
("-" reads it from standard input) and prints what it allows. Exits 0 when the
link is well formed and unexpired, 1 otherwise with the reason on stderr.`

func runInspect(args []string, env *Env) int {
	fs := newFlags(env, "inspect", inspectSynopsis)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return invalid(env, "inspect takes one link or curl command", "quote it: ossdrop inspect 'https://…', or pipe it: … | ossdrop inspect -")
	}
	text, err := readArgOrStdin(fs.Arg(0), env, "ossdrop inspect -")
	if err != nil {
		return failed(env, err.Error(), stdinHint)
	}
	now := env.Now()
	in, err := signing.Inspect(text, now)
	if err != nil {
		return failed(env, strings.TrimPrefix(err.Error(), signing.ErrNotALink.Error()+": "), "paste the share link, the presigned URL or the curl command you were sent")
	}
	if *asJSON {
		printJSON(env, inspectionJSON(in, now))
	} else {
		printInspection(env.Stdout, in, now)
	}
	if in.Expired(now) {
		return failed(env, fmt.Sprintf("the link expired at %s (%s)", in.ExpiresAt.Local().Format(time.DateTime), untilPhrase(in.ExpiresAt, now)), "ask the sender for a new link")
	}
	return ExitOK
}

// inspectionOutput is the --json form of an inspection.
type inspectionOutput struct {
	Source       string            `json:"source"`
	Format       string            `json:"format"`
	Method       string            `json:"method"`
	MethodKnown  bool              `json:"method_known"`
	URL          string            `json:"url"`
	ShareLink    string            `json:"share_link"`
	Host         string            `json:"host"`
	Bucket       string            `json:"bucket,omitempty"`
	Key          string            `json:"key"`
	Region       string            `json:"region,omitempty"`
	AccessKeyID  string            `json:"access_key_id"`
	STSToken     bool              `json:"sts_token"`
	SignedAt     string            `json:"signed_at,omitempty"`
	ExpiresAt    string            `json:"expires_at"`
	Expired      bool              `json:"expired"`
	Headers      map[string]string `json:"headers"`
	HeadersKnown bool              `json:"headers_known"`
	Callback     string            `json:"callback,omitempty"`
	CallbackVars string            `json:"callback_vars,omitempty"`
	Curl         string            `json:"curl"`
	// CurlCommands has the curl command for every shell.
	CurlCommands map[signing.Shell]string `json:"curl_commands"`
	Warnings     []string                 `json:"warnings"`
	// Request is set for a request link: its folder, limits, form and policy.
	Request *requestOutput `json:"request,omitempty"`
	// PageURL is the upload page a page link opens.
	PageURL string `json:"page_url,omitempty"`
}

func inspectionJSON(in *signing.Inspection, now time.Time) inspectionOutput {
	out := inspectionOutput{
		Source: in.Source, Format: in.Format, Method: in.Method, MethodKnown: in.MethodKnown, URL: in.URL,
		ShareLink: in.ShareLink(), Host: in.Host, Bucket: in.Bucket, Key: in.Key, Region: in.Region,
		AccessKeyID: in.AccessKeyID, STSToken: in.HasSTSToken, ExpiresAt: in.ExpiresAt.UTC().Format(time.RFC3339),
		Expired: in.Expired(now), Headers: in.Headers.Map(), HeadersKnown: in.HeadersKnown,
		Callback: in.Callback, CallbackVars: in.CallbackVars, Curl: in.CurlIn(signing.NaturalShell, ""), CurlCommands: curlCommands(in.CurlIn, ""),
		Warnings: in.Warnings, PageURL: in.PageURL,
	}
	if !in.SignedAt.IsZero() {
		out.SignedAt = in.SignedAt.UTC().Format(time.RFC3339)
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if in.Request != nil {
		r := requestJSON(in.Request, in.File, signing.NaturalShell)
		out.Request, out.Headers = &r, map[string]string{}
	}
	return out
}

func printInspection(w io.Writer, in *signing.Inspection, now time.Time) {
	row := func(label, value string) { fmt.Fprintf(w, "%-13s %s\n", label+":", value) }
	if in.Request != nil {
		printRequestInspection(w, in, now, row)
		return
	}
	row("Link", in.Format+" "+in.Source)
	if in.PageURL != "" {
		row("Page", in.PageURL)
	}
	method := in.Method
	if !in.MethodKnown {
		method += " (assumed: a bare URL does not say)"
	}
	row("Method", method)
	row("Host", in.Host)
	if in.Bucket != "" {
		row("Bucket", in.Bucket)
	}
	row("Key", in.Key)
	if in.Region != "" {
		row("Region", in.Region)
	}
	if !in.SignedAt.IsZero() {
		row("Signed at", in.SignedAt.Local().Format("2006-01-02 15:04:05 MST"))
	}
	row("Valid until", in.ExpiresAt.Local().Format("2006-01-02 15:04:05 MST")+" ("+untilPhrase(in.ExpiresAt, now)+")")
	row("AccessKey ID", in.AccessKeyID)
	row("STS token", yesNo(in.HasSTSToken))
	switch {
	case !in.HeadersKnown:
		row("Headers", "unknown (bare URL)")
	case len(in.Headers) == 0:
		row("Headers", "none")
	default:
		fmt.Fprintln(w, "Headers the upload sends:")
		for _, h := range in.Headers {
			fmt.Fprintf(w, "  %s: %s\n", h.Name, h.Value)
		}
	}
	if v, ok := in.Headers.Get("x-oss-forbid-overwrite"); ok && v == "true" {
		row("Overwrite", "protected: an existing object is never replaced")
	}
	if in.Callback != "" {
		fmt.Fprintf(w, "Callback:\n%s\n", indent(in.Callback, "  "))
	}
	if in.CallbackVars != "" {
		fmt.Fprintf(w, "Callback variables:\n%s\n", indent(in.CallbackVars, "  "))
	}
	if len(in.Warnings) > 0 {
		fmt.Fprintln(w, "Warnings:")
		for _, warning := range in.Warnings {
			fmt.Fprintf(w, "  - %s\n", warning)
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
