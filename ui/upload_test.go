package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// testSandbox is a real sandbox behind a real HTTP server on 127.0.0.1.
type testSandbox struct {
	srv *sandbox.Server
	url string
	key sandbox.Key
}

func newTestSandbox(t *testing.T) *testSandbox {
	t.Helper()
	key, err := sandbox.NewSessionKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(sandbox.Config{Dir: t.TempDir(), Keys: []sandbox.Key{key}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(func() { srv.Close() }) // frees its directory lock
	return &testSandbox{srv: srv, url: hs.URL, key: key}
}

// link signs an upload link for key at endpoint (the sandbox's by default).
func (s *testSandbox) link(t *testing.T, endpoint, key string, change func(*signing.Request)) *signing.Link {
	t.Helper()
	if endpoint == "" {
		endpoint = s.url
	}
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: endpoint, Bucket: "demo", Key: key,
		Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: s.key.ID, AccessKeySecret: s.key.Secret}}
	if change != nil {
		change(&req)
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func newTestUploadTab(t *testing.T, now func() time.Time) *uploadTab {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	u := newUploadTab(w, &Services{Now: now})
	w.SetContent(u.content)
	t.Cleanup(func() { u.link = nil; u.startTicker() })
	return u
}

func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	writeFile(t, path, content)
	return path
}

func dropped(paths ...string) []fyne.URI {
	var uris []fyne.URI
	for _, p := range paths {
		uris = append(uris, storage.NewFileURI(p))
	}
	return uris
}

func TestUploadTabReadsEveryKindOfLink(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "in/报告.csv", func(r *signing.Request) {
		r.ContentType = "text/csv"
		r.Callback = &signing.Callback{URLs: []string{"https://cb.example.com/done"}, Body: "o=${object}"}
	})
	open := sb.link(t, "", "in/报告.csv", func(r *signing.Request) { r.AllowOverwrite = true })
	tests := []struct {
		name, text string
		says, not  []string
	}{
		{"share link", link.ShareLink(), []string{"content-type: text/csv", "Overwrite protection: an existing object", "cb.example.com"}, []string{"replaces"}},
		{"curl command", link.Curl("report.csv"), []string{"content-type: text/csv", "cb.example.com"}, nil},
		{"bare URL", link.URL, []string{"unknown (a bare link)"}, []string{"overwrite protection", "Overwrite protection"}},
		{"no overwrite protection", open.ShareLink(), []string{"Headers: none needed.", "the upload replaces an object already stored under this name"}, []string{"never replaced"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUploadTab(t, time.Now)
			u.setLink(tt.text)
			if !u.card.Visible() || u.linkError.Visible() {
				t.Fatalf("card %v, error %q", u.card.Visible(), u.linkError.Text)
			}
			if !strings.Contains(u.destination.Text, "demo / in/报告.csv on 127.0.0.1:") || !strings.Contains(u.validUntil.Text, "59 minutes") {
				t.Errorf("destination %q, valid %q", u.destination.Text, u.validUntil.Text)
			}
			for _, s := range tt.says {
				if !strings.Contains(u.details.Text+u.warnings.Text, s) {
					t.Errorf("card lacks %q:\n%s\n%s", s, u.details.Text, u.warnings.Text)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(u.details.Text, s) {
					t.Errorf("card says %q:\n%s", s, u.details.Text)
				}
			}
			if !u.upload.Disabled() || !strings.Contains(u.blocked.Text, "choose the file") {
				t.Errorf("Upload enabled without a file: %q", u.blocked.Text)
			}
		})
	}
	u := newTestUploadTab(t, time.Now)
	u.setLink("hello there")
	if !u.linkError.Visible() || !strings.Contains(u.linkError.Text, "neither a link nor a curl command") || u.card.Visible() {
		t.Errorf("garbage: %q", u.linkError.Text)
	}
}

func TestUploadTabExpiredLink(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "late.txt", nil)
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	u := newTestUploadTab(t, later)
	u.setLink(link.ShareLink())
	u.onDropped(dropped(tempFile(t, "late.txt", "x")))
	if !u.upload.Disabled() || !strings.Contains(u.blocked.Text, "expired") || !strings.Contains(u.validUntil.Text, "Expired at") {
		t.Errorf("expired link: blocked %q, valid %q", u.blocked.Text, u.validUntil.Text)
	}
	if u.validUntil.Importance != widget.DangerImportance {
		t.Error("expiry not shown in red")
	}
}

func TestUploadTabDropAndUpload(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "drop/hello.txt", func(r *signing.Request) { r.ContentType = "text/plain" })
	u := newTestUploadTab(t, time.Now)
	var stored []*signing.Inspection
	u.onStored = func(in *signing.Inspection) { stored = append(stored, in) }
	u.setLink(link.ShareLink())
	u.onDropped(dropped(tempFile(t, "q3.txt", "hello from a dropped file")))
	if u.upload.Disabled() {
		t.Fatalf("Upload disabled: %q", u.blocked.Text)
	}
	// The file by its own name, and where it goes.
	if u.fileInfo.Text != "q3.txt (25 bytes) goes to drop/hello.txt." || u.fileWarning.Visible() {
		t.Errorf("file %q warning %q", u.fileInfo.Text, u.fileWarning.Text)
	}
	test.Tap(u.upload)
	waitFor(t, "the result", func() bool { return u.result.Visible() })
	if u.result.Title != "Uploaded" || !strings.Contains(u.resultText.Text, "Integrity verified (CRC-64).") ||
		!strings.HasPrefix(u.resultText.Text, "q3.txt (25 bytes) is stored as drop/hello.txt.") || !strings.Contains(u.resultText.Text, "Took less than a second.") {
		t.Fatalf("%s: %s", u.result.Title, u.resultText.Text)
	}
	info, err := sb.srv.Stat("demo", "drop/hello.txt")
	if err != nil || info.Size != 25 || info.ContentType != "text/plain" {
		t.Errorf("stored object %+v, %v", info, err)
	}
	if len(stored) != 1 || stored[0].Key != "drop/hello.txt" {
		t.Errorf("told of %d stored files", len(stored))
	}

	// Done, and the link protects its key: the next step is another link,
	// and the result stays until then.
	if !u.upload.Disabled() || !strings.Contains(u.blocked.Text, "Done") || !strings.Contains(u.blocked.Text, "paste another link") || !u.result.Visible() ||
		u.another.Importance != widget.HighImportance || u.another.Text != "Use another link" {
		t.Fatalf("after success: Upload disabled %v, %q, result shown %v, next %q", u.upload.Disabled(), u.blocked.Text, u.result.Visible(), u.another.Text)
	}
	// Another file for the used-up link is not offered an upload that must fail.
	u.setFile(tempFile(t, "second.txt", "another hello"))
	if !u.upload.Disabled() || !strings.Contains(u.blocked.Text, "takes no more files") {
		t.Fatalf("a second file for a used-up link: Upload disabled %v, %q", u.upload.Disabled(), u.blocked.Text)
	}
	test.Tap(u.another)
	if u.paste.Text != "" || u.link != nil || u.file != "" || u.result.Visible() || !strings.Contains(u.blocked.Text, "Paste a link") {
		t.Fatalf("Use another link: paste %q, file %q, result %v, %q", u.paste.Text, u.file, u.result.Visible(), u.blocked.Text)
	}

	// A new link for the same key: the key is taken, and the failure says
	// so; its next step is another link too.
	taken := sb.link(t, "", "drop/hello.txt", func(r *signing.Request) { r.ContentType = "text/plain" })
	u.setLink(taken.ShareLink())
	u.setFile(tempFile(t, "hello.txt", "a third hello"))
	if u.upload.Disabled() {
		t.Fatalf("a new link: Upload disabled: %q", u.blocked.Text)
	}
	test.Tap(u.upload)
	waitFor(t, "the failure", func() bool { return u.result.Visible() })
	if u.result.Title != "Upload failed" || !strings.Contains(u.resultText.Text, "protected it from being replaced") || !u.copyDetails.Visible() || u.copyOwn.Visible() ||
		!u.upload.Disabled() || u.another.Text != "Use another link" {
		t.Errorf("%s: %s (next %q)", u.result.Title, u.resultText.Text, u.another.Text)
	}
	if !strings.Contains(u.details4Owner, "status: 409") || !strings.Contains(u.details4Owner, "request id: ") || strings.Contains(u.details4Owner, "x-oss-signature") {
		t.Errorf("details for the sender:\n%s", u.details4Owner)
	}
	if len(stored) != 1 {
		t.Errorf("a refused upload told as stored")
	}
	// Copy details says it copied.
	test.Tap(u.copyDetails)
	if u.copyDetails.Text != "Copied" || fyne.CurrentApp().Clipboard().Content() != u.details4Owner {
		t.Errorf("Copy details: button %q", u.copyDetails.Text)
	}

	// The uploader made the link: nobody to ask, two ways on, and the
	// details are not "for the sender".
	u.owns = func(id string) bool { return id == sb.key.ID }
	u.setLink(sb.link(t, "", "drop/hello.txt", func(r *signing.Request) { r.ContentType, r.Expires = "text/plain", 2*time.Hour }).ShareLink())
	u.setFile(tempFile(t, "hello.txt", "a fourth hello"))
	test.Tap(u.upload)
	waitFor(t, "the failure", func() bool { return u.result.Visible() })
	if text := u.resultText.Text; !strings.Contains(text, "which you made") || !strings.Contains(text, "another key") || strings.Contains(text, "ask the sender") {
		t.Errorf("owner's failure: %s", text)
	}
	if u.copyDetails.Visible() || !u.copyOwn.Visible() || u.copyOwn.Text != "Copy details" {
		t.Errorf("owner's copy button: for the sender %v, own %v %q", u.copyDetails.Visible(), u.copyOwn.Visible(), u.copyOwn.Text)
	}
}

// TestUploadAnotherKeepsAnOpenLink: a link without overwrite protection
// takes the next file too (it replaces the first): Upload another keeps
// the link and asks for a file.
func TestUploadAnotherKeepsAnOpenLink(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "open/notes.txt", func(r *signing.Request) { r.AllowOverwrite = true })
	u := newTestUploadTab(t, time.Now)
	u.setLink(link.ShareLink())
	u.setFile(tempFile(t, "notes.txt", "first"))
	test.Tap(u.upload)
	waitFor(t, "the result", func() bool { return u.result.Visible() })
	if u.result.Title != "Uploaded" || u.another.Text != "Upload another" || !strings.Contains(u.blocked.Text, "replaces it") {
		t.Fatalf("%s, next %q, %q", u.result.Title, u.another.Text, u.blocked.Text)
	}
	test.Tap(u.another)
	if u.link == nil || u.paste.Text != link.ShareLink() || u.file != "" || !strings.Contains(u.blocked.Text, "choose the file") {
		t.Fatalf("Upload another: link kept %v, file %q, %q", u.link != nil, u.file, u.blocked.Text)
	}
	u.setFile(tempFile(t, "notes.txt", "second"))
	test.Tap(u.upload)
	waitFor(t, "the result", func() bool { return u.result.Visible() })
	if u.result.Title != "Uploaded" {
		t.Fatalf("the second file through an open link: %s: %s", u.result.Title, u.resultText.Text)
	}
}

func TestUploadTabSignatureMismatchNamesHeaders(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "typed.csv", func(r *signing.Request) { r.ContentType = "text/csv" })
	// A share link whose fragment was edited: the upload sends another type.
	tampered := strings.Replace(link.ShareLink(), "content-type=text%2Fcsv", "content-type=text%2Fplain", 1)
	u := newTestUploadTab(t, time.Now)
	u.setLink(tampered)
	u.onDropped(dropped(tempFile(t, "typed.csv", "a,b\n")))
	test.Tap(u.upload)
	waitFor(t, "the failure", func() bool { return u.result.Visible() })
	if u.result.Title != "Upload failed" || !strings.Contains(u.resultText.Text, "content-type: text/plain") {
		t.Errorf("%s: %s", u.result.Title, u.resultText.Text)
	}
	if _, err := sb.srv.Stat("demo", "typed.csv"); err == nil {
		t.Error("an object was stored despite the mismatch")
	}
}

func TestUploadTabCancel(t *testing.T) {
	sb := newTestSandbox(t)
	// A proxy that reads the body slowly, so the upload is still running
	// when Cancel is pressed.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 4096)
		for r.Context().Err() == nil { // until the client hangs up
			if _, err := r.Body.Read(buf); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}))
	defer func() { slow.CloseClientConnections(); slow.Close() }()
	link := sb.link(t, slow.URL, "big.bin", nil)
	u := newTestUploadTab(t, time.Now)
	u.setLink(link.ShareLink())
	u.onDropped(dropped(tempFile(t, "big.bin", strings.Repeat("x", 2<<20))))
	test.Tap(u.upload)
	waitFor(t, "progress", func() bool { return u.progress.Value > 0 })
	if !u.cancelButton.Visible() || !u.upload.Disabled() {
		t.Fatal("no Cancel while uploading")
	}
	start := time.Now()
	test.Tap(u.cancelButton)
	waitFor(t, "the cancelled card", func() bool { return u.result.Visible() })
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelling took %v", d)
	}
	if u.result.Title != "Cancelled" || u.cancelButton.Visible() || u.upload.Disabled() {
		t.Errorf("%s: %s", u.result.Title, u.resultText.Text)
	}
	if objs, _ := sb.srv.Objects(); len(objs) != 0 {
		t.Errorf("objects after cancel: %v", objs)
	}
}

func TestUploadTabDropProblems(t *testing.T) {
	u := newTestUploadTab(t, time.Now)
	a, b := tempFile(t, "a.txt", "a"), tempFile(t, "b.txt", "b")
	u.onDropped(dropped(a, b))
	if !u.fileWarning.Visible() || !strings.Contains(u.fileWarning.Text, "2 files, but this link uploads one object") {
		t.Errorf("two files: %q", u.fileWarning.Text)
	}
	u.onDropped(dropped(t.TempDir()))
	if !strings.Contains(u.fileWarning.Text, "is a folder") || u.file != "" {
		t.Errorf("folder: %q", u.fileWarning.Text)
	}
	u.onDropped(dropped(filepath.Join(t.TempDir(), "gone.txt")))
	if !strings.Contains(u.fileWarning.Text, "cannot be read") {
		t.Errorf("missing file: %q", u.fileWarning.Text)
	}
}

func TestUploadTabContentTypeWarning(t *testing.T) {
	sb := newTestSandbox(t)
	link := sb.link(t, "", "photo.png", func(r *signing.Request) { r.ContentType = "image/png" })
	u := newTestUploadTab(t, time.Now)
	u.setLink(link.ShareLink())
	u.onDropped(dropped(tempFile(t, "notes.txt", "plain text")))
	if !u.typeWarning.Visible() || !strings.Contains(u.typeWarning.Text, "made for image/png files") || u.upload.Disabled() {
		t.Errorf("warning %q, Upload disabled %v", u.typeWarning.Text, u.upload.Disabled())
	}
	// Garbage pasted: the warning was about the old link.
	u.setLink("not a link at all")
	if u.typeWarning.Visible() || u.typeNote.Visible() {
		t.Errorf("the old link's warning stays: %q %q", u.typeWarning.Text, u.typeNote.Text)
	}
}

// TestUploadTabSaysTheStoredType: the type the object gets is the link's
// when it binds one; a link that binds none stores what OSS (and the
// sandbox) give an upload without a Content-Type, whatever the file looks
// like, and the tab says so instead of the file's own type.
func TestUploadTabSaysTheStoredType(t *testing.T) {
	sb := newTestSandbox(t)
	u := newTestUploadTab(t, time.Now)
	u.setLink(sb.link(t, "", "typed/photo.jpg", func(r *signing.Request) { r.ContentType = "image/jpeg" }).ShareLink())
	u.setFile(tempFile(t, "photo.jpg", "\xff\xd8\xff\xe0 not really a photo"))
	if !u.typeNote.Visible() || u.typeNote.Text != "Stored as image/jpeg, the type the link binds." || u.typeWarning.Visible() {
		t.Errorf("bound type: note %q, warning %q", u.typeNote.Text, u.typeWarning.Text)
	}

	u.setLink(sb.link(t, "", "any/photo.jpg", nil).ShareLink())
	u.setFile(tempFile(t, "photo.jpg", "\xff\xd8\xff\xe0 not really a photo"))
	if !strings.Contains(u.typeNote.Text, "stores the file as application/octet-stream") || !strings.Contains(u.typeNote.Text, "looks like image/jpeg") ||
		strings.Contains(u.fileInfo.Text, "image/jpeg") {
		t.Errorf("no bound type: file %q, note %q", u.fileInfo.Text, u.typeNote.Text)
	}
	u.setFile(tempFile(t, "data.bin", "\x00\x01\x02"))
	if u.typeNote.Text != "The link binds no content type, so the upload sends none and OSS stores the file as application/octet-stream." {
		t.Errorf("a file of the default type: note %q", u.typeNote.Text)
	}
	u.setFile(tempFile(t, "photo.jpg", "\xff\xd8\xff\xe0 not really a photo"))
	test.Tap(u.upload)
	waitFor(t, "the result", func() bool { return u.result.Visible() })
	if info, err := sb.srv.Stat("demo", "any/photo.jpg"); err != nil || info.ContentType != ossDefaultContentType {
		t.Errorf("stored %+v, %v: not what the tab said", info, err)
	}
}

// TestPasteBoxFitsItsLink: the paste box grows to show a long link whole
// (three rows cut its fourth in half), within bounds.
func TestPasteBoxFitsItsLink(t *testing.T) {
	u := newTestUploadTab(t, time.Now)
	u.win.Resize(fyne.NewSize(800, 600))
	u.setLink("https://b.oss-cn-hangzhou.aliyuncs.com/k?" + strings.Repeat("x-oss-signature=abcdef0123456789&", 20))
	if u.pasteRows <= minPasteRows || u.pasteRows > maxPasteRows {
		t.Errorf("a 700-character link in %d rows", u.pasteRows)
	}
	u.setLink("short")
	if u.pasteRows != minPasteRows {
		t.Errorf("a short text in %d rows", u.pasteRows)
	}
}

// TestStoredNote: the download-link dialog says whether the object is
// there yet, asked of the bucket with the link's own credentials.
func TestStoredNote(t *testing.T) {
	sb := newTestSandbox(t)
	test.NewTempApp(t)
	get := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: sb.url, PathStyle: true, Bucket: "demo",
		Key: "later.txt", Method: signing.MethodGet, Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: sb.key.ID, AccessKeySecret: sb.key.Secret}}
	link, err := signing.Presign(context.Background(), get)
	if err != nil {
		t.Fatal(err)
	}
	if note := storedNote(get, link); !strings.Contains(note, "Nothing is stored at later.txt yet") {
		t.Errorf("before the upload: %q", note)
	}
	put := sb.link(t, "", "later.txt", nil)
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: put.ShareLink(), File: tempFile(t, "later.txt", "arrived")}); err != nil {
		t.Fatal(err)
	}
	if note := storedNote(get, link); !strings.Contains(note, "later.txt is stored (7 bytes)") {
		t.Errorf("after the upload: %q", note)
	}
}

// TestHandOverClearsTheLastResult: a second start hands over the link
// already shown with a file that cannot be read: the old result goes, and
// a link already used up says so instead of asking for a file.
func TestHandOverClearsTheLastResult(t *testing.T) {
	sb := newTestSandbox(t)
	first := sb.link(t, "", "hand/over.txt", nil)
	u := newTestUploadTab(t, time.Now)
	u.handOver(first.ShareLink(), []string{tempFile(t, "first.txt", "first")})
	test.Tap(u.upload)
	waitFor(t, "the result", func() bool { return u.result.Visible() })
	// A second protected link for the same key: refused, already stored.
	taken := sb.link(t, "", "hand/over.txt", func(r *signing.Request) { r.Expires = 2 * time.Hour })
	u.handOver(taken.ShareLink(), []string{tempFile(t, "second.txt", "second")})
	if u.result.Visible() {
		t.Fatal("a new link kept the old result")
	}
	test.Tap(u.upload)
	waitFor(t, "the failure", func() bool { return u.result.Visible() })
	if u.result.Title != "Upload failed" || !u.usedUp {
		t.Fatalf("%s: %s (used up %v)", u.result.Title, u.resultText.Text, u.usedUp)
	}
	for _, file := range []string{filepath.Join(t.TempDir(), "nonexistent.bin"), t.TempDir()} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			u.handOver(taken.ShareLink(), []string{file})
			if u.result.Visible() {
				t.Errorf("the same link handed over again kept the old result %q", u.result.Title)
			}
			if !u.fileWarning.Visible() || !strings.Contains(u.blocked.Text, "takes no more files") || strings.Contains(u.blocked.Text, "choose the file") {
				t.Errorf("file warning %q, blocked %q", u.fileWarning.Text, u.blocked.Text)
			}
		})
	}
	// A file dropped that cannot be read is a new file too.
	u.handOver(first.ShareLink(), nil)
	u.result.Show()
	u.onDropped(dropped(filepath.Join(t.TempDir(), "gone.txt")))
	if u.result.Visible() {
		t.Error("an unreadable file kept the old result")
	}
}

// TestUploadTabOffersOnlyWhatCanWork: after a failure, Upload and the
// result card offer only a step that can succeed (upload.NextStep, as
// the upload page decides): Try again where a retry can (RequestTimeout,
// cancelled), another link where the link is at fault (signature,
// expired, access denied), and nothing but another file where the file
// is (a policy refusal, too large).
func TestUploadTabOffersOnlyWhatCanWork(t *testing.T) {
	sb := newTestSandbox(t)
	// A stand-in for OSS that answers each key with the error it names.
	answers := map[string]struct {
		status    int
		code, msg string
	}{
		"timeout.txt":   {400, "RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period."},
		"signature.txt": {403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."},
		"expired.txt":   {403, "AccessDenied", "Request has expired."},
		"denied.txt":    {403, "AccessDenied", "You have no right to access this object because of bucket acl."},
		"policy.txt":    {403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"content-length-range\", 1, 10]"},
		"large.txt":     {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."},
	}
	oss := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		a := answers[filepath.Base(r.URL.Path)]
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(a.status)
		fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message><RequestId>R1</RequestId></Error>", a.code, a.msg)
	}))
	defer oss.Close()
	tests := []struct {
		key         string
		way         string // the result card's button; "" for none
		uploadOn    bool
		blockedSays string
	}{
		{"timeout.txt", "Try again", true, ""},
		{"signature.txt", "Use another link", false, "paste another link"},
		{"expired.txt", "Use another link", false, "paste another link"},
		{"denied.txt", "Use another link", false, "paste another link"},
		{"policy.txt", "", false, "choose another file"},
		{"large.txt", "", false, "choose another file"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			u := newTestUploadTab(t, time.Now)
			link := sb.link(t, oss.URL, "in/"+tt.key, nil).ShareLink()
			u.setLink(link)
			u.setFile(tempFile(t, tt.key, "content"))
			test.Tap(u.upload)
			waitFor(t, "the failure", func() bool { return u.result.Visible() })
			way := ""
			if u.another.Visible() {
				way = u.another.Text
			}
			if u.result.Title != "Upload failed" || way != tt.way || u.upload.Disabled() == tt.uploadOn || !strings.Contains(u.blocked.Text, tt.blockedSays) {
				t.Fatalf("%s: %s\nway %q, Upload disabled %v, %q", u.result.Title, u.resultText.Text, way, u.upload.Disabled(), u.blocked.Text)
			}
			switch tt.way {
			case "Try again":
				test.Tap(u.another)
				if !u.cancelButton.Visible() && !u.result.Visible() {
					t.Fatal("Try again did not send the file again")
				}
				waitFor(t, "the second failure", func() bool { return u.result.Visible() && u.cancel == nil })
				if u.another.Text != "Try again" || u.file == "" {
					t.Errorf("after trying again: way %q, file %q", u.another.Text, u.file)
				}
			case "Use another link":
				// Another file would be refused the same way.
				u.setFile(tempFile(t, "other.txt", "other"))
				if !u.upload.Disabled() || !strings.Contains(u.blocked.Text, "paste another link") {
					t.Errorf("another file through a refused link: Upload disabled %v, %q", u.upload.Disabled(), u.blocked.Text)
				}
				test.Tap(u.another)
				if u.paste.Text != "" || u.link != nil || u.result.Visible() {
					t.Errorf("Use another link: paste %q, result %v", u.paste.Text, u.result.Visible())
				}
			case "":
				// Another file may go.
				u.setFile(tempFile(t, "other.txt", "other"))
				if u.upload.Disabled() || u.result.Visible() {
					t.Errorf("another file after a refused one: Upload disabled %v (%q), old result shown %v", u.upload.Disabled(), u.blocked.Text, u.result.Visible())
				}
			}
		})
	}
}
