package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

// newBucketAdmin is Services.Bucket in production: the SDK client.
func newBucketAdmin(t bucket.Target) (BucketAdmin, error) { return bucket.New(t) }

// browserDialog is "Browser uploads…": where the profile's upload page is,
// "Publish the upload page" into the bucket, and "Allow browser uploads"
// (the bucket's CORS rules, plus one for the page's origin).
type browserDialog struct {
	win fyne.Window
	svc *Services
	// profile is the one the links are signed with; sandbox is set when it
	// is the embedded sandbox's.
	profile credentials.Profile
	sandbox *Sandbox
	bucket  string
	// onProfileChanged reloads the profiles after the page URL is saved.
	onProfileChanged func()

	admin     BucketAdmin
	published string

	page, rules, status *widget.Label
	publishNote         *widget.Label
	publish, allow, use *widget.Button
	dialog              dialog.Dialog
	body                *dialogBody
}

// onBrowserUploads opens the dialog for the selected profile and bucket.
func (t *createTab) onBrowserUploads() {
	p, ok := t.selectedProfile()
	if !ok {
		t.showError(fmt.Errorf("%s", lang.L("Add a profile or try the local sandbox first.")))
		return
	}
	bucketName := strings.TrimSpace(t.bucket.Text)
	if fe := signing.ValidateBucket(bucketName); fe != nil {
		t.showError(fe)
		return
	}
	var sb *Sandbox
	if t.sandbox != nil && p.Name == t.sandbox.Profile.Name {
		sb = t.sandbox
	}
	showBrowserDialog(t.win, t.svc, p, sb, bucketName, t.onProfilesChanged)
}

func showBrowserDialog(win fyne.Window, svc *Services, p credentials.Profile, sb *Sandbox, bucketName string, onProfileChanged func()) *browserDialog {
	d := &browserDialog{win: win, svc: svc, profile: p, sandbox: sb, bucket: bucketName, onProfileChanged: onProfileChanged}
	wrap := func(text string, importance widget.Importance) *widget.Label {
		return &widget.Label{Text: text, Wrapping: textWrap(), Importance: importance}
	}
	bold := func(text string) *widget.Label {
		return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: textWrap()}
	}
	d.page = wrap("", widget.MediumImportance)
	d.rules = &widget.Label{Text: lang.L("Reading the bucket's CORS rules…"), Wrapping: textWrap()}
	d.status = wrap("", widget.MediumImportance)
	d.status.Hide()
	d.publishNote = wrap("", widget.MediumImportance)
	d.publishNote.Hide()
	d.publish = &widget.Button{Text: lang.L("Publish the upload page"), Icon: theme.UploadIcon(), OnTapped: d.onPublish}
	d.allow = &widget.Button{Text: lang.L("Allow browser uploads"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: d.onAllow}
	d.use = &widget.Button{Text: lang.L("Use this page for the profile's links"), OnTapped: d.onUsePage}
	d.use.Hide()
	d.publish.Disable()
	d.allow.Disable()

	content := container.NewVBox(
		wrap(lang.L("People without OSS Drop upload through the upload page: one HTML file that works in any browser, a phone's too. The page link and the QR code open it with the link inside."), widget.MediumImportance),
		d.page,
		widget.NewSeparator(),
		bold(lang.L("Publish the upload page")),
		wrap(fmt.Sprintf(lang.L("Puts the page into the bucket as %s, readable by anyone (it holds no link and no secret). OSS makes browsers download HTML from its default domains (*.aliyuncs.com) since 2018: the page shows only from a custom domain bound to the bucket, and links signed for that domain are on the same address as the page, so they need no CORS rule. Any other web host works too, with the rule below."), bucket.PageKey), widget.LowImportance),
		container.NewHBox(d.publish),
		d.publishNote,
		container.NewHBox(d.use),
		widget.NewSeparator(),
		bold(lang.L("Allow browser uploads")),
		wrap(lang.L("A page on another address may upload only when one of the bucket's CORS rules allows its origin. The rules now:"), widget.LowImportance),
		d.rules,
		container.NewHBox(d.allow),
		d.status,
	)
	d.showPage()
	d.body = newDialogBody(win, content, nil)
	d.dialog = dialog.NewCustom(fmt.Sprintf(lang.L("Browser uploads to %s"), bucketName), lang.L("Close"), d.body.box, win)
	d.body.fit(d.dialog, 700)
	d.dialog.Show()
	go func() {
		admin, rules, err := d.connect()
		toUI(func() { d.connected(admin, rules, err); d.body.relayout() })
	}()
	return d
}

// connect reads the credentials and the bucket's rules; off the UI goroutine.
func (d *browserDialog) connect() (BucketAdmin, []bucket.CORSRule, error) {
	creds := signing.Credentials{}
	if d.sandbox != nil {
		creds = d.sandbox.Credentials
	} else {
		_, c, err := d.svc.Profiles.Load(d.profile.Name)
		if err != nil {
			return nil, nil, err
		}
		creds = c
	}
	p := d.profile
	admin, err := d.svc.Bucket(bucket.Target{Region: p.Region, EndpointKind: p.EndpointKind, Endpoint: p.Endpoint,
		PathStyle: p.PathStyle, Bucket: d.bucket, Credentials: creds})
	if err != nil {
		return nil, nil, err
	}
	rules, err := admin.CORSRules(context.Background())
	return admin, rules, err
}

// connected takes what connect found; on the UI goroutine.
func (d *browserDialog) connected(admin BucketAdmin, rules []bucket.CORSRule, err error) {
	if admin != nil {
		d.admin = admin
		d.publish.Enable()
	}
	if err != nil {
		d.rules.SetText("")
		d.showStatus(err, widget.DangerImportance)
		return
	}
	d.showRules(rules)
	if d.profile.PageURL != "" {
		d.allow.Enable()
	}
}

// showPage says where the profile's page is and whether it needs a rule.
func (d *browserDialog) showPage() {
	switch {
	case d.sandbox != nil:
		d.page.SetText(fmt.Sprintf(lang.L("The sandbox serves its own upload page at %s, on the same address as its links: no CORS rule is needed."), d.profile.PageURL))
	case d.profile.PageURL == "":
		d.page.SetText(fmt.Sprintf(lang.L("The profile %s has no upload page yet: publish it below, or put upload.html on any web host and enter its address in the profile (Profiles…)."), d.profile.Name))
	case d.sameOrigin():
		d.page.SetText(fmt.Sprintf(lang.L("The profile's upload page %s is on the same address as its links: no CORS rule is needed."), d.profile.PageURL))
	default:
		d.page.SetText(fmt.Sprintf(lang.L("The profile's upload page: %s"), d.profile.PageURL))
	}
	if origin, err := signing.PageOrigin(d.profile.PageURL); err == nil {
		d.allow.SetText(fmt.Sprintf(lang.L("Allow browser uploads from %s"), origin))
	}
	// A rule is the next step only for a page on another address: right
	// after saying that none is needed, the dialog offered to add one.
	if d.sandbox != nil || d.sameOrigin() {
		d.allow.Hide()
	} else {
		d.allow.Show()
	}
}

// sameOrigin reports whether the profile's page is on the address its links
// go to (a custom domain bound to the bucket, or the sandbox), where the
// browser needs no CORS rule.
func (d *browserDialog) sameOrigin() bool {
	if d.profile.EndpointKind != signing.EndpointCustom || d.profile.PageURL == "" {
		return false
	}
	page, err1 := signing.PageOrigin(d.profile.PageURL)
	links, err2 := signing.PageOrigin(d.profile.Endpoint)
	return err1 == nil && err2 == nil && page == links
}

func (d *browserDialog) showRules(rules []bucket.CORSRule) {
	if len(rules) == 0 {
		d.rules.SetText(lang.L("(none: only pages on the bucket's own address can upload)"))
		return
	}
	lines := make([]string, len(rules))
	for i, r := range rules {
		lines[i] = fmt.Sprintf("%d. %s", i+1, r)
	}
	d.rules.SetText(strings.Join(lines, "\n"))
}

func (d *browserDialog) showStatus(err error, importance widget.Importance) {
	d.status.Importance = importance
	d.status.SetText(ownerErrorText(err, true))
	d.status.Show()
}

func (d *browserDialog) onAllow() {
	origin, err := signing.PageOrigin(d.profile.PageURL)
	if err != nil || d.admin == nil {
		return
	}
	d.allow.Disable()
	admin := d.admin
	go func() {
		res, err := admin.AllowOrigin(context.Background(), origin)
		toUI(func() { d.allowed(origin, res, err); d.body.relayout() })
	}()
}

// allowed takes AllowOrigin's answer; on the UI goroutine.
func (d *browserDialog) allowed(origin string, res *bucket.AllowResult, err error) {
	d.allow.Enable()
	if err != nil {
		d.showStatus(err, widget.DangerImportance)
		return
	}
	d.showRules(res.Rules)
	d.status.Importance = widget.SuccessImportance
	if res.Added {
		d.status.SetText(fmt.Sprintf(lang.L("Browsers may now upload from pages on %s: the new rule is first, and the others were kept."), origin))
	} else {
		d.status.SetText(fmt.Sprintf(lang.L("Nothing to change: the first rule already allows uploads from %s."), origin))
	}
	d.status.Show()
}

func (d *browserDialog) onPublish() {
	if d.admin == nil {
		return
	}
	d.publish.Disable()
	admin := d.admin
	go func() {
		pub, err := admin.PublishPage(context.Background(), web.UploadPage(), web.ContentType)
		toUI(func() { d.publishedPage(pub, err); d.body.relayout() })
	}()
}

// publishedPage takes PublishPage's answer; on the UI goroutine.
func (d *browserDialog) publishedPage(pub *bucket.Published, err error) {
	d.publish.Enable()
	if err != nil {
		d.publishNote.Importance = widget.DangerImportance
		d.publishNote.SetText(ownerErrorText(err, true))
		d.publishNote.Show()
		return
	}
	d.published = pub.URL
	d.publishNote.Importance = widget.SuccessImportance
	text := fmt.Sprintf(lang.L("Published at %s."), pub.URL)
	if pub.DefaultDomain {
		d.publishNote.Importance = widget.WarningImportance
		text = joinSentences(text, fmt.Sprintf(lang.L("This is OSS's default domain, where browsers download the page instead of showing it: bind a custom domain to the bucket and enter https://YOUR-DOMAIN/%s as the profile's upload page."), bucket.PageKey))
	}
	d.publishNote.SetText(text)
	d.publishNote.Show()
	if !pub.DefaultDomain && d.sandbox == nil && pub.URL != d.profile.PageURL {
		d.use.Show()
	}
}

// onUsePage saves the published page as the profile's upload page.
func (d *browserDialog) onUsePage() {
	p := d.profile
	p.PageURL = d.published
	d.use.Disable()
	go func() {
		err := d.svc.Profiles.Update(p)
		toUI(func() { d.usedPage(p, err); d.body.relayout() })
	}()
}

// usedPage takes the profile update's answer; on the UI goroutine.
func (d *browserDialog) usedPage(p credentials.Profile, err error) {
	d.use.Enable()
	if err != nil {
		d.showStatus(err, widget.DangerImportance)
		return
	}
	d.profile = p
	d.use.Hide()
	d.showPage()
	if d.admin != nil {
		d.allow.Enable()
	}
	if d.onProfileChanged != nil {
		d.onProfileChanged()
	}
}
