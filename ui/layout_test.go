package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
)

// smallest is the smallest window the app is made for.
var smallest = fyne.NewSize(800, 600)

// TestWindowFitsTheSmallestSize builds the window with the widest content
// a person meets, in English and Chinese, and checks that it still fits
// 800 pixels: a one-file link's result card (a long key, a bound type,
// metadata, a page link and its QR code), the same link on the Upload tab
// with a long file name, History rows with long keys and a request link's
// files, and then a request link's card and its queue. A result card used
// to make the window at least 960 pixels wide (831 in Chinese). At 800 by
// 600 the QR code, the rows' buttons and the Upload tab's card lie inside
// the window.
func TestWindowFitsTheSmallestSize(t *testing.T) {
	for _, locale := range []string{"C", "zh_CN.UTF-8"} {
		t.Run(locale, func(t *testing.T) {
			inLanguage(t, locale)
			svc, profiles, hist := newFakeServices()
			profiles.profiles[0].PageURL = "https://files.example-company.com/_ossdrop/upload.html"
			svc.Now = time.Now // the SDK signs with the wall clock
			test.NewTempApp(t)
			fyne.CurrentApp().Settings().SetTheme(newAppTheme()) // the real app's sizes and fonts
			w := test.NewTempWindow(t, widget.NewLabel(""))
			m := newMainWindow(w, svc)
			t.Cleanup(m.close) // the tabs' clocks tick until then
			m.loadProfiles()
			waitFor(t, "the profiles", func() bool { return len(m.profiles) > 0 })
			c := m.createTab

			// A one-file link with everything that lengthens it.
			c.key.SetText("inbox/2026/客户资料/quarterly-report-final-version-2 (signed).pdf")
			c.contentType.SetText("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			c.storageClass.SetSelectedIndex(2)
			c.meta.add("project", "apollo-quarterly-review")
			test.Tap(c.create)
			waitFor(t, "the result card", func() bool { return c.result.container.Visible() })
			share := c.result.shareText

			file := filepath.Join(t.TempDir(), "2026 第三季度 客户报告 final version (signed and stamped).pdf")
			writeFile(t, file, "a report")
			m.upload.setLink(share)
			m.upload.setFile(file)

			// History: the link just made, a request link with files in it
			// and a download link, all with long keys.
			entries, _ := hist.List()
			req := history.Entry{ID: "req", Profile: "work", Bucket: "reports-archive-2026", Prefix: "incoming/partners/acme-corporation/2026-q3/",
				Method: "POST", MaxSize: 5 << 30, ContentTypePrefix: "image/", Callback: true, Created: fakeNow, Expires: time.Now().Add(7 * 24 * time.Hour)}
			get := history.Entry{ID: "get", Profile: "work", Bucket: "reports", Key: "inbox/2026/客户资料/quarterly-report-final-version-2 (signed).pdf",
				Method: "GET", Created: fakeNow, Expires: time.Now().Add(time.Hour)}
			hist.entries = append(hist.entries, req, get)
			objects := []arrivals.Object{
				{Key: req.Prefix + "photos/2026-09-30 site visit, north entrance.jpg", Size: 4 << 20, LastModified: fakeNow},
				{Key: req.Prefix + "photos/2026-09-30 site visit, loading dock.jpg", Size: 5 << 20, LastModified: fakeNow},
			}
			m.history.setStatuses(map[string]arrivals.Status{
				entries[0].ID: {State: arrivals.Received, Objects: []arrivals.Object{{Key: entries[0].Key, Size: 13 << 20, ContentType: entries[0].ContentType, CRC64: "14969823782951187105", LastModified: fakeNow}}},
				req.ID:        {State: arrivals.Received, Objects: objects},
			})
			m.history.reload()
			settle(m.history)
			if len(m.history.entries) != 3 {
				t.Fatalf("%d history entries", len(m.history.entries))
			}
			checkFits(t, m, w, "a one-file link")

			// A request link, its card on the Upload tab and a queue of
			// files with long names.
			c.many.choice.SetSelected(c.many.choice.Options[1])
			c.key.SetText("incoming/partners/acme-corporation/2026-q3/")
			c.contentType.SetText("image/")
			test.Tap(c.create)
			waitFor(t, "the request link's card", func() bool { return c.result.container.Visible() && c.result.link == nil })
			m.upload.setLink(c.result.shareText)
			dir := filepath.Join(t.TempDir(), "2026-09-30 site visit photos from the north entrance")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("IMG_2026-09-30_143%d_north-entrance-wide-angle.jpg", i)), "jpeg")
			}
			m.upload.onDropped(dropped(dir))
			if len(m.upload.queue.rows) != 3 {
				t.Fatalf("%d rows in the queue", len(m.upload.queue.rows))
			}
			checkFits(t, m, w, "a request link")
		})
	}
}

// checkFits checks that the window's content asks for no more than 800
// pixels, and that at 800 by 600 what the QA walk-through found cut off
// lies inside the window.
func checkFits(t *testing.T, m *mainWindow, w fyne.Window, state string) {
	t.Helper()
	if got := w.Content().MinSize().Width; got > smallest.Width {
		t.Errorf("%s: the window needs %.0f pixels, more than %.0f", state, got, smallest.Width)
	}
	w.Resize(smallest)
	inside := func(tab int, what string, o fyne.CanvasObject) {
		t.Helper()
		m.tabs.SelectIndex(tab)
		w.Content().Refresh()
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
		if !o.Visible() || o.Size().IsZero() {
			t.Errorf("%s: %s is not shown", state, what)
			return
		}
		if right := pos.X + o.Size().Width; pos.X < 0 || right > smallest.Width {
			t.Errorf("%s: %s spans x=%.0f to %.0f in a window %.0f wide", state, what, pos.X, right, smallest.Width)
		}
	}
	inside(0, "the QR code", m.createTab.result.qr)
	inside(1, "the card of the link", m.upload.card)
	m.tabs.SelectIndex(2)
	w.Content().Refresh()
	rows := 0
	walk(m.history.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*historyRow); ok && r.Visible() && r.title.Text != "" {
			rows++
			inside(2, "the Remove button of "+r.title.Text, r.drop)
			if r.get.Visible() {
				inside(2, "the Get button of "+r.title.Text, r.get)
			}
		}
	})
	if rows == 0 {
		t.Errorf("%s: no History row shows", state)
	}
	if strings.Contains(t.Name(), "zh") && !strings.Contains(m.tabs.Items[0].Text, "创建") {
		t.Errorf("the tabs are not in Chinese: %q", m.tabs.Items[0].Text)
	}
}
