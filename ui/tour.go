//go:build tour

package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// The screenshot tour (go build -tags tour; never in a release): with
// OSSDROP_TOUR=DIR the app walks through every screen by itself, in the
// real window, and saves what the window shows after each step as
// DIR/NN-name.png; OSSDROP_TOUR_SIZE=WxH sizes the window. It is how the
// screens are looked at in English and Chinese, small and large.
func init() {
	dir := os.Getenv("OSSDROP_TOUR")
	if dir == "" {
		return
	}
	tourHook = func(m *mainWindow) { go runTour(m, dir) }
}

func runTour(m *mainWindow, dir string) {
	size := fyne.NewSize(800, 600)
	if w, h, ok := strings.Cut(os.Getenv("OSSDROP_TOUR_SIZE"), "x"); ok {
		wi, _ := strconv.Atoi(w)
		hi, _ := strconv.Atoi(h)
		size = fyne.NewSize(float32(wi), float32(hi))
	}
	n := 0
	step := func(name string, do func()) {
		if do != nil {
			fyne.Do(do)
		}
		time.Sleep(900 * time.Millisecond)
		n++
		// What the X server shows (the canvas's own capture comes out
		// blank under software GL); the window sits at the screen's corner.
		shot := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n, name))
		crop := fmt.Sprintf("%dx%d+0+0", int(size.Width), int(size.Height))
		if out, err := exec.Command("import", "-window", "root", "-crop", crop, shot).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "tour: %s: %v %s\n", shot, err, out)
		}
	}
	hideDialogs := func() {
		for m.win.Canvas().Overlays().Top() != nil {
			m.win.Canvas().Overlays().Remove(m.win.Canvas().Overlays().Top())
		}
	}
	file := filepath.Join(dir, "hello.txt")
	os.WriteFile(file, []byte("hello from the screenshot tour\n"), 0o600)
	c := m.createTab

	step("welcome", func() { m.win.Resize(size) })
	var form *profileForm
	step("add-key", func() { form = showProfilesDialog(m.win, m.svc, m.loadProfiles).add() })
	step("add-key-sts-errors", func() {
		form.name.SetText("my profile")
		form.keyID.SetText("TESTKYEXAMPLE")
		form.sts.SetChecked(true)
		form.expires.SetText("tomorrow")
	})
	step("try-locally", func() { hideDialogs(); m.onTryLocally() })
	step("create-many-files", func() { c.many.choice.SetSelected(c.many.choice.Options[1]) })
	step("create-custom-expiry", func() {
		c.many.choice.SetSelected(c.many.choice.Options[0])
		c.expiry.SetSelectedIndex(len(expiryPresets) - 1)
	})
	step("create-callback-error", func() {
		c.expiry.SetSelectedIndex(1)
		for _, o := range c.content.Objects {
			if a, ok := o.(*widget.Accordion); ok {
				a.Open(0)
			}
		}
		c.callback.enabled.SetChecked(true)
		c.callback.urls.SetText("ftp://example.com/done")
		m.createScroll.ScrollToOffset(fyne.NewPos(0, 1e4)) // the bottom, once laid out
	})
	step("create-result", func() {
		c.callback.enabled.SetChecked(false)
		for _, o := range c.content.Objects {
			if a, ok := o.(*widget.Accordion); ok {
				a.Close(0)
			}
		}
		c.onCreate()
	})
	step("create-result-bottom", func() { m.createScroll.ScrollToBottom() })
	step("upload-ready", func() {
		c.onTestUpload(c.result.shareText)
		m.upload.setFile(file)
	})
	step("upload-done", func() { m.upload.onUpload() })
	step("create-key-moved-on", func() { m.tabs.SelectIndex(0); m.createScroll.ScrollToTop() })
	step("create-key-taken", func() { c.key.SetText("hello.txt"); c.onCreate() })
	step("create-anyway", func() { c.createLink(true) })
	step("upload-taken", func() {
		m.tabs.SelectIndex(1)
		m.upload.setFile(file)
		m.upload.onUpload()
	})
	step("upload-garbage", func() { m.upload.setLink("this is not a link") })
	step("drop-hint", func() { m.onDragEnter(true) })
	step("history", func() { m.onDragLeave(); m.tabs.SelectIndex(2) })
	// Tooltips need the real pointer: artifacts of scripts/gui-drag and
	// xdotool sessions show them.
	step("history-details", func() { m.history.list.Select(0) })
	step("history-qr", func() {
		hideDialogs()
		e := m.history.entries[0]
		showQRDialog(m.win, e, e.ShareLink)
	})
	step("history-undo", func() { hideDialogs(); m.history.onDelete(m.history.entries[0]) })
	step("about", func() { m.onAbout() })
	step("request-link", func() {
		hideDialogs()
		m.tabs.SelectIndex(0)
		c.many.choice.SetSelected(c.many.choice.Options[1])
		c.key.SetText("in/tour/")
		c.onCreate()
	})
	step("request-link-bottom", func() { m.createScroll.ScrollToBottom() })
	// The queue checks each file as it comes: a file over the link's
	// 200 MiB (sparse: nothing is written) is refused on its line at once.
	queued := filepath.Join(dir, "queue")
	os.MkdirAll(queued, 0o700)
	for _, name := range []string{"notes.txt", "photo of the north entrance, wide angle.jpg"} {
		os.WriteFile(filepath.Join(queued, name), []byte("a file for the queue\n"), 0o600)
	}
	if f, err := os.Create(filepath.Join(queued, "too big for the link.bin")); err == nil {
		f.Truncate(300 << 20)
		f.Close()
	}
	step("queue-checked", func() {
		m.tabs.SelectIndex(1)
		m.upload.setLink(c.result.shareText)
		m.upload.onDropped([]fyne.URI{storage.NewFileURI(queued)})
		m.upload.scroll.ScrollToBottom()
	})
	step("queue-done", func() { m.upload.queue.onStart() })
	step("queue-done-bottom", func() { m.upload.scroll.ScrollToBottom() })
	step("browser-uploads", func() { m.tabs.SelectIndex(0); c.onBrowserUploads() })
	fyne.Do(func() { m.win.Close() })
}
