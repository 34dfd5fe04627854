package cli

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

func init() {
	register(command{name: "presign", summary: "make a presigned upload (or download) link", run: runPresign})
}

const presignSynopsis = `--bucket B --key K [--region R] [--endpoint URL] [flags]

Signs a link with OSS V4 and prints the share link, the plain URL, the headers
the uploader must send, a ready curl command (for scripts) and, when there is
an upload page (--page-url, the profile's, or the sandbox's own), the page
link that a person opens on a phone or in a browser. Credentials come from
--profile, or OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN;
never from a flag.

Overwrite protection is on by default: the link is signed with the header
x-oss-forbid-overwrite: true, so its plain URL works only in a client that
sends that header (the share link, the curl command, ossdrop upload, the app).
A browser, curl -T or the sample code in the OSS documentation sends no
headers and gets 403 SignatureDoesNotMatch. --allow-overwrite gives a URL any
client can use as it is, which can also replace the object until it expires.
--content-type, --meta, --storage-class, --acl, --pin-md5 and the callback
flags each add a header the client must send too.

Examples:
  ossdrop presign --region cn-hangzhou --bucket reports --key in/q3.pdf --content-type application/pdf
  ossdrop presign --endpoint http://127.0.0.1:9000 --region cn-hangzhou --bucket demo --key hello.txt --json
  ossdrop presign --request --bucket reports --prefix in/acme/ --max-size 200MiB --content-type-prefix image/`

// presignFlags holds the raw flag values before they become a signing.Request.
type presignFlags struct {
	endpointFlags
	key, method, expires                         string
	allowOverwrite                               bool
	contentType, storageClass, acl, file, qr     string
	pageURL                                      string
	pinMD5, asJSON                               bool
	meta, callbackURLs, callbackVars             []string
	callbackHost, callbackBody, callbackBodyType string
	callbackSNI                                  bool
}

func runPresign(args []string, env *Env) int {
	fs := newFlags(env, "presign", presignSynopsis)
	var f presignFlags
	f.endpointFlags.add(fs)
	fs.StringVar(&f.key, "key", "", "object key, e.g. uploads/report.pdf")
	fs.StringVar(&f.expires, "expires", "1h", "validity: 90s, 15m, 1h, 7d, or an RFC 3339 time")
	fs.StringVar(&f.method, "method", signing.MethodPut, "PUT for an upload link, GET for a download link")
	fs.StringVar(&f.contentType, "content-type", "", "content type the upload must declare (bound into the link)")
	fs.StringVar(&f.storageClass, "storage-class", "", "storage class: "+strings.Join(signing.StorageClasses, ", "))
	fs.StringVar(&f.acl, "acl", "", "object ACL: "+strings.Join(signing.ObjectACLs, ", "))
	fs.StringArrayVar(&f.meta, "meta", nil, "user metadata name=value (repeatable)")
	fs.StringArrayVar(&f.callbackURLs, "callback-url", nil, "upload callback URL (repeatable, up to 5, tried in order)")
	fs.StringVar(&f.callbackHost, "callback-host", "", "Host header for the callback request")
	fs.StringVar(&f.callbackBody, "callback-body", "", "callback body template, e.g. 'object=${object}&size=${size}'")
	fs.StringVar(&f.callbackBodyType, "callback-body-type", "form", "callback body type: form or json")
	fs.BoolVar(&f.callbackSNI, "callback-sni", false, "send SNI to the callback server")
	fs.StringArrayVar(&f.callbackVars, "callback-var", nil, "custom callback variable x:name=value (repeatable)")
	fs.BoolVar(&f.allowOverwrite, "allow-overwrite", false, "turn overwrite protection off: the link can then replace an existing object every time it is used, and (with no other bound option) its bare URL works in any client as it is. Off: a second upload gets 409, and the URL needs the header x-oss-forbid-overwrite: true")
	fs.StringVar(&f.file, "file", "", "file the curl command uploads (default ./FILE)")
	fs.BoolVar(&f.pinMD5, "pin-md5", false, "bind the link to the exact bytes of --file (Content-MD5)")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object")
	fs.StringVar(&f.qr, "qr", "", "also write a QR code PNG to this path: of the page link when there is one, else of the share link")
	fs.StringVar(&f.pageURL, "page-url", "", "upload page address: adds a page link (PAGE#share link) a phone or browser can use; default: the profile's page, or the sandbox's own for a loopback --endpoint")
	curlShell := addCurlShellFlag(fs)
	noHistory := fs.Bool("no-history", false, "do not record the link in the history ('ossdrop status' and the app's History tab)")
	creds := addCredentialFlags(fs)
	rf := addRequestFlags(fs)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return invalid(env, fmt.Sprintf("unexpected argument %q", fs.Arg(0)), "'ossdrop presign' takes flags only; run 'ossdrop presign --help'")
	}

	req, err := f.request()
	switch {
	case err == nil && rf.request:
		err = rf.apply(&req, &f)
	case err == nil && rf.stray() != "":
		err = fmt.Errorf("%s goes with --request (a link for many files)", rf.stray())
	}
	if err != nil {
		return invalid(env, err.Error(), "run 'ossdrop presign --help' for the accepted forms")
	}
	sh, err := curlShell.shell()
	if err != nil {
		return invalid(env, "--curl-shell: "+err.Error(), "")
	}
	if f.pageURL != "" {
		if _, err := signing.ValidatePageURL(f.pageURL); err != nil {
			return invalid(env, err.Error(), "")
		}
		if req.Method == signing.MethodGet {
			return invalid(env, "--page-url makes a page link for uploads, and --method GET makes a download link", "leave one of them out")
		}
	}
	if err := creds.resolve(env, &req); err != nil {
		return credentialFailure(env, err)
	}
	if req.Method != signing.MethodGet {
		f.pageURL = cmp.Or(f.pageURL, creds.resolved.PageURL, sandboxPageURL(req))
	}
	if rf.request {
		return presignRequest(env, req, &f, sh, func(l *signing.RequestLink) {
			if !*noHistory {
				recordRequestLink(env, creds.resolved.Name, req, l, f.pageURL)
			}
		})
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		return signFailure(env, err)
	}
	pageLink, err := presignPageLink(link, f.pageURL)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if f.qr != "" {
		if err := writeQR(f.qr, cmp.Or(pageLink, link.ShareLink())); err != nil {
			return qrFailure(env, err)
		}
	}
	if !*noHistory {
		page := ""
		if pageLink != "" {
			page = f.pageURL
		}
		recordLink(env, creds.resolved.Name, req, link, page)
	}
	if f.asJSON {
		out := linkJSON(link, req, f.file, sh)
		out.PageLink = pageLink
		return printJSON(env, out)
	}
	printLink(env, link, req, f.file, sh)
	if link.Method == signing.MethodPut {
		printAudience(env, pageLink, true)
	}
	if f.qr != "" {
		fmt.Fprintf(env.Stdout, "\nQR code of the %s written to %s\n", qrWhat(pageLink), f.qr)
	}
	return ExitOK
}

// request turns the flags into a signing request (credentials aside).
func (f *presignFlags) request() (signing.Request, error) {
	req, err := f.endpointFlags.request()
	if err != nil {
		return req, err
	}
	req.Key, req.Method, req.ContentType = f.key, strings.ToUpper(f.method), f.contentType
	req.StorageClass, req.ACL, req.AllowOverwrite = f.storageClass, f.acl, f.allowOverwrite
	// A duration is counted from the signing instant, not from now: "1s"
	// is a link that lasts one second, not one that expired while it was
	// being signed.
	if req.Expires, req.ExpiresAt, err = signing.ParseValidity(f.expires); err != nil {
		return req, err
	}
	if req.Metadata, err = pairs("--meta", f.meta, "="); err != nil {
		return req, err
	}
	if cb, err := f.callback(); err != nil {
		return req, err
	} else if cb != nil {
		req.Callback = cb
	}
	if f.pinMD5 {
		if f.file == "" {
			return req, errors.New("--pin-md5 needs --file: the link is bound to that file's bytes")
		}
		if req.ContentMD5, err = fileMD5(f.file); err != nil {
			return req, err
		}
	}
	return req, nil
}

func (f *presignFlags) callback() (*signing.Callback, error) {
	if len(f.callbackURLs) == 0 {
		if f.callbackBody != "" || f.callbackHost != "" || len(f.callbackVars) > 0 {
			return nil, errors.New("callback flags given without --callback-url")
		}
		return nil, nil
	}
	cb := &signing.Callback{URLs: f.callbackURLs, Host: f.callbackHost, Body: f.callbackBody, SNI: f.callbackSNI}
	switch f.callbackBodyType {
	case "form", signing.CallbackBodyForm:
		cb.BodyType = signing.CallbackBodyForm
	case "json", signing.CallbackBodyJSON:
		cb.BodyType = signing.CallbackBodyJSON
	default:
		return nil, fmt.Errorf("--callback-body-type %q is neither form nor json", f.callbackBodyType)
	}
	vars, err := pairs("--callback-var", f.callbackVars, "=")
	if err != nil {
		return nil, err
	}
	if len(vars) > 0 {
		cb.Vars = vars
	}
	return cb, nil
}

// pairs reads repeated name=value flags.
func pairs(flag string, values []string, sep string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(values))
	for _, v := range values {
		name, value, ok := strings.Cut(v, sep)
		if !ok || name == "" {
			return nil, fmt.Errorf("%s %q is not of the form name%svalue", flag, v, sep)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("%s names %q twice", flag, name)
		}
		m[name] = value
	}
	return m, nil
}

func fileMD5(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read %s to pin its MD5: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("cannot read %s to pin its MD5: %w", path, err)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// signFailure reports why a link was not signed: one line per invalid
// input (exit 2), or the failure (exit 1).
func signFailure(env *Env, err error) int {
	if fes := signing.FieldErrors(err); len(fes) > 0 {
		for _, fe := range fes {
			report(env, fe.Msg, "")
		}
		return ExitInvalid
	}
	return failed(env, err.Error(), "")
}

// errQRExists: the --qr path names a file already there, which is never
// replaced (it may be another link's code).
var errQRExists = errors.New("already exists")

// qrFailure reports a failed --qr: an existing file gets the way on as a
// hint line of its own, like every other failure.
func qrFailure(env *Env, err error) int {
	if errors.Is(err, errQRExists) {
		return failed(env, err.Error(), "choose another --qr path, or remove the file")
	}
	return failed(env, err.Error(), "")
}

// writeQR writes the QR PNG without replacing an existing file.
func writeQR(path, shareLink string) error {
	qr, err := signing.EncodeQR(shareLink)
	if err != nil {
		return err
	}
	png, err := qr.PNG(8)
	if err != nil {
		return err
	}
	// 0600 like every private file: the code is a live upload link.
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("the file %s %w", path, errQRExists)
	}
	if err != nil {
		return fmt.Errorf("cannot write the QR code: %w", err)
	}
	if _, err := out.Write(png); err != nil {
		out.Close()
		os.Remove(path)
		return fmt.Errorf("cannot write the QR code to %s: %w", path, err)
	}
	return out.Close()
}

// presignOutput is the --json form of a link.
type presignOutput struct {
	URL string `json:"url"`
	// RequiredHeaders are what a client must send with URL, exactly, as
	// "name: value"; URLNote says so in a sentence. A client that sends
	// none of them (a browser, curl -T) gets 403 SignatureDoesNotMatch.
	RequiredHeaders []string          `json:"required_headers"`
	URLWorksAlone   bool              `json:"url_works_alone"`
	URLNote         string            `json:"url_note"`
	ShareLink       string            `json:"share_link"`
	Method          string            `json:"method"`
	Headers         map[string]string `json:"headers"`
	SignedAt        string            `json:"signed_at"`
	ExpiresAt       string            `json:"expires_at"`
	Bucket          string            `json:"bucket"`
	Key             string            `json:"key"`
	// Curl is written for CurlShell (--curl-shell); CurlCommands has every form.
	Curl         string                   `json:"curl"`
	CurlShell    signing.Shell            `json:"curl_shell"`
	CurlCommands map[signing.Shell]string `json:"curl_commands"`
	// PageLink is the upload page with the share link in its fragment, when
	// there is a page (the profile's, --page-url, or the sandbox's own).
	PageLink string `json:"page_link,omitempty"`
}

func linkJSON(link *signing.Link, req signing.Request, file string, sh signing.Shell) presignOutput {
	plain := signing.CheckPlainURL(link.Headers)
	return presignOutput{
		URL: link.URL, RequiredHeaders: append([]string{}, plain.Headers...), URLWorksAlone: plain.Works, URLNote: plain.Note(),
		ShareLink: link.ShareLink(), Method: link.Method, Headers: link.Headers.Map(),
		SignedAt: link.SignedAt.UTC().Format(time.RFC3339), ExpiresAt: link.ExpiresAt.UTC().Format(time.RFC3339),
		Bucket: req.Bucket, Key: req.Key, Curl: link.CurlIn(sh, file), CurlShell: sh, CurlCommands: curlCommands(link.CurlIn, file),
	}
}

// printJSON prints v as the command's one JSON object.
func printJSON(env *Env, v any) int {
	env.jsonPrinted = true
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return failed(env, "cannot write the output: "+err.Error(), "")
	}
	if _, err := env.Stdout.Write(escapeTerminalControls(buf.Bytes())); err != nil {
		return failed(env, "cannot write the output: "+err.Error(), "")
	}
	return ExitOK
}

func printLink(env *Env, link *signing.Link, req signing.Request, file string, sh signing.Shell) {
	w := env.Stdout
	kind := "Upload"
	if link.Method == signing.MethodGet {
		kind = "Download"
	}
	fmt.Fprintf(w, "%s link for %s/%s, valid until %s (%s)\n", kind, req.Bucket, req.Key,
		clock(link.ExpiresAt), untilPhrase(link.ExpiresAt, env.Now()))
	fmt.Fprintf(w, "\nShare link (carries its headers; paste it into OSS Drop or 'ossdrop upload'):\n  %s\n", link.ShareLink())
	plain := signing.CheckPlainURL(link.Headers)
	if plain.Works {
		fmt.Fprintf(w, "\nURL (any client can use it as it is):\n  %s\n", link.URL)
	} else {
		fmt.Fprintf(w, "\nURL (works ONLY with the headers below; without them: 403 SignatureDoesNotMatch):\n  %s\n", link.URL)
		fmt.Fprintln(w, "\nHeaders the uploader must send with the URL, exactly:")
		for _, h := range link.Headers {
			fmt.Fprintf(w, "  %s: %s\n", h.Name, h.Value)
		}
	}
	fmt.Fprintf(w, "\n%s:\n  %s\n", curlLabel(sh), link.CurlIn(sh, file))
	if link.Method == signing.MethodPut {
		note := plain.Note()
		if req.AllowOverwrite {
			note += " The link can replace the object every time it is used until it expires."
		}
		fmt.Fprintf(w, "\nNote: %s\n", note)
	}
}

// clock writes an instant the one way the command line writes instants:
// local time with its zone, "2026-11-26 20:08:33 UTC".
func clock(t time.Time) string { return message.Time(t).String() }

// untilPhrase says "in 59 minutes" or "expired 3 minutes ago".
func untilPhrase(at, now time.Time) string {
	if at.Before(now) {
		return "expired " + signing.HumanDuration(now.Sub(at)) + " ago"
	}
	return "in " + signing.HumanDuration(at.Sub(now))
}
