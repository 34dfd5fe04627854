package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

func TestCreateRequestLink(t *testing.T) {
	svc, _, hist := newFakeServices()
	tab := newTestCreateTab(t, svc)
	tab.many.choice.SetSelected(modeManyFiles)
	if tab.keyRow.label.Text != "Folder" || !tab.sizeRow.label.Visible() || !tab.sizeRow.field.Visible() || tab.pick.Visible() {
		t.Fatalf("many-files mode: label %q, sizes shown %v", tab.keyRow.label.Text, tab.sizeRow.field.Visible())
	}
	// The size row is a row of the same form: its label lines up with the others.
	if x := tab.sizeRow.label.Position().X; x != tab.keyRow.label.Position().X {
		t.Errorf("the File size label is at x=%v, the Folder label at x=%v", x, tab.keyRow.label.Position().X)
	}
	tab.key.SetText("in/acme")
	if msg := visibleErrors(tab)[signing.FieldPrefix]; !strings.Contains(msg, "does not end with /") {
		t.Errorf("folder without a slash: %q", msg)
	}
	tab.key.SetText("in/acme/")
	tab.many.maxSize.SetText("lots")
	if msg := visibleErrors(tab)[signing.FieldSize]; !strings.Contains(msg, "200 MiB") || !tab.create.Disabled() {
		t.Errorf("bad size: %q, create disabled %v", msg, tab.create.Disabled())
	}
	tab.many.maxSize.SetText("200MB") // MB is 1024² too: one convention in and out
	tab.many.minSize.SetText("1")
	tab.contentType.SetText("image/")
	if tab.create.Disabled() {
		t.Fatalf("create disabled: %v", visibleErrors(tab))
	}
	test.Tap(tab.create)
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })

	share := tab.result.share.Text
	in, err := signing.Inspect(share, fakeNow)
	if err != nil || in.Request == nil {
		t.Fatalf("the card's share link %q: %v", share, err)
	}
	if l := in.Request; l.Prefix != "in/acme/" || l.MinSize != 1 || l.MaxSize != 200<<20 || l.ContentTypePrefix != "image/" {
		t.Errorf("link %+v", l)
	}
	if rows := requestRows(in.Request); rows[1][1] != "1 byte to 200.0 MiB" {
		t.Errorf("the typed 200MB shows as %q", rows[1][1])
	}
	if tab.result.shareTitle.Text != "Share link (carries its form fields)" {
		t.Errorf("share title %q", tab.result.shareTitle.Text)
	}
	if tab.result.download.Visible() || !strings.HasPrefix(tab.result.curl.Text, "curl -F 'key=in/acme/${filename}'") || tab.result.urlTitle.Text != "Form address (POST)" {
		t.Errorf("card: download shown %v, curl %q", tab.result.download.Visible(), tab.result.curl.Text)
	}
	if got := decodeQRImage(t, tab.result.qr.Image); got != share {
		t.Errorf("QR decodes to %q, want the share link", got)
	}
	entries, _ := hist.List()
	if len(entries) != 1 || entries[0].Method != "POST" || entries[0].Prefix != "in/acme/" || entries[0].MaxSize != 200<<20 || entries[0].ShareLink != "" && entries[0].ShareLink != share {
		t.Errorf("history %+v", entries)
	}

	// Back to one file: the same form makes a PUT link again.
	tab.many.choice.SetSelected(modeOneFile)
	tab.key.SetText("in/acme/one.pdf")
	tab.contentType.SetText("")
	if tab.keyRow.label.Text != "Object key" || tab.sizeRow.field.Visible() || tab.create.Disabled() {
		t.Errorf("one-file mode: label %q, sizes %v, errors %v", tab.keyRow.label.Text, tab.sizeRow.field.Visible(), visibleErrors(tab))
	}
}

func TestUploadTabQueue(t *testing.T) {
	sb := newTestSandbox(t)
	u := newTestUploadTab(t, time.Now)
	l, err := signing.NewRequestLink(signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: sb.url,
		Bucket: "demo", Prefix: "in/acme/", MinSize: 1, MaxSize: 1000, Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: sb.key.ID, AccessKeySecret: sb.key.Secret}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u.setLink(l.ShareLink())
	if !u.queue.content.Visible() || u.single.Visible() || !strings.Contains(u.details.Text, "Folder: in/acme/") || !strings.Contains(u.details.Text, "1 byte to 1000 bytes") {
		t.Fatalf("request link card: %q, queue shown %v", u.details.Text, u.queue.content.Visible())
	}
	root := t.TempDir()
	for name, content := range map[string]string{"photos/a.jpg": "aaa", "photos/sub/b.jpg": "bb", "big.bin": strings.Repeat("x", 2000)} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		writeFile(t, p, content)
	}
	u.onDropped(dropped(filepath.Join(root, "photos"), filepath.Join(root, "big.bin")))
	// big.bin is over the link's 1000 bytes: its line says so at once, in
	// red, and Upload counts only the two files that can go.
	big := rowNamed(t, u.queue, "big.bin")
	if len(u.queue.rows) != 3 || u.queue.start.Disabled() || u.queue.start.Text != "Upload 2 files" {
		t.Fatalf("%d rows, start %q disabled %v", len(u.queue.rows), u.queue.start.Text, u.queue.start.Disabled())
	}
	if !strings.Contains(big.state.Text, "more than the 1000 bytes") || big.state.Importance != widget.DangerImportance {
		t.Errorf("big.bin before Upload: %q, importance %v", big.state.Text, big.state.Importance)
	}
	if a := rowNamed(t, u.queue, "photos/a.jpg"); a.state.Text != "Waiting" {
		t.Errorf("photos/a.jpg before Upload: %q", a.state.Text)
	}
	test.Tap(u.queue.start)
	waitFor(t, "the queue to finish", func() bool { return u.queue.cancel == nil && !u.queue.stop.Visible() })

	states := map[string]string{}
	for i, r := range u.queue.rows {
		states[r.name.Text] = u.queue.rows[i].state.Text
	}
	if !strings.HasPrefix(states["photos/a.jpg"], "Stored as in/acme/photos/a.jpg, integrity verified") ||
		!strings.HasPrefix(states["photos/sub/b.jpg"], "Stored as in/acme/photos/sub/b.jpg") ||
		!strings.Contains(states["big.bin"], "more than the 1000 bytes") {
		t.Errorf("rows %q", states)
	}
	if !strings.Contains(u.queue.totalText.Text, "2 of 2 files stored") {
		t.Errorf("total %q", u.queue.totalText.Text)
	}
	// Nothing is left that a retry could send: big.bin fails again.
	if !u.queue.start.Disabled() || u.queue.start.Text != "Upload" {
		t.Errorf("after the run: start %q, disabled %v", u.queue.start.Text, u.queue.start.Disabled())
	}
	for _, key := range []string{"in/acme/photos/a.jpg", "in/acme/photos/sub/b.jpg"} {
		if _, err := sb.srv.Stat("demo", key); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}

	// The same photos again: the link protects what is stored, so OSS
	// refuses them, and a retry would be refused the same way.
	u.onDropped(dropped(filepath.Join(root, "photos")))
	if u.queue.start.Text != "Upload 2 files" || u.queue.start.Disabled() {
		t.Fatalf("a photo added again: start %q, disabled %v", u.queue.start.Text, u.queue.start.Disabled())
	}
	test.Tap(u.queue.start)
	waitFor(t, "the second run", func() bool { return u.queue.cancel == nil && !u.queue.stop.Visible() })
	if last := u.queue.rows[len(u.queue.rows)-1]; !strings.Contains(last.state.Text, "already") || !u.queue.start.Disabled() {
		t.Errorf("a taken name: %q, start %q disabled %v", last.state.Text, u.queue.start.Text, u.queue.start.Disabled())
	}
}

// TestQueueRetriesOnlyWhatMayChange: a file the network failed is offered
// again after the run; one the checks or OSS refused is not.
func TestQueueRetriesOnlyWhatMayChange(t *testing.T) {
	sb := newTestSandbox(t)
	u := newTestUploadTab(t, time.Now)
	// Nothing listens on 127.0.0.1:9: every upload fails at once with a
	// network failure, which may change once the endpoint is up.
	l, err := signing.NewRequestLink(signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9",
		Bucket: "demo", Prefix: "in/", ContentTypePrefix: "text/", MaxSize: 1000, Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: sb.key.ID, AccessKeySecret: sb.key.Secret}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u.setLink(l.ShareLink())
	dir := t.TempDir()
	notes, photo, same := filepath.Join(dir, "notes.txt"), filepath.Join(dir, "photo.jpg"), filepath.Join(dir, "sub", "notes.txt")
	writeFile(t, notes, "notes")
	writeFile(t, photo, "\xff\xd8\xff\xe0 a photo")
	os.MkdirAll(filepath.Dir(same), 0o700)
	writeFile(t, same, "other notes")
	u.onDropped(dropped(notes, photo, same))
	// photo.jpg is not text/…; the second notes.txt would take the first's name.
	for name, says := range map[string]string{"photo.jpg": "takes only text/", "notes.txt": "Waiting"} {
		if r := rowNamed(t, u.queue, name); !strings.Contains(r.state.Text, says) {
			t.Errorf("%s: %q, want %q", name, r.state.Text, says)
		}
	}
	if last := u.queue.rows[2]; !strings.Contains(last.state.Text, "would both be stored") {
		t.Errorf("the second notes.txt: %q", last.state.Text)
	}
	if u.queue.start.Text != "Upload 1 file" {
		t.Fatalf("start %q", u.queue.start.Text)
	}
	test.Tap(u.queue.start)
	waitFor(t, "the run", func() bool { return u.queue.cancel == nil && !u.queue.stop.Visible() })
	if r := u.queue.rows[0]; !strings.Contains(r.state.Text, "not answering") {
		t.Errorf("notes.txt after the run: %q", r.state.Text)
	}
	if u.queue.start.Text != "Upload 1 file" || u.queue.start.Disabled() {
		t.Errorf("after a network failure: start %q, disabled %v", u.queue.start.Text, u.queue.start.Disabled())
	}
}

// rowNamed is the queue's row for the file of that name.
func rowNamed(t *testing.T, q *queueView, name string) *queueRow {
	t.Helper()
	for _, r := range q.rows {
		if r.file.Name == name {
			return r
		}
	}
	t.Fatalf("no row for %s", name)
	return nil
}
