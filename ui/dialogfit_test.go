package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
)

// TestDialogsFitTheirContent opens the dialogs that had a fixed size in
// the smallest window: each ends right under its buttons (a fixed height
// left a band of empty dialog there) and lies inside the window.
func TestDialogsFitTheirContent(t *testing.T) {
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	fyne.CurrentApp().Settings().SetTheme(newAppTheme())
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(smallest)
	h := newHistoryTab(w, svc)
	e := history.Entry{ID: "p", Profile: "work", Bucket: "reports", Key: "in/q3.pdf", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	o := arrivals.Object{Bucket: "reports", Key: "in/q3.pdf", Size: 1000, LastModified: fakeNow}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "q3.pdf"), "an earlier download")
	m := newMainWindow(w, svc)
	tests := []struct {
		name string
		open func()
	}{
		{"The file exists", func() { h.saveInto(e, o, dir) }},
		{"Copy a download link", func() { h.onDownloadLink(e, o) }},
		{"a link", func() {
			showLinkDialog(w, "Download link", "https://reports.oss-cn-hangzhou.aliyuncs.com/in/q3.pdf?x-oss-signature=abc", "Anyone with the link can download it.")
		}},
		{"History details", func() { h.showDetails(e) }},
		{"About", m.onAbout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.open()
			pop, ok := w.Canvas().Overlays().Top().(*widget.PopUp)
			if !ok {
				t.Fatal("no dialog")
			}
			defer w.Canvas().Overlays().Remove(pop)
			pop.Refresh()
			from, size := absolute(pop.Content), pop.Content.Size()
			if from.X < 0 || from.Y < 0 || from.X+size.Width > smallest.Width || from.Y+size.Height > smallest.Height {
				t.Errorf("the dialog spans %v to %v in a window of %v", from, from.Add(size), smallest)
			}
			lowest := float32(0)
			walk(pop.Content, func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok && b.Visible() {
					lowest = max(lowest, absolute(b).Y+b.Size().Height)
				}
			})
			if gap := from.Y + size.Height - lowest; lowest == 0 || gap > 20 { // the dialog's own margin is 16
				t.Errorf("%.0f pixels of empty dialog under the lowest button", gap)
			}
		})
	}
}
