package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "status", summary: "did the files arrive? the state of every upload link issued", run: runStatus})
}

const statusSynopsis = `[--watch [--interval D]] [--json] [--all]

Lists the upload links in the history (made by the app or by 'ossdrop
presign') and asks the bucket, with the profile that signed each link,
whether its file arrived: waiting, received (size, time, ETag, CRC-64,
content type), expired (nothing arrived before the link expired), taken
(the key already held a file when the app made the link, which may not
replace it), or unknown (the profile is gone, or the check failed: the
reason is shown).
A request link lists every file received under its prefix. Links still
open or expired less than a day ago are listed; --all lists every one.

With --json: one JSON array of objects with id, profile, bucket, key (or
prefix), method, state, expires_at, objects (key, size, etag, crc64,
content_type, last_modified) and, for a received PUT link, size and etag;
error and hint when a check failed. With --watch, links are checked again
every --interval until Ctrl-C, printing a line per change (one JSON array
per round with --json).

Exit code 1 when a link could not be checked (network, permission);
links whose profile is gone are listed as unknown without being checked.

Examples:
  ossdrop status
  ossdrop status --json | jq '.[] | select(.state == "received") | .key'
  ossdrop status --watch`

func runStatus(args []string, env *Env) int {
	fs := newFlags(env, "status", statusSynopsis)
	watch := fs.Bool("watch", false, "keep checking and print each change, until Ctrl-C")
	interval := fs.Duration("interval", arrivals.DefaultInterval, "time between checks with --watch")
	asJSON := fs.Bool("json", false, "print a JSON array")
	all := fs.Bool("all", false, "also links that expired more than a day ago")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return invalid(env, fmt.Sprintf("unexpected argument %q", fs.Arg(0)), "'ossdrop status' takes flags only; run 'ossdrop status --help'")
	}
	if fs.Changed("interval") && !*watch {
		every := signing.TypedDuration(*interval)
		return invalid(env, fmt.Sprintf("--interval %s goes with --watch: without it, status checks once and exits", every),
			fmt.Sprintf("add --watch to check every %s until Ctrl-C", every))
	}
	if *interval < time.Second {
		return invalid(env, fmt.Sprintf("--interval %s is shorter than a second", *interval), "use 1m, the app's pace, or at least 1s")
	}
	h, err := openHistory()
	if err != nil {
		return failed(env, err.Error(), "")
	}
	ctx, stop := env.context()
	defer stop()
	if *watch {
		return watchStatus(ctx, env, h, *interval, *asJSON)
	}

	entries, err := h.List()
	if err != nil {
		return failed(env, err.Error(), "")
	}
	now := env.Now()
	lookup := accountLookup(env)
	var rows []statusRow
	for _, e := range entries {
		if !arrivals.Watched(e) || (!*all && !arrivals.Due(e, now)) {
			continue
		}
		rows = append(rows, statusRow{entry: e, status: arrivals.Check(ctx, e, lookup, nil, now)})
	}
	if *asJSON {
		if code := printJSON(env, statusJSON(rows)); code != ExitOK {
			return code
		}
	} else {
		printStatus(env.Stdout, rows, now)
	}
	for _, r := range rows {
		if r.status.Err != nil && !errors.Is(r.status.Err, arrivals.ErrProfileGone) {
			return ExitFailed
		}
	}
	return ExitOK
}

// statusRow is one link and what a check found.
type statusRow struct {
	entry  history.Entry
	status arrivals.Status
}

// watchStatus checks every interval with a Watcher (the app's pacing and
// backoff) and prints each change until ctx ends.
func watchStatus(ctx context.Context, env *Env, h *history.Store, interval time.Duration, asJSON bool) int {
	store, _ := arrivals.Open("") // announcements of this run only: the app's stay the app's
	seen := map[string]arrivals.State{}
	w := &arrivals.Watcher{
		History: h.List, Lookup: accountLookup(env), Store: store, Interval: interval, Now: env.Now,
		OnError: func(err error) { report(env, err.Error(), "") },
		OnUpdate: func(statuses map[string]arrivals.Status) {
			entries, err := h.List()
			if err != nil {
				return
			}
			var rows []statusRow
			for _, e := range entries {
				if st, ok := statuses[e.ID]; ok {
					rows = append(rows, statusRow{entry: e, status: st})
				}
			}
			if asJSON {
				line, _ := json.Marshal(statusJSON(rows)) // plain data: cannot fail
				fmt.Fprintf(env.Stdout, "%s\n", line)
				return
			}
			printChanges(env.Stdout, rows, seen, env.Now())
		},
	}
	if !asJSON {
		fmt.Fprintf(env.Stdout, "Watching the upload links (every %s); Ctrl-C stops.\n", interval)
	}
	w.Run(ctx)
	return ExitOK
}

// printChanges prints one line per link whose state changed since the
// last round, and per file newly received.
func printChanges(w io.Writer, rows []statusRow, seen map[string]arrivals.State, now time.Time) {
	stamp := now.Local().Format("15:04:05")
	for _, r := range rows {
		st := r.status
		name := linkName(r.entry)
		for _, o := range st.Objects {
			if _, ok := seen[r.entry.ID+"\x00"+o.ID()]; !ok {
				seen[r.entry.ID+"\x00"+o.ID()] = arrivals.Received
				// The key is the partner's choice, read from the server: made safe.
				fmt.Fprintf(w, "%s  received  %s/%s (%s) through %s\n", stamp, o.Bucket, termSafe(o.Key), upload.FormatSize(o.Size), name)
			}
		}
		if seen[r.entry.ID] == st.State || (st.State == arrivals.Received && len(st.Objects) > 0) {
			seen[r.entry.ID] = st.State
			continue
		}
		seen[r.entry.ID] = st.State
		line := fmt.Sprintf("%s  %-8s  %s", stamp, st.State, name)
		switch {
		case st.Err != nil:
			line += "  " + errorText(st.Err)
		case st.State == arrivals.Taken:
			line += "  " + takenText(r.entry)
		}
		fmt.Fprintln(w, line)
	}
}

// linkName is "bucket/key", or "bucket/prefix" for a request link.
func linkName(e history.Entry) string {
	if e.Prefix != "" {
		return e.Bucket + "/" + e.Prefix + " (request link)"
	}
	return e.Bucket + "/" + e.Key
}

// takenText says why a link in the taken state can store nothing.
func takenText(e history.Entry) string {
	text := "the key already held a file when the link was made, and the link may not replace it"
	if x := e.Existing; x != nil {
		text += fmt.Sprintf(" (%s, %s)", upload.FormatSize(x.Size), x.LastModified.Local().Format("2006-01-02 15:04"))
	}
	return text
}

// errorText is a check's error as one line: sentence and hint.
func errorText(err error) string {
	var be *bucket.Error
	var nc *notCheckedError
	switch {
	case errors.As(err, &be):
		return be.Error()
	case errors.As(err, &nc):
		return "not checked: " + nc.why + "; " + nc.hint + "."
	case errors.Is(err, arrivals.ErrProfileGone):
		return "not checked: " + err.Error() + "."
	}
	return err.Error()
}

// printStatus prints a table: one row per link, one indented row per file.
func printStatus(w io.Writer, rows []statusRow, now time.Time) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "No upload links to check: make one with 'ossdrop presign' or the app (links that expired over a day ago need --all).")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tLINK\tEXPIRES\tRECEIVED")
	for _, r := range rows {
		st := r.status
		received := ""
		switch {
		case st.Err != nil:
			received = errorText(st.Err)
		case st.State == arrivals.Taken:
			received = takenText(r.entry)
		case r.entry.Prefix != "":
			received = fmt.Sprintf("%d files", len(st.Objects))
			if st.Truncated {
				received = fmt.Sprintf("more than %d files", len(st.Objects))
			}
		case len(st.Objects) == 1:
			received = objectLine(st.Objects[0])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.State, linkName(r.entry), untilPhrase(r.entry.Expires, now), received)
		if r.entry.Prefix != "" {
			for _, o := range st.Objects {
				fmt.Fprintf(tw, "\t  %s\t\t%s\n", termSafe(strings.TrimPrefix(o.Key, r.entry.Prefix)), objectLine(o))
			}
		}
	}
	tw.Flush()
}

// objectLine is "12.4 MB · 2026-12-01 14:05 · application/pdf · CRC-64 123…".
func objectLine(o arrivals.Object) string {
	parts := []string{upload.FormatSize(o.Size), o.LastModified.Local().Format("2006-01-02 15:04")}
	if o.ContentType != "" {
		parts = append(parts, o.ContentType)
	}
	if o.CRC64 != "" {
		parts = append(parts, "CRC-64 "+o.CRC64)
	}
	parts = append(parts, "ETag "+o.ETag)
	return termSafe(strings.Join(parts, " · ")) // the server's values
}

// statusOutput is one link in the --json array.
type statusOutput struct {
	ID        string `json:"id"`
	Profile   string `json:"profile"`
	Bucket    string `json:"bucket"`
	Key       string `json:"key,omitempty"`
	Prefix    string `json:"prefix,omitempty"`
	Method    string `json:"method"`
	State     string `json:"state"`
	ExpiresAt string `json:"expires_at"`
	// Size and ETag are the received object's, for a PUT link.
	Size      *int64            `json:"size,omitempty"`
	ETag      string            `json:"etag,omitempty"`
	Objects   []arrivals.Object `json:"objects"`
	Truncated bool              `json:"truncated,omitempty"`
	CheckedAt string            `json:"checked_at,omitempty"`
	Error     string            `json:"error,omitempty"`
	Hint      string            `json:"hint,omitempty"`
}

func statusJSON(rows []statusRow) []statusOutput {
	out := []statusOutput{}
	for _, r := range rows {
		e, st := r.entry, r.status
		o := statusOutput{ID: e.ID, Profile: e.Profile, Bucket: e.Bucket, Key: e.Key, Prefix: e.Prefix, Method: e.Method,
			State: string(st.State), ExpiresAt: e.Expires.UTC().Format(time.RFC3339), Objects: st.Objects, Truncated: st.Truncated}
		if o.Objects == nil {
			o.Objects = []arrivals.Object{}
		}
		if e.Prefix != "" {
			o.Key = ""
		} else if len(st.Objects) == 1 {
			o.Size, o.ETag = &st.Objects[0].Size, st.Objects[0].ETag
		}
		if !st.CheckedAt.IsZero() {
			o.CheckedAt = st.CheckedAt.UTC().Format(time.RFC3339)
		}
		var be *bucket.Error
		var nc *notCheckedError
		switch {
		case errors.As(st.Err, &be):
			o.Error, o.Hint = be.Sentence.String(), be.Hint.String()
		case errors.As(st.Err, &nc):
			o.Error, o.Hint = asSentence("not checked: "+nc.why), asSentence(nc.hint)
		case st.Err != nil:
			o.Error = errorText(st.Err)
		}
		out = append(out, o)
	}
	return out
}
