package ui

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

var fakeNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// fakeProfiles is an in-memory profile store whose secrets never leave it.
type fakeProfiles struct {
	mu       sync.Mutex
	profiles []credentials.Profile
	secrets  map[string]credentials.Secrets
	loadErr  error
	addErr   error
}

func (f *fakeProfiles) List() ([]credentials.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]credentials.Profile(nil), f.profiles...), nil
}

func (f *fakeProfiles) Add(p credentials.Profile, s credentials.Secrets) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.addErr != nil {
		return f.addErr
	}
	f.profiles = append(f.profiles, p)
	f.secrets[p.Name] = s
	return nil
}
func (f *fakeProfiles) Update(p credentials.Profile) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.profiles {
		if f.profiles[i].Name == p.Name {
			f.profiles[i] = p
		}
	}
	return nil
}
func (f *fakeProfiles) Rotate(p credentials.Profile, s credentials.Secrets) error { return nil }
func (f *fakeProfiles) Remove(name string) error                                  { return nil }

func (f *fakeProfiles) Load(name string) (credentials.Profile, signing.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loadErr != nil {
		return credentials.Profile{}, signing.Credentials{}, f.loadErr
	}
	for _, p := range f.profiles {
		if p.Name == name {
			s := f.secrets[name]
			return p, signing.Credentials{AccessKeyID: p.AccessKeyID, AccessKeySecret: s.AccessKeySecret, SecurityToken: s.SecurityToken, TokenExpires: p.STSExpires}, nil
		}
	}
	return credentials.Profile{}, signing.Credentials{}, credentials.ErrNoProfile
}

// fakeHistory keeps entries in memory.
type fakeHistory struct {
	mu      sync.Mutex
	entries []history.Entry
}

func (h *fakeHistory) Add(e history.Entry) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append([]history.Entry{e}, h.entries...)
	return nil
}

func (h *fakeHistory) List() ([]history.Entry, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]history.Entry(nil), h.entries...), nil
}

func (h *fakeHistory) Delete(id string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, e := range h.entries {
		if e.ID == id {
			h.entries = append(h.entries[:i], h.entries[i+1:]...)
			return nil
		}
	}
	return errors.New("not found")
}

func (h *fakeHistory) MoveTokens(keep func(id, link string)) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for i, e := range h.entries {
		if history.CarriesToken(e.ShareLink) {
			keep(e.ID, e.ShareLink)
			h.entries[i].ShareLink, h.entries[i].STS = "", true
			n++
		}
	}
	return n, nil
}

func (h *fakeHistory) ClearExpired(now time.Time) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	kept := h.entries[:0]
	for _, e := range h.entries {
		if !e.Expired(now) {
			kept = append(kept, e)
		}
	}
	n := len(h.entries) - len(kept)
	h.entries = kept
	return n, nil
}

// memKeychain is a keychain in memory; err, when set, makes it unreachable.
type memKeychain struct {
	mu    sync.Mutex
	items map[string]string
	err   error
}

func (k *memKeychain) Get(name string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return "", k.err
	}
	v, ok := k.items[name]
	if !ok {
		return "", credentials.ErrItemNotFound
	}
	return v, nil
}

func (k *memKeychain) Set(name, value string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	k.items[name] = value
	return nil
}

func (k *memKeychain) Delete(name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	delete(k.items, name)
	return nil
}

// useTestSandbox makes svc start a real sandbox whose objects live in a
// directory of the test's, with the test app's preferences (call after
// test.NewTempApp) and svc's keychain, as the app's own does.
func useTestSandbox(t *testing.T, svc *Services) {
	dir := t.TempDir()
	svc.StartSandbox = func() (*Sandbox, error) {
		return sandboxStarter{dir: dir, prefs: fyne.CurrentApp().Preferences(), keychain: svc.Keychain}.start()
	}
}

func newFakeServices() (*Services, *fakeProfiles, *fakeHistory) {
	profiles := &fakeProfiles{secrets: map[string]credentials.Secrets{}}
	profiles.profiles = []credentials.Profile{{Name: "work", AccessKeyID: "AKIDUITEST000001", Kind: credentials.KindPermanent, Region: "cn-hangzhou", Bucket: "reports", Default: true}}
	profiles.secrets["work"] = credentials.Secrets{AccessKeySecret: "ui-test-secret"}
	hist := &fakeHistory{}
	svc := &Services{Profiles: profiles, History: hist, Presign: signing.Presign, Now: func() time.Time { return fakeNow },
		Keychain: &memKeychain{items: map[string]string{}}}
	return svc, profiles, hist
}

// newTestCreateTab builds the tab in a test window with the profiles loaded.
// TestFreshFieldsWait: a field just revealed and not typed in yet (Custom
// expiry chosen, the callback turned on) gets no red message: what is
// missing waits below the form, as for a fresh bucket or key. A wrong
// expiry hides the "Until …" line that would contradict it.
func TestFreshFieldsWait(t *testing.T) {
	svc, _, _ := newFakeServices()
	tests := []struct {
		name    string
		apply   func(*createTab)
		pending string
	}{
		{"custom expiry chosen", func(tab *createTab) { tab.expiry.SetSelectedIndex(4) }, "duration"},
		{"callback turned on", func(tab *createTab) { tab.callback.enabled.SetChecked(true) }, "no URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := newTestCreateTab(t, svc)
			tab.key.SetText("ok.txt")
			tt.apply(tab)
			if errs := visibleErrors(tab); len(errs) > 0 || tab.callback.urlsError.Visible() {
				t.Errorf("red before typing: %v", errs)
			}
			if !tab.create.Disabled() || !tab.pending.Visible() || !strings.Contains(tab.pending.Text, tt.pending) {
				t.Errorf("pending %q, Create disabled %v", tab.pending.Text, tab.create.Disabled())
			}
		})
	}
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("ok.txt")
	tab.expiry.SetSelectedIndex(4)
	for _, typed := range []string{fakeNow.Format(time.RFC3339), "0s"} {
		tab.customExpiry.SetText(typed)
		if tab.expiryAt.Visible() || !tab.fieldErrors[signing.FieldExpiry].Visible() || !tab.create.Disabled() {
			t.Errorf("%s: until line %q shown %v beside %q", typed, tab.expiryAt.Text, tab.expiryAt.Visible(), tab.fieldErrors[signing.FieldExpiry].Text)
		}
	}
}

// TestResultCardGoesWithItsForm: once the form describes another link, the
// card of the last one goes (it stays in History).
func TestResultCardGoesWithItsForm(t *testing.T) {
	svc, _, _ := newFakeServices()
	svc.Now = time.Now
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("a.pdf")
	test.Tap(tab.create)
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })
	tab.validate() // nothing changed: the card stays
	if !tab.result.container.Visible() {
		t.Fatal("the card went without a change")
	}
	tab.key.SetText("b.pdf")
	if tab.result.container.Visible() {
		t.Error("the card for a.pdf stays under a form for b.pdf")
	}
}

func newTestCreateTab(t *testing.T, svc *Services) *createTab {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	tab := newCreateTab(w, svc)
	w.SetContent(tab.content)
	ps, _ := svc.Profiles.List()
	tab.setProfiles(ps, nil)
	return tab
}

// waitFor runs the UI work that goroutines hand over (runUI), as the app's
// event loop would, until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runUI(); !cond(); runUI() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCreateFormValidation(t *testing.T) {
	svc, _, _ := newFakeServices()
	first := newTestCreateTab(t, svc)
	if first.bucket.Text != "reports" {
		t.Errorf("bucket %q, want the profile's default", first.bucket.Text)
	}
	// A fresh form invites typing: no red for the empty key, a quiet hint instead.
	if !first.create.Disabled() || first.fieldErrors[signing.FieldKey].Visible() || !strings.Contains(first.pending.Text, "object key is empty") {
		t.Fatalf("fresh form: Create disabled %v, key error %v, hint %q", first.create.Disabled(), first.fieldErrors[signing.FieldKey].Visible(), first.pending.Text)
	}
	first.key.SetText("a.txt")
	first.key.SetText("")
	if !first.fieldErrors[signing.FieldKey].Visible() || first.pending.Visible() {
		t.Error("a key typed and cleared again is not reported as empty")
	}
	tests := []struct {
		name  string
		apply func(*createTab)
		field string
		says  string
	}{
		{"bucket upper case", func(tab *createTab) { tab.bucket.SetText("Reports") }, signing.FieldBucket, "not valid"},
		{"key with leading slash", func(tab *createTab) { tab.key.SetText("/x") }, signing.FieldKey, "leading slash"},
		{"content type", func(tab *createTab) { tab.contentType.SetText("pdf") }, signing.FieldContentType, "not valid"},
		{"custom expiry over 7 days", func(tab *createTab) { tab.expiry.SetSelectedIndex(4); tab.customExpiry.SetText("8d") }, signing.FieldExpiry, "at most 7 days"},
		{"custom expiry unreadable", func(tab *createTab) { tab.expiry.SetSelectedIndex(4); tab.customExpiry.SetText("soon") }, signing.FieldExpiry, "duration"},
		{"metadata name", func(tab *createTab) { tab.meta.add("a b", "1") }, signing.FieldMetadata, "letters, digits and hyphens"},
		{"callback URL typed, then cleared", func(tab *createTab) {
			tab.callback.enabled.SetChecked(true)
			tab.callback.urls.SetText("h")
			tab.callback.urls.SetText("")
		}, fieldCallbackURLs, "no URL"},
		{"callback with an FTP URL", func(tab *createTab) {
			tab.callback.enabled.SetChecked(true)
			tab.callback.urls.SetText("ftp://example.com/x")
		}, fieldCallbackURLs, "http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := newTestCreateTab(t, svc)
			tab.key.SetText("ok.txt")
			if tab.create.Disabled() {
				t.Fatalf("Create disabled for a valid form: %v", visibleErrors(tab))
			}
			tt.apply(tab)
			l := tab.fieldErrors[tt.field]
			if tt.field == fieldCallbackURLs {
				l = tab.callback.urlsError // under the URLs, not under the whole section
			}
			if !tab.create.Disabled() || !l.Visible() || !strings.Contains(l.Text, tt.says) {
				t.Errorf("field %s: visible %v text %q; Create disabled %v", tt.field, l.Visible(), l.Text, tab.create.Disabled())
			}
		})
	}
}

func visibleErrors(tab *createTab) map[string]string {
	m := map[string]string{}
	for f, l := range tab.fieldErrors {
		if l.Visible() {
			m[f] = l.Text
		}
	}
	return m
}

func TestExpiryPresetsAndSTSCap(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	profiles.profiles = append(profiles.profiles, credentials.Profile{Name: "temp", AccessKeyID: "STS.AKIDUITEST0002", Kind: credentials.KindSTS,
		Region: "cn-hangzhou", Bucket: "reports", STSExpires: fakeNow.Add(3 * time.Hour)})
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("a.txt")
	for i, want := range []string{"15 minutes", "1 hour", "1 day", "7 days"} {
		tab.expiry.SetSelectedIndex(i)
		if !strings.Contains(tab.expiryAt.Text, want) || tab.create.Disabled() {
			t.Errorf("preset %d: %q (Create disabled %v)", i, tab.expiryAt.Text, tab.create.Disabled())
		}
	}
	tab.profile.SetSelected("temp")
	tab.expiry.SetSelectedIndex(1) // 1 hour: within the token
	if tab.create.Disabled() {
		t.Errorf("1 hour with a 3-hour token refused: %v", visibleErrors(tab))
	}
	tab.expiry.SetSelectedIndex(2) // 1 day: past the token
	if l := tab.fieldErrors[signing.FieldExpiry]; !tab.create.Disabled() || !strings.Contains(l.Text, "STS token") {
		t.Errorf("1 day past the STS token accepted: %q", l.Text)
	}
}

func TestCreateLinkFillsResult(t *testing.T) {
	svc, _, hist := newFakeServices()
	svc.Now = time.Now // the SDK signs with the wall clock
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("inbox/报告.pdf")
	tab.contentType.SetText("application/pdf")
	tab.meta.add("project", "apollo")
	test.Tap(tab.create)
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })

	link := tab.result.link
	if !strings.Contains(tab.result.share.Text, "#ossdrop=1&method=PUT&content-type=application%2Fpdf") {
		t.Errorf("share link %q", tab.result.share.Text)
	}
	// The curl command is in the system's natural shell: PowerShell on Windows.
	if tab.result.url.Text != link.URL || tab.result.curl.Text != link.CurlIn(signing.NaturalShell, "") ||
		!strings.Contains(tab.result.curl.Text, " -X PUT -T ./FILE -H 'content-type: application/pdf'") {
		t.Errorf("url %q curl %q", tab.result.url.Text, tab.result.curl.Text)
	}
	if got := len(tab.result.headers.Objects); got != 2*3 {
		t.Errorf("header table has %d cells, want 6 (content-type, forbid-overwrite, meta)", got)
	}
	if got := decodeQRImage(t, tab.result.qr.Image); got != link.ShareLink() {
		t.Errorf("QR decodes to %q, want the share link", got)
	}
	if !strings.Contains(tab.result.countdown.Text, "59 minutes") {
		t.Errorf("countdown %q", tab.result.countdown.Text)
	}
	entries, _ := hist.List()
	if len(entries) != 1 || entries[0].Key != "inbox/报告.pdf" || entries[0].ShareLink != link.ShareLink() || entries[0].Profile != "work" {
		t.Errorf("history %+v", entries)
	}
	for _, e := range entries {
		if strings.Contains(e.ShareLink+e.Options, "ui-test-secret") {
			t.Error("the secret reached the history")
		}
	}
}

func TestCreateShowsKeychainError(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	profiles.loadErr = &credentials.Error{Err: credentials.ErrKeychainUnavailable, Msg: "the OS keychain cannot be reached", Hint: "start a Secret Service"}
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("a.txt")
	test.Tap(tab.create)
	waitFor(t, "the error", func() bool { return tab.formError.Visible() })
	if tab.formError.Text != "The OS keychain cannot be reached.\nStart a Secret Service." || tab.result.container.Visible() {
		t.Errorf("error %q", tab.formError.Text)
	}
}

func TestCallbackPreview(t *testing.T) {
	svc, _, _ := newFakeServices()
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("a.txt")
	tab.callback.enabled.SetChecked(true)
	tab.callback.urls.SetText("https://cb.example.com/done")
	tab.callback.body.SetText("o=")
	tab.callback.body.CursorRow, tab.callback.body.CursorColumn = 0, 2
	tab.callback.insert("${object}")
	tab.callback.vars.add("x:who", "ada")
	if tab.callback.body.Text != "o=${object}" {
		t.Errorf("body %q", tab.callback.body.Text)
	}
	preview := tab.callback.preview.Text
	for _, part := range []string{`"callbackUrl": "https://cb.example.com/done"`, `"callbackBody": "o=${object}"`, `"x:who": "ada"`} {
		if !strings.Contains(preview, part) {
			t.Errorf("preview lacks %s:\n%s", part, preview)
		}
	}
	if tab.create.Disabled() {
		t.Errorf("valid callback refused: %v", visibleErrors(tab))
	}
}

func TestChineseTranslation(t *testing.T) {
	useChinese(t)
	loadTranslations()
	defer func() {
		os.Setenv("LC_ALL", "C")
		loadTranslations()
	}()
	if got, _ := plainURLNote(signing.Headers{{Name: "x-oss-forbid-overwrite", Value: "true"}}); !strings.Contains(got, "防止覆盖") || !strings.Contains(got, "403 SignatureDoesNotMatch") {
		t.Errorf("plain URL note in zh-Hans = %q", got)
	}
	if got := lang.L("Create link"); got != "创建链接" {
		t.Fatalf("Create link in zh-Hans = %q", got)
	}
	svc, _, _ := newFakeServices()
	tab := newTestCreateTab(t, svc)
	if tab.create.Text != "创建链接" || !strings.Contains(tab.expiryAt.Text, "1 小时") {
		t.Errorf("button %q expiry %q", tab.create.Text, tab.expiryAt.Text)
	}
	tab.bucket.SetText("Bad")
	if l := tab.fieldErrors[signing.FieldBucket]; !strings.Contains(l.Text, "Bucket 名称") {
		t.Errorf("bucket error %q not translated", l.Text)
	}
}

func decodeQRImage(t *testing.T, img image.Image) string {
	t.Helper()
	if img == nil {
		t.Fatal("no QR image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	text, err := signing.DecodeQR(&buf)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return text
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestResultCardSaysWhatThePlainURLNeeds: under the plain URL the card says
// whether it works as it is; the default (overwrite protection on) needs a
// header plain clients never send, and turning protection off says so.
func TestResultCardSaysWhatThePlainURLNeeds(t *testing.T) {
	svc, _, _ := newFakeServices()
	svc.Now = time.Now // the SDK signs with the wall clock
	tests := []struct {
		name       string
		apply      func(*createTab)
		importance widget.Importance
		says       []string
	}{
		{"default", func(*createTab) {}, widget.WarningImportance,
			[]string{"works only when the upload sends the headers below exactly (for overwrite protection)", "403 SignatureDoesNotMatch", "turn overwrite protection off."}},
		{"typed", func(tab *createTab) { tab.contentType.SetText("application/pdf") }, widget.WarningImportance,
			[]string{"(for the content type, overwrite protection)", "turn overwrite protection off and leave the content type empty"}},
		{"protection off, typed", func(tab *createTab) { tab.contentType.SetText("application/pdf"); tab.protect.SetChecked(false) }, widget.WarningImportance,
			[]string{"(for the content type)", "leave the content type empty."}},
		{"protection off", func(tab *createTab) { tab.protect.SetChecked(false) }, widget.LowImportance,
			[]string{"Any client can use this URL as it is"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := newTestCreateTab(t, svc)
			tab.key.SetText("in/" + tt.name + ".pdf")
			tt.apply(tab)
			test.Tap(tab.create)
			waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })
			note := tab.result.urlNote
			if note.Importance != tt.importance {
				t.Errorf("importance %v, want %v", note.Importance, tt.importance)
			}
			for _, want := range tt.says {
				if !strings.Contains(note.Text, want) {
					t.Errorf("note %q lacks %q", note.Text, want)
				}
			}
		})
	}
	// The switch itself says what turning protection off allows.
	tab := newTestCreateTab(t, svc)
	found := false
	test.NewTempWindow(t, tab.content)
	for _, o := range test.LaidOutObjects(tab.content) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Off: any client can use the plain URL as it is") {
			found = true
		}
	}
	if !found {
		t.Error("the overwrite switch does not say what turning it off allows")
	}
}
