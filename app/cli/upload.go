package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

func init() {
	register(command{name: "upload", summary: "upload a file through a link or curl command, and verify it", run: runUpload})
}

const uploadSynopsis = `LINK|- FILE|DIR... [-H 'Name: value']... [--retries N] [--allow-unverified] [--json]

Uploads FILE with a share link, a bare presigned URL or a curl command ("-"
reads it from standard input, at most 1 MiB), sending exactly the headers the
link carries, then compares the server's CRC-64 (computed while sending)
and MD5 with the file's; past 8 MiB the MD5 is computed only when the answer
has no CRC-64 (a second read of the file). Exits 0 when the file is stored,
at least one checksum matches and none disagrees; 1 otherwise with the
reason on stderr. OSS always returns both checksums: an answer with neither
(a proxy, a Wi-Fi sign-in page) fails
unless --allow-unverified. A server that takes nothing for 2 minutes stops
the attempt. With --json every outcome is one JSON object on stdout: "ok",
"stored", the checksums, and on failure "error" (kind, message, hint, code).

A request link (ossdrop presign --request) takes many files and folders: each
file is checked against the link's size and type limits, a folder keeps its
relative paths under the link's folder, a few files go at once, and one
failure does not stop the others. Exits 0 only when every file is stored and
its checksum verified.

A bare URL does not say which headers it was signed with: add them with
--header, or ask the sender for the share link.

Examples:
  ossdrop upload 'https://demo.oss-cn-hangzhou.aliyuncs.com/in/q3.pdf?x-oss-…#ossdrop=1&…' q3.pdf
  pbpaste | ossdrop upload - q3.pdf --json
  ossdrop upload 'https://reports.oss-cn-hangzhou.aliyuncs.com/#ossdrop=2&method=POST&…' photos/ notes.pdf`

func runUpload(args []string, env *Env) int {
	fs := newFlags(env, "upload", uploadSynopsis)
	headerFlags := fs.StringArrayP("header", "H", nil, "extra header 'Name: value' to send (repeatable), as with curl -H; for a bare URL")
	retries := fs.Int("retries", upload.DefaultRetries, "how many times to retry a lost connection or a server failure (0: never)")
	allowUnverified := fs.Bool("allow-unverified", false, "accept a success answer that carries no checksum to compare (exit 0 although the upload cannot be verified)")
	asJSON := fs.Bool("json", false, "print one JSON object, whatever the outcome")
	env.jsonMode = wantsJSON(args)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	env.jsonMode = *asJSON
	if fs.NArg() < 2 {
		return invalid(env, "'ossdrop upload' takes a link and a file", "ossdrop upload 'https://…' report.pdf, or pipe the link: … | ossdrop upload - report.pdf")
	}
	if *retries < 0 {
		return invalid(env, fmt.Sprintf("--retries %d is negative", *retries), "use 0 to never retry")
	}
	if slices.Contains(fs.Args()[1:], "-") {
		return invalid(env, "the file cannot come from standard input: its size must be known before the upload starts", "save it to a file first, then upload that")
	}
	headers, err := parseHeaderFlags(*headerFlags)
	if err != nil {
		return invalid(env, err.Error(), "write each header as --header 'Name: value'")
	}
	text, err := readLinkInput(fs.Arg(0), "upload", env)
	if err != nil {
		return fail(env, ExitFailed, errorOutput{Kind: "not_a_link", Message: err.Error(), Hint: stdinHint})
	}
	if in, err := signing.Inspect(text, env.Now()); err == nil && in.Request != nil {
		return uploadRequestLink(env, in, fs.Args()[1:], requestUpload{retries: *retries, asJSON: *asJSON, hasHeaders: len(headers) > 0, allowUnverified: *allowUnverified})
	}
	if fs.NArg() != 2 {
		return invalid(env, "this link takes one file", "a request link (ossdrop presign --request) takes many files and folders")
	}

	req := upload.Request{LinkText: text, File: fs.Arg(1), ExtraHeaders: headers, Retries: *retries, Now: env.Now, AllowUnverified: *allowUnverified}
	if *retries == 0 {
		req.Retries = -1 // the package reads 0 as "the default"
	}
	plan, err := upload.Prepare(req)
	if err != nil {
		return uploadFailure(env, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", termSafe(w.String()))
	}

	var bar *progressbar.ProgressBar
	if env.StdoutIsTerminal && !*asJSON && plan.Size > 0 {
		bar = newUploadBar(env.Stdout, plan)
		req.Progress = func(p upload.Progress) {
			if p.Attempt > 1 {
				bar.Describe(fmt.Sprintf("%s (retry %d)", filepath.Base(plan.File), p.Attempt-1))
			}
			_ = bar.Set64(p.Sent) // a bar that cannot draw must not stop the upload
		}
	}

	// Ctrl-C stops the upload cleanly: the request is cancelled at once, so
	// OSS stores nothing half-sent.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := upload.Upload(ctx, req)
	if bar != nil {
		_ = bar.Clear()
	}

	if res != nil {
		if *asJSON {
			out := uploadJSON(res)
			if err != nil {
				e := uploadErrorOutput(err)
				e.ExitCode = uploadExitCode(err)
				out.OK, out.Error = false, &e
			}
			printJSON(env, out)
		} else {
			printUpload(env.Stdout, plan, res, err)
		}
	}
	if err != nil {
		return uploadFailure(env, err)
	}
	return ExitOK
}

// parseHeaderFlags reads --header values the way curl's -H does.
func parseHeaderFlags(values []string) (signing.Headers, error) {
	var headers signing.Headers
	for _, v := range values {
		name, value, ok := strings.Cut(v, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, fmt.Errorf("--header %q is not 'Name: value'", v)
		}
		headers = append(headers, signing.Header{Name: strings.ToLower(name), Value: value})
	}
	return headers, nil
}

// uploadFailure prints an upload error as its sentence and hint (and, with
// --json, as the error member of the one object).
func uploadFailure(env *Env, err error) int {
	e := uploadErrorOutput(err)
	if errors.Is(err, upload.ErrUnverified) {
		e.Hint += " To accept the upload as it is, run it again with --allow-unverified."
	}
	return fail(env, uploadExitCode(err), e)
}

// uploadExitCode is 2 for an invalid header (the input), 1 for the rest.
func uploadExitCode(err error) int {
	if errors.Is(err, upload.ErrHeader) {
		return ExitInvalid
	}
	return ExitFailed
}

func newUploadBar(w io.Writer, plan *upload.Plan) *progressbar.ProgressBar {
	return newTransferBar(w, filepath.Base(plan.File), plan.Size)
}

// uploadOutput is the --json form of a stored upload: OK when it is
// verified and nothing failed, otherwise with the Error.
type uploadOutput struct {
	OK bool `json:"ok"`
	// Stored is true: the server said it stored the file (a failure before
	// that prints a failureOutput, which has no "stored").
	Stored bool         `json:"stored"`
	Error  *errorOutput `json:"error,omitempty"`

	ETag string `json:"etag"`
	Size int64  `json:"size"`
	// CRC64 is decimal text, as OSS sends it: a uint64 does not survive a
	// JSON number in most decoders (jq, JavaScript).
	CRC64       string `json:"crc64"`
	MD5         string `json:"md5"`
	Verified    bool   `json:"verified"`
	CRCVerified bool   `json:"crc64_verified"`
	MD5Verified bool   `json:"md5_verified"`
	RequestID   string `json:"request_id"`
	VersionID   string `json:"version_id,omitempty"`
	// Callback is the owner's callback server's JSON answer, a string when
	// it is not JSON, or null without a callback.
	Callback       any      `json:"callback"`
	Status         int      `json:"status"`
	Attempts       int      `json:"attempts"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
	Notes          []string `json:"notes"`
	// Mismatches lists the checksums that disagreed or could not be read.
	Mismatches []string `json:"mismatches"`
}

func uploadJSON(res *upload.Result) uploadOutput {
	out := uploadOutput{OK: true, Stored: true,
		ETag: res.ETag, Size: res.Size, CRC64: fmt.Sprint(res.CRC64), MD5: res.MD5,
		Verified: res.Verified(), CRCVerified: res.CRCVerified, MD5Verified: res.MD5Verified,
		RequestID: res.RequestID, VersionID: res.VersionID, Status: res.Status, Attempts: res.Attempts,
		ElapsedSeconds: res.Elapsed.Seconds(), Notes: []string{}, Mismatches: message.Strings(res.Mismatches),
	}
	switch {
	case len(res.CallbackBody) == 0:
	case json.Valid(res.CallbackBody):
		out.Callback = json.RawMessage(res.CallbackBody)
	default:
		out.Callback = string(res.CallbackBody)
	}
	for _, note := range []message.Text{res.CRCNote, res.MD5Note} {
		if !note.IsZero() {
			out.Notes = append(out.Notes, note.String())
		}
	}
	return out
}

func printUpload(w io.Writer, plan *upload.Plan, res *upload.Result, err error) {
	row := func(label, value string) { fmt.Fprintf(w, "%-11s %s\n", label+":", value) }
	target := plan.Link.Key
	if plan.Link.Bucket != "" {
		target = plan.Link.Bucket + "/" + target
	}
	speed := ""
	if s := res.Elapsed.Seconds(); s > 0 {
		speed = ", " + upload.FormatSize(int64(float64(res.Size)/s)) + "/s"
	}
	if err == nil {
		fmt.Fprintf(w, "Uploaded %s (%s) to %s in %s%s.\n", filepath.Base(plan.File), upload.FormatSize(res.Size), termSafe(target), res.Elapsed.Round(time.Millisecond), speed)
	} else {
		// Not "Uploaded": the server's word is all there is, and the error
		// below says why it is not enough.
		fmt.Fprintf(w, "Sent %s (%s) to %s in %s%s; the server says it stored it.\n", filepath.Base(plan.File), upload.FormatSize(res.Size), termSafe(target), res.Elapsed.Round(time.Millisecond), speed)
	}
	row("Verified", verifiedText(res, err))
	row("ETag", dash(res.ETag))
	row("CRC-64", fmt.Sprint(res.CRC64))
	row("MD5", dash(res.MD5))
	if res.RequestID != "" {
		row("Request ID", res.RequestID)
	}
	if res.VersionID != "" {
		row("Version ID", res.VersionID)
	}
	if res.Attempts > 1 {
		row("Attempts", fmt.Sprint(res.Attempts))
	}
	if len(res.CallbackBody) > 0 {
		// The owner's server wrote it: printed only once made safe.
		fmt.Fprintf(w, "Callback answer:\n%s\n", indent(termSafe(res.CallbackJSON()), "  "))
	}
}

// verifiedText says which checksums matched, or why none could be compared.
func verifiedText(res *upload.Result, err error) string {
	switch {
	case errors.Is(err, upload.ErrChecksum) && len(res.Mismatches) > 0 && strings.Contains(err.Error(), "differs"):
		return "NO: the object on the server differs from the file"
	case len(res.Mismatches) > 0:
		return "NO: " + strings.Join(message.Strings(res.Mismatches), "; ")
	case res.CRCVerified && res.MD5Verified:
		return "yes: CRC-64 and MD5 match the server's"
	case res.CRCVerified:
		return "yes: CRC-64 matches the server's (" + res.MD5Note.String() + ")"
	case res.MD5Verified:
		return "yes: MD5 matches the server's (" + res.CRCNote.String() + ")"
	}
	return "no: " + res.CRCNote.String() + "; " + res.MD5Note.String()
}
