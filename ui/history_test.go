package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

func TestHistoryTab(t *testing.T) {
	svc, _, hist := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	fresh := history.Entry{ID: "1", Profile: "work", Bucket: "reports", Key: "new.pdf", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour), ShareLink: "https://x/new#ossdrop=1"}
	old := history.Entry{ID: "2", Profile: "work", Bucket: "reports", Key: "old.pdf", Method: "PUT", Created: fakeNow.Add(-48 * time.Hour), Expires: fakeNow.Add(-24 * time.Hour), ShareLink: "https://x/old#ossdrop=1"}
	hist.entries = []history.Entry{fresh, old}
	h := newHistoryTab(w, svc)
	w.SetContent(h.content)
	// The test driver runs fyne.Do on the goroutine that calls it: wait
	// for the tab's goroutines before looking.
	h.reload()
	settle(h)
	if len(h.entries) != 2 {
		t.Fatalf("%d entries", len(h.entries))
	}
	row := h.list.CreateItem().(*historyRow)
	h.fillRow(old, row)
	if row.title.Importance != widget.LowImportance || !strings.Contains(row.title.Text, "old.pdf") || row.get.Visible() {
		t.Errorf("expired entry: importance %v, title %q, Get shown %v", row.title.Importance, row.title.Text, row.get.Visible())
	}
	h.onClearExpired()
	settle(h)
	if len(h.entries) != 1 || !strings.Contains(h.status.Text, "Removed 1") {
		t.Fatalf("after Clear expired: %d entries, %q", len(h.entries), h.status.Text)
	}
	h.onDelete(h.entries[0])
	settle(h)
	if len(h.entries) != 0 || !strings.Contains(h.status.Text, "Removed the link for reports/new.pdf") || !h.undo.Visible() {
		t.Fatalf("after Delete: %d entries, %q, Undo shown %v", len(h.entries), h.status.Text, h.undo.Visible())
	}
	// The emptied list says what will show there.
	if !h.empty.Visible() || !strings.Contains(h.empty.Text, "No links yet") {
		t.Errorf("the emptied list: shown %v, %q", h.empty.Visible(), h.empty.Text)
	}
	test.Tap(h.undo)
	settle(h)
	if len(h.entries) != 1 || h.entries[0].ID != "1" || h.undo.Visible() || !strings.Contains(h.status.Text, "is back") || h.empty.Visible() {
		t.Fatalf("after Undo: %+v, %q, empty text shown %v", h.entries, h.status.Text, h.empty.Visible())
	}
	// The countdowns tick while the tab shows.
	h.shown(true)
	if h.ticker.stop == nil {
		t.Error("no ticker while the tab shows")
	}
	h.shown(false)
	if h.ticker.stop != nil {
		t.Error("the ticker runs on with the tab hidden")
	}
}

// TestHistoryLinks: the QR code and Copy give the page link when the link
// had one; an STS-signed link comes from the keychain (its entry holds no
// link), and is said not to be kept when it is not there; removing it
// takes it out of the keychain and Undo puts it back.
func TestHistoryLinks(t *testing.T) {
	svc, _, hist := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	const page = "https://files.example.com/_ossdrop/upload.html"
	withPage := history.Entry{ID: "p", Profile: "work", Bucket: "reports", Key: "in/a.pdf", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour),
		ShareLink: "https://reports.oss-cn-hangzhou.aliyuncs.com/in/a.pdf?x-oss-signature=1#ossdrop=1&method=PUT", PageURL: page}
	sts := history.Entry{ID: "s", Profile: "work", Bucket: "reports", Key: "in/b.pdf", Method: "PUT", Created: fakeNow.Add(time.Second), Expires: fakeNow.Add(time.Hour), STS: true}
	hist.entries = []history.Entry{sts, withPage}
	const stsLink = "https://reports.oss-cn-hangzhou.aliyuncs.com/in/b.pdf?x-oss-security-token=TOKEN&x-oss-signature=2#ossdrop=1"
	keychain := svc.Keychain.(*memKeychain)
	keychain.items[credentials.LinkItem("s")] = stsLink
	h := newHistoryTab(w, svc)
	h.tips = newTipLayer()
	w.SetContent(container.NewStack(h.content, h.tips.layer))
	h.reload()
	settle(h)

	text, what := entryQRText(withPage, withPage.ShareLink)
	if parts, ok, err := signing.ParsePageLink(text); !ok || err != nil || parts.PageURL != page || parts.Link != withPage.ShareLink || what != "page link" {
		t.Errorf("QR text %q (%s)", text, what)
	}
	row := h.list.CreateItem().(*historyRow)
	h.fillRow(withPage, row)
	test.Tap(row.copyLink)
	if got := fyne.CurrentApp().Clipboard().Content(); got != text || !strings.Contains(h.status.Text, "Copied the page link for reports/in/a.pdf") {
		t.Errorf("copied %q, status %q", got, h.status.Text)
	}
	// The icon buttons say what they do.
	tipDelay = 0
	defer func() { tipDelay = 600 * time.Millisecond }()
	row.qr.MouseIn(&desktop.MouseEvent{})
	if !h.tips.box.Visible() || h.tips.text.Text != "Show the QR code" {
		t.Errorf("tip shown %v: %q", h.tips.box.Visible(), h.tips.text.Text)
	}
	row.qr.MouseOut()
	if h.tips.box.Visible() {
		t.Error("the tip stays after the pointer left")
	}

	h.fillRow(sts, row)
	test.Tap(row.copyLink)
	settle(h)
	if got := fyne.CurrentApp().Clipboard().Content(); got != stsLink {
		t.Errorf("STS link copied as %q", got)
	}
	h.onDelete(sts)
	settle(h)
	if _, err := keychain.Get(credentials.LinkItem("s")); err == nil {
		t.Error("the removed link stays in the keychain")
	}
	test.Tap(h.undo)
	settle(h)
	if got, _ := keychain.Get(credentials.LinkItem("s")); got != stsLink || len(h.entries) != 2 {
		t.Errorf("after Undo: keychain %q, %d entries", got, len(h.entries))
	}
	delete(keychain.items, credentials.LinkItem("s"))
	test.Tap(row.qr)
	settle(h)
	if !strings.Contains(h.status.Text, "was not kept") {
		t.Errorf("a link the keychain lost: %q", h.status.Text)
	}

	// A tap on a row shows all of it, wrapped.
	h.list.Select(1)
	var texts []string
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	all := strings.Join(texts, "\n")
	for _, want := range []string{"reports/in/a.pdf", withPage.ShareLink, page, "upload link · overwrite protected", formatDateTimeSeconds(fakeNow, fakeNow)} {
		if !strings.Contains(all, want) {
			t.Errorf("the details lack %q:\n%s", want, all)
		}
	}
}

// TestEntryOptions: a row words the facts in the UI's language; an entry
// an older OSS Drop wrote keeps its English summary.
func TestEntryOptions(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name string
		e    history.Entry
		want string
	}{
		{"plain", history.Entry{Method: "PUT"}, "upload link · overwrite protected"},
		{"everything", history.Entry{Method: "PUT", ContentType: "text/plain", StorageClass: "IA", ACL: "private", Metadata: 2, Callback: true, MD5Pinned: true, AllowOverwrite: true, STS: true},
			"upload link · text/plain · IA · ACL private · 2 metadata · callback · MD5 pinned · may overwrite · STS"},
		{"request link", history.Entry{Method: "POST", Prefix: "in/", MaxSize: 200 << 20, ContentTypePrefix: "image/"}, "request link, many files · up to 200.0 MiB · image/… · overwrite protected"},
		{"download link", history.Entry{Method: "GET"}, "download link"},
		{"older entry", history.Entry{Method: "PUT", Options: "PUT · text/plain · overwrite protected"}, "PUT · text/plain · overwrite protected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := entryOptions(tt.e); got != tt.want {
				t.Errorf("entryOptions = %q, want %q", got, tt.want)
			}
		})
	}
	// Two links for one key, made a second apart, read differently.
	a := history.Entry{Bucket: "b", Key: "k", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	b := a
	b.Created = fakeNow.Add(time.Second)
	if viewOf(a, nil, fakeNow).detail == viewOf(b, nil, fakeNow).detail {
		t.Errorf("two links for one key look alike: %q", viewOf(a, nil, fakeNow).detail)
	}
}

// TestHistoryRowViews pins what a row says in each state.
func TestHistoryRowViews(t *testing.T) {
	test.NewTempApp(t)
	put := history.Entry{ID: "p", Profile: "work", Bucket: "reports", Key: "in/q3.pdf", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	req := history.Entry{ID: "r", Profile: "work", Bucket: "reports", Prefix: "in/acme/", Method: "POST", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	get := history.Entry{ID: "g", Profile: "work", Bucket: "reports", Key: "in/q3.pdf", Method: "GET", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	gone := history.Entry{ID: "o", Profile: "work", Bucket: "reports", Key: "in/old.pdf", Method: "PUT", Created: fakeNow.Add(-72 * time.Hour), Expires: fakeNow.Add(-48 * time.Hour)}
	q3 := arrivals.Object{Bucket: "reports", Key: "in/q3.pdf", Size: 13 << 20, ETag: "E", CRC64: "1234", ContentType: "application/pdf", LastModified: fakeNow}
	a := arrivals.Object{Bucket: "reports", Key: "in/acme/a.pdf", Size: 1000, ETag: "A", LastModified: fakeNow}
	b := arrivals.Object{Bucket: "reports", Key: "in/acme/sub/b.csv", Size: 24, ETag: "B", LastModified: fakeNow}
	taken := put
	taken.KeyChecked, taken.Existing = true, &history.ExistingObject{ETag: "E", Size: 12, LastModified: fakeNow.Add(-time.Minute)}
	denied := &bucket.Error{Status: 403, Code: "SignatureDoesNotMatch", Sentence: message.New("OSS refused the profile's AccessKey secret."), Hint: message.New("Rotate it.")}
	tests := []struct {
		name       string
		entry      history.Entry
		status     *arrivals.Status
		says       []string
		importance widget.Importance
		get        bool
	}{
		{name: "not checked yet", entry: put, says: []string{"Checking…"}, importance: widget.LowImportance},
		{name: "never checked, long expired", entry: gone, says: nil, importance: widget.LowImportance},
		{name: "waiting", entry: put, status: &arrivals.Status{State: arrivals.Waiting}, says: []string{"Waiting for the upload."}, importance: widget.LowImportance},
		{name: "received", entry: put, status: &arrivals.Status{State: arrivals.Received, Objects: []arrivals.Object{q3}},
			says: []string{"Received " + formatDate(fakeNow, fakeNow), "13.0 MiB", "application/pdf", "CRC-64 1234"}, importance: widget.SuccessImportance, get: true},
		{name: "request link files", entry: req, status: &arrivals.Status{State: arrivals.Received, Objects: []arrivals.Object{a, b}},
			says: []string{"Received 2 files", "1.0 KiB", "a.pdf, sub/b.csv"}, importance: widget.SuccessImportance, get: true},
		{name: "expired unused", entry: put, status: &arrivals.Status{State: arrivals.Expired}, says: []string{"Expired with nothing received."}, importance: widget.LowImportance},
		{name: "check failed", entry: put, status: &arrivals.Status{State: arrivals.Unknown, Err: denied},
			says: []string{"OSS refused the profile's AccessKey secret."}, importance: widget.DangerImportance},
		{name: "check failed, file known", entry: put, status: &arrivals.Status{State: arrivals.Received, Objects: []arrivals.Object{q3}, Err: denied},
			says: []string{"OSS refused"}, importance: widget.DangerImportance, get: true},
		{name: "profile gone", entry: put, status: &arrivals.Status{State: arrivals.Unknown, Err: arrivals.ProfileGone("work")},
			says: []string{"the profile that signed this link is gone"}, importance: widget.LowImportance},
		{name: "sandbox stopped", entry: put, status: &arrivals.Status{State: arrivals.Unknown, Err: errSandboxStopped},
			says: []string{"start the local sandbox"}, importance: widget.LowImportance},
		{name: "download link", entry: get, says: []string{"A download link"}, importance: widget.LowImportance},
		{name: "key taken when made", entry: taken, status: &arrivals.Status{State: arrivals.Taken},
			says: []string{"Key already taken when the link was made", "can store nothing"}, importance: widget.WarningImportance},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := viewOf(tc.entry, tc.status, fakeNow)
			for _, s := range tc.says {
				if !strings.Contains(v.state, s) {
					t.Errorf("state %q lacks %q", v.state, s)
				}
			}
			if tc.says == nil && v.state != "" {
				t.Errorf("state %q, want none", v.state)
			}
			if v.stateImportance != tc.importance || (v.get != "") != tc.get || v.icon == nil {
				t.Errorf("importance %v (want %v), get %q, icon %v", v.stateImportance, tc.importance, v.get, v.icon)
			}
		})
	}
}

func TestFreeName(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"q3.pdf", "q3 (2).pdf"} {
		writeFile(t, filepath.Join(dir, n), "x")
	}
	if got := freeName(filepath.Join(dir, "q3.pdf")); got != filepath.Join(dir, "q3 (3).pdf") {
		t.Errorf("freeName = %q", got)
	}
}

// testClock is a clock tests move forward while goroutines read it.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time           { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(by time.Duration) { c.offset.Add(int64(by)) }

// TestArrivalsInTheWindow is the owner's story in the real window, with
// the real sandbox on 127.0.0.1: a link waits, a partner uploads, the row
// turns received, one notification and a count on the History tab; the
// owner downloads the file (CRC-64 checked), reveals it and copies a
// download link that works.
func TestArrivalsInTheWindow(t *testing.T) {
	svc, profiles, hist := newFakeServices()
	profiles.profiles = nil // the sandbox alone, as on a first run
	clock := &testClock{}
	svc.Now = clock.now
	var err error
	if svc.Arrivals, err = arrivals.Open(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	var revealed atomic.Value
	svc.Reveal = func(path string) error { revealed.Store(path); return nil }
	test.NewTempApp(t)
	useTestSandbox(t, svc)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	var mu sync.Mutex
	var notes []*fyne.Notification
	m.notify = func(n *fyne.Notification) { mu.Lock(); notes = append(notes, n); mu.Unlock() }
	notified := func() []*fyne.Notification {
		mu.Lock()
		defer mu.Unlock()
		return append([]*fyne.Notification(nil), notes...)
	}
	// The test drives the watcher's rounds itself, so that it knows when
	// one has ended.
	m.loadProfiles()
	defer m.close()
	waitFor(t, "the welcome card", func() bool { return m.welcome.Visible() })
	m.onTryLocally()
	waitFor(t, "the sandbox", func() bool {
		return m.sandbox != nil && m.createTab.profile.Selected == SandboxProfileName && m.createTab.key.Text != ""
	})
	round := func() {
		t.Helper()
		clock.advance(2 * time.Minute)
		if err := m.arrivals.watcher.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		runUI() // what the round hands to the UI
	}

	key := fmt.Sprintf("arrivals-%d/q3.pdf", time.Now().UnixNano()) // the test app's storage outlives the test
	m.createTab.key.SetText(key)
	test.Tap(m.createTab.create)
	waitFor(t, "the link", func() bool { return m.createTab.result.container.Visible() })
	share := m.createTab.result.link.ShareLink()
	entries, _ := hist.List()
	e := entries[0]
	status := func() (arrivals.Status, bool) {
		s, ok := m.arrivals.watcher.Statuses()[e.ID]
		return s, ok
	}
	round()
	if s, ok := status(); !ok || s.State != arrivals.Waiting {
		t.Fatalf("the link's first check: %+v", s)
	}

	content := strings.Repeat("quarterly figures\n", 4000)
	file := filepath.Join(t.TempDir(), "q3.pdf")
	writeFile(t, file, content)
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: share, File: file}); err != nil {
		t.Fatal(err)
	}
	round()
	if st := m.history.statuses[e.ID]; st.State != arrivals.Received {
		t.Fatalf("the row's status after the upload: %+v", st)
	}
	got := notified()
	if len(got) != 1 || got[0].Title != "q3.pdf arrived" || !strings.Contains(got[0].Content, "from the link for "+key) {
		t.Fatalf("notifications %+v", got)
	}
	if title := m.tabs.Items[2].Text; title != "History (1 new)" {
		t.Fatalf("History tab title %q", title)
	}
	m.tabs.SelectIndex(2)
	if title := m.tabs.Items[2].Text; title != "History" {
		t.Fatalf("History tab title after looking %q", title)
	}
	settle(m.history)
	row := m.history.list.CreateItem().(*historyRow)
	m.history.fillRow(e, row)
	if !row.get.Visible() || !strings.Contains(row.state.Text, "Received") || !strings.Contains(row.state.Text, "CRC-64") {
		t.Fatalf("row: Get %v, state %q", row.get.Visible(), row.state.Text)
	}

	// Another round: the file is not announced again.
	round()
	if n := len(notified()); n != 1 {
		t.Fatalf("%d notifications after another round", n)
	}

	// Download (the folder dialog is the person's part), then reveal.
	o := m.history.statuses[e.ID].Objects[0]
	menu := m.history.getMenu(e, m.history.statuses[e.ID])
	if len(menu.Items) != 3 || !menu.Items[2].Disabled {
		t.Fatalf("Get menu before a download: %d items, reveal disabled %v", len(menu.Items), menu.Items[2].Disabled)
	}
	dest := filepath.Join(t.TempDir(), "q3.pdf")
	m.history.startDownload(e, o, dest, false)
	settle(m.history)
	if !strings.Contains(m.history.status.Text, "Saved q3.pdf") || !strings.Contains(m.history.status.Text, "CRC-64 matches") {
		t.Fatalf("after the download: %q", m.history.status.Text)
	}
	if got, _ := os.ReadFile(dest); string(got) != content {
		t.Fatalf("downloaded %d bytes, want %d", len(got), len(content))
	}
	if menu := m.history.getMenu(e, m.history.statuses[e.ID]); menu.Items[2].Disabled {
		t.Fatal("Show the downloaded copy still disabled after the download")
	}
	m.history.onReveal(o)
	if revealed.Load() != dest {
		t.Fatalf("revealed %v, want %s", revealed.Load(), dest)
	}

	// A second download to the same place never replaces it unasked.
	m.history.startDownload(e, o, dest, false)
	settle(m.history)
	if !strings.Contains(m.history.status.Text, "already exists") {
		t.Fatalf("a second download over the file: %q", m.history.status.Text)
	}

	// Copy a download link: a GET link that fetches the same bytes.
	m.history.signDownloadLink(e, o, time.Hour)
	settle(m.history)
	if !strings.HasPrefix(fyne.CurrentApp().Clipboard().Content(), "http://127.0.0.1:") {
		t.Fatalf("clipboard %q", fyne.CurrentApp().Clipboard().Content())
	}
	resp, err := http.Get(fyne.CurrentApp().Clipboard().Content())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != content {
		t.Fatalf("GET through the download link: %d, %d bytes", resp.StatusCode, len(body))
	}
}

// TestGoneProfileNotChecked: a link whose profile is gone, or signed in a
// sandbox that is not running, shows why and is never sent anywhere.
func TestGoneProfileNotChecked(t *testing.T) {
	svc, _, hist := newFakeServices()
	svc.Now = time.Now
	var lookups atomic.Int32
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	now := time.Now()
	hist.entries = []history.Entry{
		{ID: "s", Profile: SandboxProfileName, Bucket: "demo", Key: "a.txt", Method: "PUT", Created: now, Expires: now.Add(time.Hour), ShareLink: "http://127.0.0.1:1/demo/a.txt"},
	}
	inner := m.arrivals.watcher.Lookup
	m.arrivals.watcher.Lookup = func(name string) (arrivals.Account, error) { lookups.Add(1); return inner(name) }
	if err := m.arrivals.watcher.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := m.arrivals.watcher.Statuses()["s"]
	if !errors.Is(st.Err, errSandboxStopped) || lookups.Load() != 1 {
		t.Fatalf("a stopped sandbox's link: %+v after %d lookups", st, lookups.Load())
	}
	v := viewOf(hist.entries[0], &st, now)
	if !strings.Contains(v.state, "start the local sandbox") {
		t.Errorf("row says %q", v.state)
	}
}

// settle waits for the History tab's goroutines and runs the UI work they
// hand over (runUI), until there is none left.
func settle(h *historyTab) {
	for {
		h.work.Wait()
		if len(uiQueue) == 0 {
			return
		}
		runUI()
	}
}

// TestLinksFromTheCommandLineCheckedAtOnce: links the command line adds
// while the app runs are checked as soon as History shows them, not at
// the next minute; one whose profile is gone says so without a request,
// while another link's endpoint has not answered yet.
func TestLinksFromTheCommandLineCheckedAtOnce(t *testing.T) {
	svc, _, hist := newFakeServices()
	svc.Now = time.Now
	slowURL, _ := sandboxtest.Stalled(t)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	rounds := 0
	onStatuses := m.arrivals.onStatuses
	m.arrivals.onStatuses = func(s map[string]arrivals.Status) { rounds++; onStatuses(s) }
	m.arrivals.start()
	defer m.close()
	waitFor(t, "the first round", func() bool { return rounds == 1 })

	now := time.Now()
	gone := history.Entry{ID: "cli-gone", Profile: "gone", Bucket: "demo", Key: "gui/gone.txt", Method: "PUT", Created: now, Expires: now.Add(time.Hour)}
	slowLink := history.Entry{ID: "cli-slow", Profile: "work", Bucket: "demo", Key: "gui/slow.txt", Method: "PUT", Created: now, Expires: now.Add(time.Hour),
		ShareLink: slowURL + "/demo/gui/slow.txt?x-oss-signature=0#ossdrop=1&method=PUT"}
	for _, e := range []history.Entry{slowLink, gone} {
		if err := hist.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	m.tabs.SelectIndex(2)
	waitFor(t, "the gone profile's link", func() bool { _, ok := m.history.statuses[gone.ID]; return ok })
	if _, ok := m.history.statuses[slowLink.ID]; ok || rounds != 1 {
		t.Fatalf("the slow link is already known (%v), or the round ended (%d rounds)", ok, rounds)
	}
	row := m.history.list.CreateItem().(*historyRow)
	m.history.fillRow(gone, row)
	if !strings.Contains(row.state.Text, "the profile that signed this link is gone") {
		t.Fatalf("row says %q", row.state.Text)
	}
}

// TestHistoryRowStateFits: the row's state line is whole in a window 800
// pixels wide (the narrowest the app allows), English and Chinese; what it
// leaves out is in the link's details.
func TestHistoryRowStateFits(t *testing.T) {
	test.NewTempApp(t)
	taken := history.Entry{ID: "t", Profile: "work", Bucket: "demo", Key: "hello.txt", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour),
		KeyChecked: true, Existing: &history.ExistingObject{ETag: "E", Size: 12, LastModified: fakeNow.Add(-time.Minute)}}
	for _, chinese := range []bool{false, true} {
		t.Run(map[bool]string{false: "en", true: "zh-Hans"}[chinese], func(t *testing.T) {
			if chinese {
				useChinese(t)
				loadTranslations()
				defer func() {
					os.Setenv("LC_ALL", "C")
					loadTranslations()
				}()
			}
			v := viewOf(taken, &arrivals.Status{State: arrivals.Taken}, fakeNow)
			r := newHistoryRow(nil)
			w := test.NewTempWindow(t, r)
			w.Resize(fyne.NewSize(800, 100))
			r.show(v)
			need := fyne.MeasureText(v.state, theme.TextSize(), r.state.TextStyle).Width + 2*theme.InnerPadding()
			if got := r.state.Size().Width; need > got {
				t.Errorf("state %q needs %.0f px, the row gives it %.0f", v.state, need, got)
			}
			if !strings.Contains(v.fullState, "12") || v.fullState == v.state {
				t.Errorf("details say %q", v.fullState)
			}
		})
	}
}
