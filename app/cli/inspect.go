package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

func init() {
	register(command{name: "inspect", summary: "say what a link or curl command allows, and until when", run: runInspect})
}

const inspectSynopsis = `TEXT|- [--json]

Reads a share link, a bare presigned URL (OSS V4 or V1, S3) or a curl command
("-" reads it from standard input, at most 1 MiB) and prints what it allows,
including the headers an upload must send: a plain client that sends none of
them (a browser, curl -T) gets 403 SignatureDoesNotMatch. Exits 0 when the
link is well formed and unexpired, 1 otherwise with the reason on stderr.
With --json every outcome is one JSON object on stdout ("ok", and "error"
with kind, message and hint when it is not usable).`

func runInspect(args []string, env *Env) int {
	fs := newFlags(env, "inspect", inspectSynopsis)
	asJSON := fs.Bool("json", false, "print one JSON object, whatever the outcome")
	env.jsonMode = wantsJSON(args)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	env.jsonMode = *asJSON
	if fs.NArg() != 1 {
		return invalid(env, "'ossdrop inspect' takes one link or curl command", "quote it: ossdrop inspect 'https://…', or pipe it: … | ossdrop inspect -")
	}
	text, err := readLinkInput(fs.Arg(0), "inspect", env)
	if err != nil {
		return fail(env, ExitFailed, errorOutput{Kind: "not_a_link", Message: err.Error(), Hint: stdinHint})
	}
	now := env.Now()
	in, err := signing.Inspect(text, now)
	if err != nil {
		return fail(env, ExitFailed, linkErrorOutput(err))
	}
	var expired *errorOutput
	if in.Expired(now) {
		expired = &errorOutput{Kind: "expired", ExitCode: ExitFailed, Message: expiredSentence(in.ExpiresAt, now), Hint: "ask the sender for a new link"}
	}
	if *asJSON {
		out := inspectionJSON(in, now)
		out.OK, out.Error = expired == nil, expired
		printJSON(env, out)
	} else {
		printInspection(env.Stdout, in, now)
	}
	if expired != nil {
		return fail(env, ExitFailed, *expired)
	}
	return ExitOK
}

// linkErrorOutput is why a text is not a link (a *signing.LinkError): its
// sentence and its own hint, such as "Update OSS Drop" for a newer format.
// Both come from the pasted text's values, made safe to print.
func linkErrorOutput(err error) errorOutput {
	out := errorOutput{Kind: "not_a_link", Message: termSafe(err.Error())}
	if le, ok := signing.AsLinkError(err); ok {
		out.Message, out.Hint = termSafe(le.Sentence.String()), termSafe(le.Hint.String())
	}
	return out
}

// expiredSentence says when a link expired the one way the command line
// says it everywhere: "This link expired at 2026-11-26 20:08:33 UTC (1
// second ago)."
func expiredSentence(at, now time.Time) string {
	return signing.ExpiredText(at, now).String()
}

// inspectionOutput is the --json form of an inspection.
type inspectionOutput struct {
	// OK says the link is usable; Error says why not (it expired).
	OK          bool         `json:"ok"`
	Error       *errorOutput `json:"error,omitempty"`
	Source      string       `json:"source"`
	Format      string       `json:"format"`
	Method      string       `json:"method"`
	MethodKnown bool         `json:"method_known"`
	URL         string       `json:"url"`
	// RequiredHeaders are what a client must send with URL ("name: value"),
	// null when a bare URL does not say or for a request link (a form);
	// URLWorksAlone is true when none are needed.
	RequiredHeaders []string          `json:"required_headers"`
	URLWorksAlone   bool              `json:"url_works_alone"`
	ShareLink       string            `json:"share_link"`
	Host            string            `json:"host"`
	Bucket          string            `json:"bucket,omitempty"`
	Key             string            `json:"key"`
	Region          string            `json:"region,omitempty"`
	AccessKeyID     string            `json:"access_key_id"`
	STSToken        bool              `json:"sts_token"`
	SignedAt        string            `json:"signed_at,omitempty"`
	ExpiresAt       string            `json:"expires_at"`
	Expired         bool              `json:"expired"`
	Headers         map[string]string `json:"headers"`
	HeadersKnown    bool              `json:"headers_known"`
	Callback        string            `json:"callback,omitempty"`
	CallbackVars    string            `json:"callback_vars,omitempty"`
	Curl            string            `json:"curl"`
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
		Warnings: message.Strings(in.Warnings), PageURL: in.PageURL,
	}
	// A request link's form takes its fields in the body: no headers.
	if in.HeadersKnown && in.Request == nil {
		plain := signing.CheckPlainURL(in.Headers)
		out.RequiredHeaders, out.URLWorksAlone = append([]string{}, plain.Headers...), plain.Works
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

// printInspection prints what a link allows. Everything in it comes from
// the link, which anyone may have crafted: printed only once made safe.
func printInspection(w io.Writer, in *signing.Inspection, now time.Time) {
	row := func(label, value string) { fmt.Fprintf(w, "%-13s %s\n", label+":", termSafe(value)) }
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
		row("Signed at", clock(in.SignedAt))
	}
	row("Valid until", clock(in.ExpiresAt)+" ("+untilPhrase(in.ExpiresAt, now)+")")
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
			fmt.Fprintf(w, "  %s: %s\n", termSafe(h.Name), termSafe(h.Value))
		}
	}
	if in.HeadersKnown && in.Method == signing.MethodPut {
		row("Plain URL", signing.CheckPlainURL(in.Headers).Note())
	}
	if v, ok := in.Headers.Get("x-oss-forbid-overwrite"); ok && v == "true" {
		row("Overwrite", "protected: an existing object is never replaced")
	}
	if in.Callback != "" {
		fmt.Fprintf(w, "Callback:\n%s\n", indent(termSafe(in.Callback), "  "))
	}
	if in.CallbackVars != "" {
		fmt.Fprintf(w, "Callback variables:\n%s\n", indent(termSafe(in.CallbackVars), "  "))
	}
	if len(in.Warnings) > 0 {
		fmt.Fprintln(w, "Warnings:")
		for _, warning := range in.Warnings {
			fmt.Fprintf(w, "  - %s\n", termSafe(warning.String()))
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// indent prefixes every line of s; a trailing newline in s adds no empty
// last line, so the caller's own newline ends the output.
func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
