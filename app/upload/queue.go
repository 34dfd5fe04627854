package upload

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// DefaultParallel is how many files a queue sends at once: enough to keep
// a link busy between one file's last byte and the next one's first, few
// enough not to split a slow line into crawling transfers.
const DefaultParallel = 3

// File is one file for a request link.
type File struct {
	// Path is where the file is on this computer.
	Path string
	// Name is its name under the link's folder, forward slashes between
	// folders on every system ("photos/2026/a.jpg").
	Name string
}

// Expand turns the paths a person named or dropped into files: a file is
// itself; a folder is every regular file below it, named by its path from
// the folder's parent, so "photos" keeps "photos/…" under the link's
// folder. Symbolic links inside a folder are not followed (they may point
// anywhere); a path that cannot be read is an error naming it.
func Expand(paths []string) ([]File, error) {
	var files []File
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fileError(p, err)
		}
		if !info.IsDir() {
			files = append(files, File{Path: p, Name: filepath.Base(p)})
			continue
		}
		parent := filepath.Dir(filepath.Clean(p))
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fileError(path, err)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(parent, path)
			if err != nil {
				return fileError(path, err)
			}
			files = append(files, File{Path: path, Name: filepath.ToSlash(rel)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// FileState is where one file of a queue is.
type FileState int

// File states, in the order a file goes through them.
const (
	Waiting FileState = iota
	Sending
	Stored
	Failed
	Canceled
)

// FileStatus is one file of a queue and how far it is.
type FileStatus struct {
	File
	// Key is the object key the file goes to.
	Key   string
	Size  int64
	State FileState
	// Sent counts the bytes of the current attempt.
	Sent int64
	// Result is set once the server stored the file (also when Err says
	// what went wrong after that, such as a callback failure).
	Result *Result
	// Err says why the file failed: a pre-flight check (too big, wrong
	// type, …) or the upload itself. Always an *Error.
	Err error
}

// QueueStatus is a snapshot of a whole queue.
type QueueStatus struct {
	Files []FileStatus
	// Sent and Total count the bytes of the files that passed their checks.
	Sent, Total int64
	Stored      int
	Failed      int
	// Done is set in the last snapshot, when every file has ended.
	Done bool
}

// OK reports whether every file was stored and its checksums matched.
func (s QueueStatus) OK() bool {
	for _, f := range s.Files {
		if f.State != Stored || f.Result == nil || !f.Result.Verified() {
			return false
		}
	}
	return len(s.Files) > 0
}

// Queue sends many files through one request link, a few at a time. Each
// file is checked against the link before anything is sent and streams
// like a single upload (retries, checksums, cancel); one file's failure
// never stops the others.
type Queue struct {
	Link *signing.Inspection
	// Parallel is how many files are sent at once; 0 means DefaultParallel.
	Parallel int
	// Retries, Backoff, HTTPClient, Now and AllowUnverified apply to each
	// file as in Request.
	Retries         int
	Backoff         func(n int) time.Duration
	HTTPClient      *http.Client
	Now             func() time.Time
	AllowUnverified bool
	// Progress, if set, is called from other goroutines (never two calls at
	// once) at most every 50 ms while files are sent, when a file ends, and
	// a last time with Done set before Run returns.
	Progress func(QueueStatus)
}

// queueRun is the state of one Run.
type queueRun struct {
	q        *Queue
	mu       sync.Mutex
	status   QueueStatus
	emitMu   sync.Mutex
	lastEmit time.Time
}

// Run checks every file, sends those that pass, and returns the final
// status. When ctx ends, files not yet started are Canceled and those in
// flight stop as a cancelled single upload does.
func (q *Queue) Run(ctx context.Context, files []File) QueueStatus {
	r := &queueRun{q: q}
	r.status.Files = make([]FileStatus, len(files))
	plans, errs := q.Check(files)
	for i, f := range files {
		st := &r.status.Files[i]
		st.File = f
		if errs[i] != nil {
			st.State, st.Err = Failed, errs[i]
			// The size of a file refused before sending says why (too
			// large, empty), here and in upload --json.
			if fi, err := os.Stat(f.Path); err == nil && fi.Mode().IsRegular() {
				st.Size = fi.Size()
			}
			r.status.Failed++
			continue
		}
		st.Key, st.Size = plans[i].Key, plans[i].Size
		r.status.Total += plans[i].Size
	}
	r.emit(true)

	parallel := q.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, plan := range plans {
		if plan == nil {
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			r.end(i, nil, canceled(ctx.Err(), 0))
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			r.send(ctx, i, plan)
		}()
	}
	wg.Wait()
	r.mu.Lock()
	r.status.Done = true
	r.mu.Unlock()
	r.emit(true)
	return r.snapshot()
}

// Check runs the checks Run runs before it sends anything, without
// sending anything: each file against the link (Prepare), and no two files
// stored under one key (the second would replace the first, or be refused).
// For each file it returns its plan, or the *Error that keeps it out. The
// GUI calls it as files are added, to say at once which cannot go.
func (q *Queue) Check(files []File) (plans []*Plan, errs []error) {
	plans, errs = make([]*Plan, len(files)), make([]error, len(files))
	keys := map[string]string{}
	for i, f := range files {
		plan, err := Prepare(Request{Link: q.Link, File: f.Path, Name: f.Name, Now: q.Now})
		if err == nil {
			if other, taken := keys[plan.Key]; taken {
				err = &Error{Kind: ErrFile, Sentence: message.New("%s and %s would both be stored as %q.", other, f.Name, plan.Key), Hint: message.New("Rename one of them, then upload it on its own.")}
			}
		}
		if err != nil {
			errs[i] = err
			continue
		}
		keys[plan.Key] = f.Name
		plans[i] = plan
	}
	return plans, errs
}

// send uploads one prepared file.
func (r *queueRun) send(ctx context.Context, i int, plan *Plan) {
	r.mu.Lock()
	r.status.Files[i].State = Sending
	r.mu.Unlock()
	r.emit(true)
	var last int64 // bytes of this file already counted in status.Sent
	req := Request{Retries: r.q.Retries, Backoff: r.q.Backoff, HTTPClient: r.q.HTTPClient, AllowUnverified: r.q.AllowUnverified, Progress: func(p Progress) {
		r.mu.Lock()
		r.status.Files[i].Sent = p.Sent
		r.status.Sent += p.Sent - last
		last = p.Sent
		r.mu.Unlock()
		r.emit(false)
	}}
	res, err := plan.upload(ctx, req)
	r.end(i, res, err)
}

// end records how a file ended.
func (r *queueRun) end(i int, res *Result, err error) {
	r.mu.Lock()
	st := &r.status.Files[i]
	st.Result, st.Err = res, err
	switch {
	case err == nil:
		st.State = Stored
		r.status.Stored++
	case errors.Is(err, ErrCanceled):
		st.State = Canceled
	default:
		st.State = Failed
		r.status.Failed++
	}
	r.mu.Unlock()
	r.emit(true)
}

// emit reports a snapshot when one is due (at most every 50 ms) or forced
// (a file changed state). The report happens outside the state lock, so a
// slow Progress callback holds back other reports, never the uploads.
func (r *queueRun) emit(force bool) {
	if r.q.Progress == nil {
		return
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	now := time.Now()
	if !force && now.Sub(r.lastEmit) < progressInterval {
		return
	}
	r.lastEmit = now
	r.q.Progress(r.snapshot())
}

func (r *queueRun) snapshot() QueueStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.status
	s.Files = append([]FileStatus(nil), r.status.Files...)
	return s
}
