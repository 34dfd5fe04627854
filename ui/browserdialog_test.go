package ui

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

const testPageURL = "https://files.example.com/_ossdrop/upload.html"

// TestResultCardPageLink: with an upload page in the profile the card shows
// the page link, its QR code holds it, and the card says which form goes
// to a person and which to a script; without one, the QR holds the share
// link and the card says how to get a page.
func TestResultCardPageLink(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	svc.Now = time.Now
	profiles.profiles[0].PageURL = testPageURL
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("inbox/phone.jpg")
	test.Tap(tab.create)
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })
	r := tab.result
	parts, ok, err := signing.ParsePageLink(r.page.link)
	if !ok || err != nil || parts.PageURL != testPageURL || parts.Link != r.link.ShareLink() || r.page.text.Text != r.page.link {
		t.Fatalf("page link %q: %+v %v %v", r.page.link, parts, ok, err)
	}
	if !r.page.section.Visible() || !strings.Contains(r.page.audience.Text, "page link or the QR code to a person") || !strings.Contains(r.page.audience.Text, "curl command to a script") {
		t.Errorf("section visible %v, audience %q", r.page.section.Visible(), r.page.audience.Text)
	}
	if got := decodeQRImage(t, r.qr.Image); got != r.page.link {
		t.Errorf("QR decodes to %q, want the page link", got)
	}
	if r.qrNote.Text != "Scan with a phone to open the upload page" {
		t.Errorf("QR note %q", r.qrNote.Text)
	}

	profiles.mu.Lock()
	profiles.profiles[0].PageURL = ""
	profiles.mu.Unlock()
	ps, _ := profiles.List()
	tab.setProfiles(ps, nil)
	test.Tap(tab.create)
	// The caption is set last, after the QR image.
	waitFor(t, "a link without a page", func() bool { return r.qrNote.Text == "Scan to get the share link" })
	if r.page.link != "" || r.page.section.Visible() {
		t.Errorf("page link %q, section visible %v", r.page.link, r.page.section.Visible())
	}
	if got := decodeQRImage(t, r.qr.Image); got != r.link.ShareLink() {
		t.Errorf("QR without a page decodes to %q, want the share link", got)
	}
	if !strings.Contains(r.page.audience.Text, "set an upload page") {
		t.Errorf("audience without a page: %q", r.page.audience.Text)
	}
}

// TestBrowserUploadsDialog drives the dialog against a real sandbox: it
// lists the rules, allows the page's origin, publishes the page (readable
// without a signature) and saves it as the profile's page.
func TestBrowserUploadsDialog(t *testing.T) {
	sb := newTestSandbox(t)
	svc, profiles, _ := newFakeServices()
	svc.Now = time.Now
	svc.Bucket = newBucketAdmin
	p := credentials.Profile{Name: "local", AccessKeyID: sb.key.ID, Kind: credentials.KindPermanent, Region: "cn-hangzhou",
		EndpointKind: signing.EndpointCustom, Endpoint: sb.url, PathStyle: true, Bucket: "demo", PageURL: testPageURL}
	profiles.profiles = append(profiles.profiles, p)
	profiles.secrets["local"] = credentials.Secrets{AccessKeySecret: sb.key.Secret}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	changed := false
	d := showBrowserDialog(w, svc, p, nil, "demo", func() { changed = true })
	waitFor(t, "the rules", func() bool { return strings.HasPrefix(d.rules.Text, "(none") })
	if d.allow.Disabled() || d.allow.Text != "Allow browser uploads from https://files.example.com" || !strings.Contains(d.page.Text, testPageURL) {
		t.Fatalf("allow %q disabled %v; page %q", d.allow.Text, d.allow.Disabled(), d.page.Text)
	}

	test.Tap(d.allow)
	waitFor(t, "the new rule", func() bool { return d.status.Visible() && strings.Contains(d.status.Text, "may now upload") })
	if !strings.HasPrefix(d.rules.Text, "1. origins https://files.example.com; methods PUT, POST") {
		t.Fatalf("rules after Allow: %q", d.rules.Text)
	}
	c, err := bucket.New(bucket.Target{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: sb.url, PathStyle: true, Bucket: "demo",
		Credentials: signing.Credentials{AccessKeyID: sb.key.ID, AccessKeySecret: sb.key.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	if rules, err := c.CORSRules(context.Background()); err != nil || len(rules) != 1 {
		t.Fatalf("the bucket's rules: %v, %v", rules, err)
	}

	test.Tap(d.publish)
	waitFor(t, "the published page", func() bool { return d.publishNote.Visible() })
	want := sb.url + "/demo/" + bucket.PageKey
	if d.publishNote.Text != "Published at "+want+"." || !d.use.Visible() {
		t.Fatalf("publish note %q, use visible %v", d.publishNote.Text, d.use.Visible())
	}
	resp, err := http.Get(want)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != string(web.UploadPage()) {
		t.Fatalf("GET the published page: %d", resp.StatusCode)
	}

	test.Tap(d.use)
	waitFor(t, "the profile's new page", func() bool { return changed })
	ps, _ := profiles.List()
	if ps[1].PageURL != want || d.profile.PageURL != want || d.use.Visible() {
		t.Fatalf("profile page %q, dialog %q", ps[1].PageURL, d.profile.PageURL)
	}
}

func TestBrowserUploadsDialogProblems(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	svc.Bucket = newBucketAdmin
	profiles.loadErr = &credentials.Error{Profile: "work", Err: credentials.ErrSecretMissing, Msg: "the secret of work is not in the keychain", Hint: "enter it again"}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	d := showBrowserDialog(w, svc, profiles.profiles[0], nil, "reports", nil)
	waitFor(t, "the error", func() bool { return d.status.Visible() })
	if !strings.Contains(d.status.Text, "not in the keychain") || !d.allow.Disabled() || !d.publish.Disabled() {
		t.Fatalf("status %q, allow disabled %v", d.status.Text, d.allow.Disabled())
	}
	if !strings.Contains(d.page.Text, "has no upload page yet") {
		t.Errorf("page %q", d.page.Text)
	}

	sb := &Sandbox{Profile: credentials.Profile{Name: SandboxProfileName, PageURL: "http://127.0.0.1:1/_ossdrop/upload.html", Region: "cn-hangzhou",
		EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:1", PathStyle: true}, Credentials: signing.Credentials{AccessKeyID: "SANDBOXX", AccessKeySecret: "x"}}
	d = showBrowserDialog(w, svc, sb.Profile, sb, "demo", nil)
	waitFor(t, "the unreachable endpoint", func() bool { return d.status.Visible() })
	if !strings.Contains(d.page.Text, "sandbox serves its own upload page") || !strings.Contains(d.status.Text, "not reachable") {
		t.Fatalf("page %q, status %q", d.page.Text, d.status.Text)
	}
	// It said no rule is needed: it offers none.
	if d.allow.Visible() {
		t.Errorf("the sandbox's dialog offers %q", d.allow.Text)
	}
}

// TestProfileFormPageURL edits a profile's upload page in the profile form.
func TestProfileFormPageURL(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	d := showProfilesDialog(w, svc, nil)
	f := d.edit(profiles.profiles[0], false)
	test.Type(f.pageURL, testPageURL)
	test.Tap(f.save)
	waitFor(t, "the saved page", func() bool {
		ps, _ := profiles.List()
		return ps[0].PageURL == testPageURL
	})
}

// TestProfileForm: the Add an AccessKey form checks itself, shows only
// the fields that apply, and keeps everything typed when saving fails.
func TestProfileForm(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	f, w := newAddForm(t, svc)
	red := func() []string {
		var out []string
		for field, l := range f.errors {
			if l.Visible() {
				out = append(out, field+": "+l.Text)
			}
		}
		return out
	}
	if !f.save.Disabled() || len(red()) > 0 || !strings.Contains(f.pending.Text, "Name the profile") {
		t.Fatalf("fresh form: Save disabled %v, red %v, pending %q", f.save.Disabled(), red(), f.pending.Text)
	}
	shown := func(o fyne.CanvasObject) bool { return o.Visible() }
	if shown(f.stsRows[0].field) || shown(f.endpointRow.field) {
		t.Error("STS or custom endpoint fields shown before they apply")
	}
	f.sts.SetChecked(true)
	if !shown(f.stsRows[0].field) || !shown(f.stsRows[1].field) {
		t.Error("STS fields hidden with STS chosen")
	}
	f.sts.SetChecked(false)
	f.endpointKind.SetSelectedIndex(int(signing.EndpointCustom))
	if !shown(f.endpointRow.field) || shown(f.stsRows[0].field) {
		t.Error("custom endpoint hidden with Custom chosen, or STS fields still shown")
	}
	f.endpointKind.SetSelectedIndex(int(signing.EndpointPublic))
	if !strings.HasPrefix(f.name.PlaceHolder, "for example") || !strings.HasPrefix(f.keyID.PlaceHolder, "for example") {
		t.Errorf("placeholders that read like values: %q, %q", f.name.PlaceHolder, f.keyID.PlaceHolder)
	}

	test.Type(f.name, "work")
	if msg := f.errors[pfName]; !msg.Visible() || !strings.Contains(msg.Text, "exists already") || !f.save.Disabled() {
		t.Errorf("a taken name: %q", msg.Text)
	}
	f.name.SetText("home")
	test.Type(f.keyID, "TESTKYEXAMPLE")
	test.Type(f.secret, "pasted-secret")
	if f.save.Disabled() || len(red()) > 0 {
		t.Fatalf("a complete form: Save enabled %v, red %v, pending %q", !f.save.Disabled(), red(), f.pending.Text)
	}

	profiles.mu.Lock()
	profiles.addErr = &credentials.Error{Profile: "home", Err: credentials.ErrKeychainUnavailable, Msg: "the OS keychain cannot be reached", Hint: "unlock it"}
	profiles.mu.Unlock()
	test.Tap(f.save)
	waitFor(t, "the failure", func() bool { return f.failure.Visible() })
	if !strings.Contains(f.failure.Text, "keychain cannot be reached") || f.secret.Text != "pasted-secret" || f.name.Text != "home" || f.save.Disabled() {
		t.Fatalf("after a failed Save: %q, secret kept %v", f.failure.Text, f.secret.Text == "pasted-secret")
	}
	if top := w.Canvas().Overlays().Top(); top == nil {
		t.Fatal("the form closed on a failure")
	}

	profiles.mu.Lock()
	profiles.addErr = nil
	profiles.mu.Unlock()
	test.Tap(f.save)
	waitFor(t, "the new profile", func() bool { ps, _ := profiles.List(); return len(ps) == 2 })
	ps, _ := profiles.List()
	if p := ps[1]; p.Name != "home" || p.AccessKeyID != "TESTKYEXAMPLE" || profiles.secrets["home"].AccessKeySecret != "pasted-secret" {
		t.Errorf("saved %+v", p)
	}
}

// newAddForm opens Profiles… and its Add an AccessKey form in a test
// window, once the profiles are listed.
func newAddForm(t *testing.T, svc *Services) (*profileForm, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	d := showProfilesDialog(w, svc, nil)
	waitFor(t, "the profiles", func() bool { return len(d.profiles) == 1 })
	return d.add(), w
}

// walk visits o and everything inside it.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	visit(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, visit)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(c)
		for _, child := range r.Objects() {
			walk(child, visit)
		}
	}
}

// TestResultCardRequestPageLink: a request link gets a page link of kind
// post (the page takes several files), and the QR code holds it.
func TestResultCardRequestPageLink(t *testing.T) {
	r, l, req := newRequestResultCard(t)
	r.page.pageURL = testPageURL
	r.showRequest(l, req)
	parts, ok, err := signing.ParsePageLink(r.page.link)
	if !ok || err != nil || parts.Kind != signing.PageKindRequest || parts.Link != l.ShareLink() {
		t.Fatalf("request page link %q: %+v %v", r.page.link, parts, err)
	}
	if got := decodeQRImage(t, r.qr.Image); got != r.page.link {
		t.Errorf("QR decodes to %q, want the page link", got)
	}
}
