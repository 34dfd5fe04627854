package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// queueView is the Upload tab's file queue for a request link: the files
// and folders dropped or chosen, each with its own progress and result,
// the total, and Upload / Cancel / Clear. Each file is checked against the
// link as it is added, as the upload page does: one that cannot go (too
// big, a type the link does not take, a name another file has) says so on
// its line at once, and Upload counts only the files that can go.
type queueView struct {
	win fyne.Window
	svc *Services

	link   *signing.Inspection
	rows   []*queueRow
	cancel context.CancelFunc
	// sending are the rows of the running upload, in the order of its files.
	sending []*queueRow

	hint      *widget.Label
	list      *fyne.Container
	total     *widget.ProgressBar
	totalText *widget.Label
	start     *widget.Button
	stop      *widget.Button
	clear     *widget.Button
	content   *fyne.Container
	// onStored is told when a run stored files through the link.
	onStored func(*signing.Inspection)
}

// queueRow is one file's line: name and size, progress, result.
type queueRow struct {
	file upload.File
	// problem says why the file cannot go through the link: found by the
	// checks when it was added, or by an upload whose failure a retry
	// cannot change (already stored, refused). Nil while it can go.
	problem error
	// stored is set once the file is stored through the link.
	stored bool

	name  *widget.Label
	bar   *widget.ProgressBar
	state *widget.Label
	box   *fyne.Container
}

// ready reports whether the row's file is one the next Upload sends.
func (r *queueRow) ready() bool { return r.problem == nil && !r.stored }

func newQueueView(win fyne.Window, svc *Services) *queueView {
	q := &queueView{win: win, svc: svc}
	q.hint = &widget.Label{Text: lang.L("Drop files or folders anywhere on this window, or add them here. A folder keeps its subfolders."), Wrapping: textWrap()}
	q.list = container.NewVBox()
	q.total = widget.NewProgressBar()
	q.total.Hide()
	q.totalText = &widget.Label{Importance: widget.LowImportance, Wrapping: textWrap()}
	q.totalText.Hide()
	q.start = &widget.Button{Text: lang.L("Upload"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: q.onStart}
	q.stop = &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: q.onCancel}
	q.stop.Hide()
	q.clear = &widget.Button{Text: lang.L("Clear"), Icon: theme.ContentClearIcon(), OnTapped: q.onClear}
	addFiles := &widget.Button{Text: lang.L("Add files…"), Icon: theme.FileIcon(), OnTapped: q.onAddFile}
	addFolder := &widget.Button{Text: lang.L("Add folder…"), Icon: theme.FolderOpenIcon(), OnTapped: q.onAddFolder}
	q.content = container.NewVBox(q.hint, container.NewHBox(addFiles, addFolder), q.list, q.total, q.totalText,
		container.NewHBox(q.start, q.stop, q.clear))
	q.refresh()
	return q
}

// setLink is the request link the queue uploads through; the files are
// checked against it anew.
func (q *queueView) setLink(in *signing.Inspection) {
	q.link = in
	if q.cancel == nil {
		q.check()
	}
	q.refresh()
}

// add puts files and folders in the queue, each checked against the link;
// a path that cannot be read is said at once, the rest still go in.
func (q *queueView) add(paths []string) {
	if q.cancel != nil {
		return // the queue is running; Clear after it ends
	}
	var problems []string
	for _, p := range paths {
		files, err := upload.Expand([]string{p})
		if err != nil {
			problems = append(problems, uploadErrorText(err))
			continue
		}
		for _, f := range files {
			q.addRow(f)
		}
	}
	q.check()
	q.refresh()
	if len(problems) > 0 {
		q.totalText.Importance = widget.DangerImportance
		setOrHide(q.totalText, strings.Join(problems, "\n"))
	}
}

func (q *queueView) addRow(f upload.File) {
	r := &queueRow{
		file:  f,
		name:  &widget.Label{Text: f.Name, Truncation: fyne.TextTruncateEllipsis},
		bar:   widget.NewProgressBar(),
		state: &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance},
	}
	r.bar.Hide()
	size := ""
	if st, err := statSize(f.Path); err == nil {
		size = formatSize(st)
	}
	r.box = container.NewVBox(container.NewBorder(nil, nil, nil, widget.NewLabel(size), r.name), r.bar, r.state, widget.NewSeparator())
	q.rows = append(q.rows, r)
	q.list.Add(r.box)
}

// check runs the checks an upload runs before sending (upload.Queue's
// Check) on every file not yet stored nor refused by an upload, and shows
// on each line whether it can go. A link that cannot be used at all
// (expired, unreadable) is said on the card above, not on every line.
func (q *queueView) check() {
	var rows []*queueRow
	var files []upload.File
	for _, r := range q.rows {
		if r.stored || r.problem != nil && !isCheckProblem(r.problem) {
			continue
		}
		r.problem = nil
		rows, files = append(rows, r), append(files, r.file)
	}
	errs := make([]error, len(files))
	if q.link != nil {
		_, errs = (&upload.Queue{Link: q.link, Now: q.svc.Now}).Check(files)
	}
	for i, r := range rows {
		switch err := errs[i]; {
		case err == nil || errors.Is(err, upload.ErrExpired) || errors.Is(err, upload.ErrLink):
			r.showWaiting()
		default:
			r.refuse(err)
		}
	}
}

// isCheckProblem reports whether a row's problem came from the checks
// (which run again when the link changes) rather than from an upload.
func isCheckProblem(err error) bool {
	var e *upload.Error
	return errors.As(err, &e) && e.Attempts == 0 && !errors.Is(err, upload.ErrCanceled)
}

// ready are the rows whose files the next Upload sends.
func (q *queueView) ready() []*queueRow {
	var rows []*queueRow
	for _, r := range q.rows {
		if r.ready() {
			rows = append(rows, r)
		}
	}
	return rows
}

// refresh enables Upload only with a usable link, files that can go and
// no run going, and says how many files it sends.
func (q *queueView) refresh() {
	running := q.cancel != nil
	n := len(q.ready())
	switch {
	case running:
		q.start.Disable()
		q.clear.Disable()
	case q.link == nil || n == 0 || q.link.Expired(q.svc.Now()):
		q.start.Disable()
		q.clear.Enable()
	default:
		q.start.Enable()
		q.clear.Enable()
	}
	if running {
		return
	}
	switch {
	case n == 1:
		q.start.SetText(lang.L("Upload 1 file"))
	case n > 1:
		q.start.SetText(fmt.Sprintf(lang.L("Upload %d files"), n))
	default:
		q.start.SetText(lang.L("Upload"))
	}
}

func (q *queueView) onStart() {
	rows := q.ready()
	if q.link == nil || len(rows) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	q.cancel = cancel
	q.sending = rows
	q.stop.Show()
	q.total.SetValue(0)
	q.total.Show()
	q.totalText.Importance = widget.LowImportance
	setOrHide(q.totalText, lang.L("Checking the files…"))
	q.refresh()
	runner := &upload.Queue{Link: q.link, Now: q.svc.Now,
		Progress: func(s upload.QueueStatus) { toUI(func() { q.show(s) }) }}
	files := make([]upload.File, len(rows))
	for i, r := range rows {
		files[i] = r.file
	}
	go func() {
		final := runner.Run(ctx, files)
		toUI(func() { q.finish(final) })
	}()
}

func (q *queueView) onCancel() {
	if q.cancel != nil {
		q.cancel()
		q.totalText.SetText(lang.L("Cancelling…"))
	}
}

func (q *queueView) onClear() {
	q.rows = nil
	q.list.RemoveAll()
	q.total.Hide()
	q.totalText.Hide()
	q.refresh()
}

// show updates the rows being sent and the total from a snapshot.
func (q *queueView) show(s upload.QueueStatus) {
	for i, f := range s.Files {
		if i < len(q.sending) {
			q.sending[i].show(f)
		}
	}
	if s.Total > 0 {
		q.total.SetValue(float64(s.Sent) / float64(s.Total))
	}
	text := fmt.Sprintf(lang.L("%s of %s · %d of %d files stored"), formatSize(s.Sent), formatSize(s.Total), s.Stored, len(s.Files))
	if s.Failed > 0 {
		text += " · " + fmt.Sprintf(lang.L("%d failed"), s.Failed)
	}
	setOrHide(q.totalText, text)
}

// finish shows the end of a run; the files stay listed with their results.
// What is stored must not be sent twice, and what failed for a reason a
// retry cannot change is not offered again (upload.NextStep decides, as
// it does for the one-file tab): the next Upload counts only the files a
// network, server or clock failure (or Cancel) stopped.
func (q *queueView) finish(s upload.QueueStatus) {
	q.cancel = nil
	q.stop.Hide()
	q.show(s)
	for i, f := range s.Files {
		if i >= len(q.sending) {
			break
		}
		r := q.sending[i]
		switch {
		case f.State == upload.Stored:
			r.stored = true
		case f.Err != nil && !upload.Retryable(f.Err):
			r.problem = f.Err
		}
	}
	q.sending = nil
	switch {
	case s.OK():
		q.totalText.Importance = widget.SuccessImportance
	case s.Failed > 0:
		q.totalText.Importance = widget.DangerImportance
	default:
		q.totalText.Importance = widget.LowImportance
	}
	q.totalText.Refresh()
	q.refresh()
	if s.Stored > 0 && q.onStored != nil {
		q.onStored(q.link)
	}
}

// showWaiting says the row's file waits for Upload.
func (r *queueRow) showWaiting() {
	r.state.Importance = widget.LowImportance
	r.state.SetText(lang.L("Waiting"))
}

// refuse says on the row, in red, why its file cannot go.
func (r *queueRow) refuse(err error) {
	r.problem = err
	r.bar.Hide()
	r.state.Importance = widget.DangerImportance
	r.state.SetText(uploadErrorText(err))
}

// show puts one file's state on its row.
func (r *queueRow) show(f upload.FileStatus) {
	switch f.State {
	case upload.Waiting:
		r.showWaiting()
	case upload.Sending:
		r.bar.Show()
		if f.Size > 0 {
			r.bar.SetValue(float64(f.Sent) / float64(f.Size))
		}
		r.state.Importance = widget.LowImportance
		r.state.SetText(fmt.Sprintf(lang.L("%s of %s"), formatSize(f.Sent), formatSize(f.Size)))
	case upload.Stored:
		r.bar.SetValue(1)
		r.state.Importance = widget.SuccessImportance
		verified := lang.L("integrity verified")
		if !f.Result.Verified() {
			verified = lang.L("not verified: the server sent no checksum")
		}
		r.state.SetText(fmt.Sprintf(lang.L("Stored as %s, %s"), f.Key, verified))
	case upload.Failed:
		r.bar.Hide()
		r.state.Importance = widget.DangerImportance
		r.state.SetText(uploadErrorText(f.Err))
	case upload.Canceled:
		r.bar.Hide()
		r.state.Importance = widget.WarningImportance
		r.state.SetText(lang.L("Cancelled; nothing was stored"))
	}
}

func (q *queueView) onAddFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		q.add([]string{r.URI().Path()})
	}, q.win)
	d.SetTitleText(lang.L("Choose a file to upload")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
	d.Show()
}

func (q *queueView) onAddFolder() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		q.add([]string{l.Path()})
	}, q.win)
	d.SetTitleText(lang.L("Choose a folder to upload")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
	d.Show()
}

// statSize is a file's size, for its row before the checks run.
func statSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
