package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// requestFlags are presign's flags for a request link: one link for many
// files under a folder (an OSS PostObject policy).
type requestFlags struct {
	request                  bool
	prefix, minSize, maxSize string
	contentTypePrefix        string
	fs                       *pflag.FlagSet
}

func addRequestFlags(fs *pflag.FlagSet) *requestFlags {
	rf := &requestFlags{fs: fs}
	fs.BoolVar(&rf.request, "request", false, "make a request link: many files under --prefix, with size and type limits (OSS PostObject policy)")
	fs.StringVar(&rf.prefix, "prefix", "", "request link: the folder every file goes into, e.g. in/acme/ (or --key for one named file)")
	fs.StringVar(&rf.maxSize, "max-size", "", "request link: the largest file it takes, e.g. 200MiB, 1.5GiB (default 5GiB, OSS's limit)")
	fs.StringVar(&rf.minSize, "min-size", "", "request link: the smallest file it takes, e.g. 1 (default 0)")
	fs.StringVar(&rf.contentTypePrefix, "content-type-prefix", "", "request link: take only types starting with this, e.g. image/")
	return rf
}

// used reports whether any request-link flag was given without --request.
func (rf *requestFlags) stray() string {
	for _, name := range []string{"prefix", "max-size", "min-size", "content-type-prefix"} {
		if rf.fs.Changed(name) {
			return "--" + name
		}
	}
	return ""
}

// apply turns the flags into the request-link fields of req.
func (rf *requestFlags) apply(req *signing.Request, f *presignFlags) error {
	if f.pinMD5 {
		return errors.New("--pin-md5 binds one file's bytes; a request link takes many files")
	}
	if f.method != signing.MethodPut && !strings.EqualFold(f.method, signing.MethodPost) {
		return errors.New("--method does not go with --request: a request link is always a form upload (POST)")
	}
	req.Method, req.Prefix, req.ContentTypePrefix = signing.MethodPost, rf.prefix, rf.contentTypePrefix
	var err error
	if rf.maxSize != "" {
		if req.MaxSize, err = signing.ParseSize(rf.maxSize); err != nil {
			return fmt.Errorf("--max-size: %w", err)
		}
		if req.MaxSize == 0 {
			return errors.New("--max-size 0 would take no file: give a size such as 200MiB, or leave it out for OSS's 5 GiB")
		}
	}
	if rf.minSize != "" {
		if req.MinSize, err = signing.ParseSize(rf.minSize); err != nil {
			return fmt.Errorf("--min-size: %w", err)
		}
	}
	return nil
}

// requestOutput is the --json form of a request link.
type requestOutput struct {
	ShareLink string `json:"share_link"`
	// URL is where the form is posted.
	URL    string `json:"url"`
	Method string `json:"method"`
	// Fields are every form field but the file, the key included (with
	// ${filename}, which OSS replaces by the uploaded file's name).
	Fields map[string]string `json:"fields"`
	// Policy is the decoded policy JSON, as signed.
	Policy json.RawMessage `json:"policy"`
	// Curl is written for CurlShell (--curl-shell); CurlCommands has every form.
	Curl              string                   `json:"curl"`
	CurlShell         signing.Shell            `json:"curl_shell"`
	CurlCommands      map[signing.Shell]string `json:"curl_commands"`
	Bucket            string                   `json:"bucket"`
	Prefix            string                   `json:"prefix,omitempty"`
	Key               string                   `json:"key,omitempty"`
	MinSize           int64                    `json:"min_size"`
	MaxSize           int64                    `json:"max_size"`
	ContentType       string                   `json:"content_type,omitempty"`
	ContentTypePrefix string                   `json:"content_type_prefix,omitempty"`
	SignedAt          string                   `json:"signed_at"`
	ExpiresAt         string                   `json:"expires_at"`
	// PageLink is the upload page with the request link in its fragment,
	// when there is a page; the page takes several files.
	PageLink string `json:"page_link,omitempty"`
}

func requestJSON(l *signing.RequestLink, file string, sh signing.Shell) requestOutput {
	return requestOutput{
		ShareLink: l.ShareLink(), URL: l.URL, Method: signing.MethodPost,
		Fields: l.Form(l.ObjectKey("${filename}"), "").Map(), Policy: json.RawMessage(l.Policy),
		Curl: l.CurlIn(sh, file), CurlShell: sh, CurlCommands: curlCommands(l.CurlIn, file),
		Bucket: l.Bucket, Prefix: l.Prefix, Key: l.Key, MinSize: l.MinSize, MaxSize: l.MaxSize,
		ContentType: l.ContentType, ContentTypePrefix: l.ContentTypePrefix,
		SignedAt: l.SignedAt.UTC().Format(time.RFC3339), ExpiresAt: l.ExpiresAt.UTC().Format(time.RFC3339),
	}
}

// presignRequest signs and prints a request link, its curl command written
// for sh; record keeps it in the history.
func presignRequest(env *Env, req signing.Request, f *presignFlags, sh signing.Shell, record func(*signing.RequestLink)) int {
	l, err := signing.NewRequestLink(req, env.Now())
	if err != nil {
		return signFailure(env, err)
	}
	pageLink := ""
	if f.pageURL != "" {
		if pageLink, err = l.PageLink(f.pageURL); err != nil {
			return failed(env, err.Error(), "")
		}
	}
	if f.qr != "" {
		if err := writeQR(f.qr, cmp.Or(pageLink, l.ShareLink())); err != nil {
			return qrFailure(env, err)
		}
	}
	// Recorded only once it is certain to be printed: a link that failed
	// here was never handed to anyone, and would wait in History for ever.
	record(l)
	if f.asJSON {
		out := requestJSON(l, f.file, sh)
		out.PageLink = pageLink
		return printJSON(env, out)
	}
	w := env.Stdout
	fmt.Fprintf(w, "Request link for %s/%s, valid until %s (%s)\n", l.Bucket, l.ObjectKey(""),
		clock(l.ExpiresAt), untilPhrase(l.ExpiresAt, env.Now()))
	fmt.Fprintf(w, "Takes: %s\n", requestLimits(l))
	fmt.Fprintf(w, "\nShare link (paste it into OSS Drop or 'ossdrop upload LINK FILE|DIR...'):\n  %s\n", l.ShareLink())
	fmt.Fprintf(w, "\nForm: POST %s with the fields\n", l.URL)
	for _, field := range l.Form(l.ObjectKey("${filename}"), "") {
		fmt.Fprintf(w, "  %s: %s\n", field.Name, field.Value)
	}
	fmt.Fprintf(w, "  file: (the file, last)\n\n%s (OSS replaces ${filename} with the file's name):\n  %s\n", curlLabel(sh), l.CurlIn(sh, f.file))
	if !l.ForbidOverwrite {
		fmt.Fprintln(w, "\nNote: this link can replace a stored file of the same name every time it is used until it expires.")
	}
	printAudience(env, pageLink, false)
	if f.qr != "" {
		fmt.Fprintf(w, "\nQR code of the %s written to %s\n", qrWhat(pageLink), f.qr)
	}
	return ExitOK
}

// requestLimits says what a request link takes, in one line.
func requestLimits(l *signing.RequestLink) string {
	parts := []string{"files of " + sizeRange(l.MinSize, l.MaxSize)}
	switch {
	case l.ContentType != "":
		parts = append(parts, "of type "+l.ContentType)
	case l.ContentTypePrefix != "":
		parts = append(parts, "of types "+l.ContentTypePrefix+"…")
	default:
		parts = append(parts, "of any type")
	}
	if l.Key != "" {
		parts = append(parts, "stored as "+l.Key)
	} else {
		parts = append(parts, "into "+l.Prefix)
	}
	if l.ForbidOverwrite {
		parts = append(parts, "never replacing a stored file")
	}
	return strings.Join(parts, ", ")
}

func sizeRange(lo, hi int64) string {
	if lo <= 0 {
		return "up to " + upload.FormatSize(hi)
	}
	return upload.FormatSize(lo) + " to " + upload.FormatSize(hi)
}

// printRequestInspection shows what a request link takes: folder, sizes,
// types, expiry, protection, callback, and the policy itself.
func printRequestInspection(w io.Writer, in *signing.Inspection, now time.Time, row func(label, value string)) {
	l := in.Request
	row("Link", "request link (OSS V4 POST policy), "+in.Source)
	row("Form", "POST "+l.URL)
	row("Bucket", l.Bucket)
	if l.Key != "" {
		row("Key", l.Key+" (one file)")
	} else {
		row("Folder", l.Prefix+" (any file name under it)")
	}
	row("Sizes", sizeRange(l.MinSize, l.MaxSize))
	switch {
	case l.ContentType != "":
		row("Type", l.ContentType)
	case l.ContentTypePrefix != "":
		row("Types", l.ContentTypePrefix+"…")
	default:
		row("Types", "any")
	}
	if l.Region != "" {
		row("Region", l.Region)
	}
	row("Signed at", clock(l.SignedAt))
	row("Valid until", clock(l.ExpiresAt)+" ("+untilPhrase(l.ExpiresAt, now)+")")
	row("AccessKey ID", l.AccessKeyID)
	row("STS token", yesNo(l.HasSTSToken))
	if l.ForbidOverwrite {
		row("Overwrite", "protected: a stored file of the same name is never replaced")
	} else {
		row("Overwrite", "allowed: a file of the same name replaces the stored one")
	}
	for name, value := range l.Metadata {
		row("Metadata", name+"="+value)
	}
	if l.Callback != "" {
		fmt.Fprintf(w, "Callback:\n%s\n", indent(termSafe(l.Callback), "  "))
	}
	if l.CallbackVars != "" {
		fmt.Fprintf(w, "Callback variables:\n%s\n", indent(termSafe(l.CallbackVars), "  "))
	}
	fmt.Fprintf(w, "Policy:\n%s\n", indent(termSafe(l.PolicyJSON()), "  "))
	if len(in.Warnings) > 0 {
		fmt.Fprintln(w, "Warnings:")
		for _, warning := range in.Warnings {
			fmt.Fprintf(w, "  - %s\n", warning)
		}
	}
}
