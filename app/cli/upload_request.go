package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// requestUpload is what the upload command's flags ask of a request-link
// upload.
type requestUpload struct {
	retries                             int
	asJSON, hasHeaders, allowUnverified bool
}

// uploadRequestLink sends files and folders through a request link: a
// queue, one line per file as it ends, and a summary. It exits 0 only when
// every file is stored and verified.
func uploadRequestLink(env *Env, in *signing.Inspection, paths []string, o requestUpload) int {
	retries, asJSON := o.retries, o.asJSON
	if o.hasHeaders {
		return invalid(env, "a request link carries its own form fields; --header cannot be added to it", "leave out --header")
	}
	if in.Expired(env.Now()) {
		return fail(env, ExitFailed, errorOutput{Kind: "expired", Message: expiredSentence(in.ExpiresAt, env.Now()), Hint: "ask the sender for a new link"})
	}
	files, err := upload.Expand(paths)
	if err != nil {
		return uploadFailure(env, err)
	}
	if len(files) == 0 {
		return invalid(env, "the folders hold no files", "name the files or folders to upload")
	}
	for _, w := range in.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", termSafe(w.String()))
	}
	q := &upload.Queue{Link: in, Retries: retries, Now: env.Now, AllowUnverified: o.allowUnverified}
	if retries == 0 {
		q.Retries = -1 // the package reads 0 as "the default"
	}
	var bar *progressbar.ProgressBar
	reported := make([]bool, len(files))
	q.Progress = func(s upload.QueueStatus) {
		if bar == nil && env.StdoutIsTerminal && !asJSON && s.Total > 0 {
			bar = newQueueBar(env.Stdout, s.Total)
		}
		for i, f := range s.Files {
			if reported[i] || (f.State != upload.Stored && f.State != upload.Failed) {
				continue
			}
			reported[i] = true
			if bar != nil {
				_ = bar.Clear()
			}
			if !asJSON {
				printQueueFile(env, f)
			}
		}
		if bar != nil {
			_ = bar.Set64(s.Sent)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	final := q.Run(ctx, files)
	if bar != nil {
		_ = bar.Clear()
	}
	failure := queueFailure(final, ctx.Err() != nil, asJSON)
	if asJSON {
		out := queueJSON(final)
		if failure != nil {
			e := *failure
			e.Message, e.Hint, e.ExitCode = asSentence(e.Message), asSentence(e.Hint), ExitFailed
			out.Error = &e
		}
		printJSON(env, out)
	} else {
		fmt.Fprintf(env.Stdout, "%d of %d files stored under %s/%s", final.Stored, len(final.Files), in.Bucket, in.Request.ObjectKey(""))
		if final.Failed > 0 {
			fmt.Fprintf(env.Stdout, "; %d failed", final.Failed)
		}
		fmt.Fprintln(env.Stdout, ".")
	}
	if failure != nil {
		return fail(env, ExitFailed, *failure)
	}
	return ExitOK
}

// queueFailure says why a request-link upload did not succeed, for the
// error: line and the --json "error" member, which has the same shape as
// a PUT upload's; nil when every file is stored and verified. Its kind is
// the files' own when they all failed the same way.
func queueFailure(final upload.QueueStatus, canceled, asJSON bool) *errorOutput {
	switch {
	case final.OK():
		return nil
	case canceled:
		return &errorOutput{Kind: "canceled", Message: "the upload was cancelled; the files not yet stored were not sent"}
	}
	kind := ""
	for _, f := range final.Files {
		if f.Err == nil {
			continue
		}
		switch k := uploadErrorOutput(f.Err).Kind; {
		case kind == "":
			kind = k
		case kind != k:
			kind = "files_failed"
		}
	}
	hint := "see the lines above; fix those files and upload them again"
	if asJSON {
		hint = `each failed file has its own "error" and "hint" in "files"; fix those files and upload them again`
	}
	return &errorOutput{Kind: cmp.Or(kind, "files_failed"), Hint: hint,
		Message: fmt.Sprintf("%d of %d files were not stored and verified", len(final.Files)-verifiedCount(final), len(final.Files))}
}

func verifiedCount(s upload.QueueStatus) int {
	n := 0
	for _, f := range s.Files {
		if f.State == upload.Stored && f.Result != nil && f.Result.Verified() {
			n++
		}
	}
	return n
}

// printQueueFile prints one ended file: stored and verified, or why not.
func printQueueFile(env *Env, f upload.FileStatus) {
	if f.State == upload.Stored {
		check := "verified " + verifiedText(f.Result, nil)
		if !f.Result.Verified() {
			check = "NOT verified, accepted with --allow-unverified (" + f.Result.CRCNote.String() + "; " + f.Result.MD5Note.String() + ")"
		}
		fmt.Fprintf(env.Stdout, "stored  %s → %s (%s), %s\n", f.Name, f.Key, upload.FormatSize(f.Result.Size), check)
		return
	}
	var e *upload.Error
	if errors.As(f.Err, &e) {
		fmt.Fprintf(env.Stdout, "FAILED  %s: %s\n        hint: %s\n", f.Name, e.Sentence, e.Hint)
		return
	}
	fmt.Fprintf(env.Stdout, "FAILED  %s: %v\n", f.Name, f.Err)
}

func newQueueBar(w io.Writer, total int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("all files"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(65*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// queueFileOutput is one file of the --json output.
type queueFileOutput struct {
	Path   string        `json:"path"`
	Name   string        `json:"name"`
	Key    string        `json:"key,omitempty"`
	Size   int64         `json:"size"`
	State  string        `json:"state"`
	Upload *uploadOutput `json:"upload,omitempty"`
	Error  string        `json:"error,omitempty"`
	Hint   string        `json:"hint,omitempty"`
}

// queueOutput is the --json form of a request-link upload: "ok", and on
// failure "error" with kind, message, hint and exit_code, as for a PUT.
type queueOutput struct {
	OK     bool              `json:"ok"`
	Error  *errorOutput      `json:"error,omitempty"`
	Stored int               `json:"stored"`
	Failed int               `json:"failed"`
	Files  []queueFileOutput `json:"files"`
}

var stateNames = map[upload.FileState]string{upload.Waiting: "waiting", upload.Sending: "sending", upload.Stored: "stored", upload.Failed: "failed", upload.Canceled: "canceled"}

func queueJSON(s upload.QueueStatus) queueOutput {
	out := queueOutput{OK: s.OK(), Stored: s.Stored, Failed: s.Failed, Files: []queueFileOutput{}}
	for _, f := range s.Files {
		fo := queueFileOutput{Path: f.Path, Name: f.Name, Key: f.Key, Size: f.Size, State: stateNames[f.State]}
		if f.Result != nil {
			u := uploadJSON(f.Result)
			if f.Err != nil { // stored, but not verified
				e := uploadErrorOutput(f.Err)
				e.ExitCode = ExitFailed
				u.OK, u.Error = false, &e
			}
			fo.Upload = &u
		}
		var e *upload.Error
		if errors.As(f.Err, &e) {
			fo.Error, fo.Hint = e.Sentence.String(), e.Hint.String()
		}
		out.Files = append(out.Files, fo)
	}
	return out
}
