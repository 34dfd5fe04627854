package ui

import (
	"context"
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
// the total, and Upload / Cancel / Clear.
type queueView struct {
	win fyne.Window
	svc *Services

	link   *signing.Inspection
	files  []upload.File
	rows   []*queueRow
	cancel context.CancelFunc

	hint      *widget.Label
	list      *fyne.Container
	total     *widget.ProgressBar
	totalText *widget.Label
	start     *widget.Button
	stop      *widget.Button
	clear     *widget.Button
	content   *fyne.Container
}

// queueRow is one file's line: name and size, progress, result.
type queueRow struct {
	name  *widget.Label
	bar   *widget.ProgressBar
	state *widget.Label
	box   *fyne.Container
}

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

// setLink is the request link the queue uploads through.
func (q *queueView) setLink(in *signing.Inspection) {
	q.link = in
	q.refresh()
}

// add puts files and folders in the queue; a path that cannot be read is
// said at once, the rest still go in.
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
			q.files = append(q.files, f)
			q.addRow(f)
		}
	}
	q.refresh()
	if len(problems) > 0 {
		q.totalText.SetText(strings.Join(problems, "\n"))
		q.totalText.Show()
	}
}

func (q *queueView) addRow(f upload.File) {
	r := &queueRow{
		name:  &widget.Label{Text: f.Name, Truncation: fyne.TextTruncateEllipsis},
		bar:   widget.NewProgressBar(),
		state: &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance},
	}
	r.bar.Hide()
	size := ""
	if st, err := statSize(f.Path); err == nil {
		size = formatSize(st)
	}
	r.state.SetText(lang.L("Waiting"))
	r.box = container.NewVBox(container.NewBorder(nil, nil, nil, widget.NewLabel(size), r.name), r.bar, r.state, widget.NewSeparator())
	q.rows = append(q.rows, r)
	q.list.Add(r.box)
}

// refresh enables Upload only with a usable link, files and no run going.
func (q *queueView) refresh() {
	running := q.cancel != nil
	switch {
	case running:
		q.start.Disable()
		q.clear.Disable()
	case q.link == nil || len(q.files) == 0 || q.link.Expired(q.svc.Now()):
		q.start.Disable()
		q.clear.Enable()
	default:
		q.start.Enable()
		q.clear.Enable()
	}
	if !running && len(q.files) > 0 {
		q.start.SetText(fmt.Sprintf(lang.L("Upload %d files"), len(q.files)))
	} else if !running {
		q.start.SetText(lang.L("Upload"))
	}
}

func (q *queueView) onStart() {
	if q.link == nil || len(q.files) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	q.cancel = cancel
	q.stop.Show()
	q.total.SetValue(0)
	q.total.Show()
	setOrHide(q.totalText, lang.L("Checking the files…"))
	q.refresh()
	runner := &upload.Queue{Link: q.link, Now: q.svc.Now,
		Progress: func(s upload.QueueStatus) { toUI(func() { q.show(s) }) }}
	files := append([]upload.File(nil), q.files...)
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
	q.files, q.rows = nil, nil
	q.list.RemoveAll()
	q.total.Hide()
	q.totalText.Hide()
	q.refresh()
}

// show updates every row and the total from a snapshot.
func (q *queueView) show(s upload.QueueStatus) {
	for i, f := range s.Files {
		if i < len(q.rows) {
			q.rows[i].show(f)
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
func (q *queueView) finish(s upload.QueueStatus) {
	q.cancel = nil
	q.stop.Hide()
	q.show(s)
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
	// What is stored must not be sent twice: keep only what did not make it.
	var again []upload.File
	for _, f := range s.Files {
		if f.State != upload.Stored {
			again = append(again, f.File)
		}
	}
	q.files = again
	q.refresh()
}

// show puts one file's state on its row.
func (r *queueRow) show(f upload.FileStatus) {
	switch f.State {
	case upload.Waiting:
		r.state.SetText(lang.L("Waiting"))
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
