package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

// What a profile form is for.
type profileFormMode int

const (
	formAdd    profileFormMode = iota // a new profile and its secrets
	formEdit                          // a profile's settings, not its secrets
	formRotate                        // a profile's AccessKey and secrets
)

// Fields of the profile form, for its messages.
const (
	pfName    = "name"
	pfKeyID   = "key ID"
	pfSecret  = "secret"
	pfToken   = "token"
	pfExpires = "expires"
	pfRegion  = "region"
	pfEnd     = "endpoint"
	pfBucket  = "bucket"
	pfPage    = "page"
)

// profileForm is the Add an AccessKey, Edit profile and New secret form.
// It checks itself as the Create form does: a sentence under each field
// once it was typed in, Save enabled only when all is well, and on a
// failure to save the form stays open with everything typed (a pasted
// secret included) and says why. Fields that do not apply (the STS token
// and expiry of a permanent key, a custom endpoint) are hidden.
type profileForm struct {
	d    *profilesDialog
	mode profileFormMode
	orig credentials.Profile

	name, keyID, secret, token, expires *widget.Entry
	endpoint, bucket, pageURL           *widget.Entry
	sts, pathStyle                      *widget.Check
	region                              *widget.SelectEntry
	endpointKind                        *widget.Select

	// Rows shown or hidden by what applies.
	stsRows, secretRows, settingRows []*formRow
	endpointRow, pathRow             *formRow
	errors                           map[string]*widget.Label
	touched                          map[string]bool
	pending, failure                 *widget.Label
	save                             *widget.Button
	dialog                           dialog.Dialog
	body                             *dialogBody
}

// openProfileForm shows the form for p in the given mode.
func (d *profilesDialog) openProfileForm(p credentials.Profile, mode profileFormMode) *profileForm {
	f := &profileForm{d: d, mode: mode, orig: p, errors: map[string]*widget.Label{}, touched: map[string]bool{}}
	f.build()
	f.validate()
	return f
}

func (f *profileForm) build() {
	p := f.orig
	changed := func(field string) func(string) {
		return func(s string) {
			if s != "" {
				f.touched[field] = true
			}
			f.validate()
		}
	}
	entry := func(field, text, placeholder string) *widget.Entry {
		return &widget.Entry{Text: text, PlaceHolder: placeholder, OnChanged: changed(field)}
	}
	// Placeholders say "for example": a grey "work" or a date read like
	// values already filled in.
	f.name = entry(pfName, p.Name, lang.L("for example: work"))
	f.keyID = entry(pfKeyID, p.AccessKeyID, lang.L("for example: LTAI5t…"))
	f.secret = widget.NewPasswordEntry()
	f.secret.OnChanged = changed(pfSecret)
	f.token = widget.NewPasswordEntry()
	f.token.OnChanged = changed(pfToken)
	f.expires = entry(pfExpires, "", lang.L("for example: 2h, or 2026-12-01T18:00:00+08:00"))
	if !p.STSExpires.IsZero() && f.mode != formRotate {
		f.expires.SetText(p.STSExpires.Format(time.RFC3339))
	}
	f.sts = &widget.Check{Text: lang.L("Temporary credentials (STS)"), Checked: p.Kind == credentials.KindSTS, OnChanged: func(bool) { f.showRows(); f.validate() }}
	f.region = widget.NewSelectEntry(ossRegions)
	f.region.SetText(p.Region)
	f.region.OnChanged = func(string) { f.validate() }
	f.endpointKind = widget.NewSelect(translated(endpointKindLabels), func(string) { f.showRows(); f.validate() })
	f.endpointKind.SetSelectedIndex(int(p.EndpointKind))
	f.endpoint = entry(pfEnd, p.Endpoint, lang.L("for example: files.example.com or http://127.0.0.1:9000"))
	f.bucket = entry(pfBucket, p.Bucket, lang.L("optional: where links go unless the form says"))
	f.pathStyle = &widget.Check{Text: lang.L("Path-style addresses (/bucket/key)"), Checked: p.PathStyle, OnChanged: func(bool) { f.validate() }}
	f.pageURL = entry(pfPage, p.PageURL, lang.L("optional: the address of your upload page"))
	if f.mode != formAdd {
		f.name.Disable()
	}

	grid := newFormGrid()
	row := func(label, field string, w fyne.CanvasObject) *formRow {
		msg := &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
		msg.Hide()
		f.errors[field] = msg
		return grid.add(label, withMessage(w, msg))
	}
	nameRow := row(lang.L("Name"), pfName, f.name)
	row(lang.L("AccessKey ID"), pfKeyID, f.keyID)
	secretRow := row(lang.L("AccessKey secret"), pfSecret, f.secret)
	stsRow := grid.add("", f.sts)
	tokenRow := row(lang.L("STS token"), pfToken, f.token)
	expiresRow := row(lang.L("STS expires"), pfExpires, f.expires)
	regionRow := row(lang.L("Region"), pfRegion, f.region)
	// A message that never shows keeps the rows evenly spaced.
	noMessage := widget.NewLabel("")
	noMessage.Hide()
	kindRow := grid.add(lang.L("Endpoint"), withMessage(f.endpointKind, noMessage))
	f.endpointRow = row(lang.L("Custom endpoint"), pfEnd, f.endpoint)
	f.pathRow = grid.add("", f.pathStyle)
	bucketRow := row(lang.L("Default bucket"), pfBucket, f.bucket)
	pageRow := row(lang.L("Upload page (optional)"), pfPage, f.pageURL)
	f.stsRows = []*formRow{tokenRow, expiresRow}
	f.secretRows = []*formRow{secretRow, tokenRow}
	f.settingRows = []*formRow{stsRow, regionRow, kindRow, f.endpointRow, f.pathRow, bucketRow, pageRow}
	if f.mode == formRotate {
		nameRow.setVisible(false)
	}
	f.showRows()

	f.pending = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	f.failure = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	f.failure.Hide()
	f.save = &widget.Button{Text: lang.L("Save"), Importance: widget.HighImportance, OnTapped: f.onSave}
	cancel := &widget.Button{Text: lang.L("Cancel"), OnTapped: func() { f.dialog.Hide() }}
	note := &widget.Label{Text: lang.L("Secrets are kept only in the OS keychain, never in a file."), Wrapping: textWrap(), Importance: widget.LowImportance}
	// The fields scroll when the window cannot hold them; what says why
	// Save is disabled or failed stays in view above the buttons, which
	// are the dialog's own: messages used to push them out of it.
	f.body = newDialogBody(f.d.win, container.NewVBox(note, grid.box), container.NewVBox(f.pending, f.failure))
	title := lang.L("Edit profile")
	switch f.mode {
	case formAdd:
		title = lang.L("Add an AccessKey")
	case formRotate:
		title = fmt.Sprintf(lang.L("New secret for %s"), f.orig.Name)
	}
	d := dialog.NewCustomWithoutButtons(title, f.body.box, f.d.win)
	d.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.dialog = d
	f.body.fit(d, profileFormWidth)
	f.dialog.Show()
}

// profileFormWidth is the profile form's width where the window allows:
// wide enough for most messages to fit on one line under their field.
const profileFormWidth = 760

// showRows shows the rows that apply: secrets when adding or rotating, the
// STS token and expiry for STS, the custom endpoint for a custom one.
func (f *profileForm) showRows() {
	if f.endpointRow == nil {
		return // still building
	}
	sts := f.sts.Checked
	custom := signing.EndpointKind(max(f.endpointKind.SelectedIndex(), 0)) == signing.EndpointCustom
	if f.mode == formRotate {
		sts = f.orig.Kind == credentials.KindSTS
		for _, r := range f.settingRows {
			r.setVisible(false)
		}
	} else {
		f.endpointRow.setVisible(custom)
		f.pathRow.setVisible(custom)
	}
	for _, r := range f.stsRows {
		r.setVisible(sts)
	}
	for _, r := range f.secretRows {
		if f.mode == formEdit {
			r.setVisible(false)
		}
	}
	if f.mode == formEdit {
		f.stsRows[1].setVisible(sts) // the expiry can be corrected; the token only with a new secret
	}
	if f.body != nil {
		f.body.relayout()
	}
}

// profile is the profile the form describes.
func (f *profileForm) profile() credentials.Profile {
	p := f.orig
	p.Name, p.AccessKeyID = strings.TrimSpace(f.name.Text), strings.TrimSpace(f.keyID.Text)
	if f.mode == formRotate {
		p.STSExpires, _ = f.stsExpires()
		return p
	}
	p.Kind, p.STSExpires = credentials.KindPermanent, time.Time{}
	if f.sts.Checked {
		p.Kind = credentials.KindSTS
		p.STSExpires, _ = f.stsExpires()
	}
	p.Region = signing.NormalizeRegion(f.region.Text)
	p.EndpointKind = signing.EndpointKind(max(f.endpointKind.SelectedIndex(), 0))
	p.Endpoint, p.PathStyle = "", false
	if p.EndpointKind == signing.EndpointCustom {
		p.Endpoint, p.PathStyle = strings.TrimSpace(f.endpoint.Text), f.pathStyle.Checked
	}
	p.Bucket, p.PageURL = strings.TrimSpace(f.bucket.Text), strings.TrimSpace(f.pageURL.Text)
	return p
}

// stsExpires reads the STS expiry as the command line does
// (signing.ParseExpiry): a duration such as 2h counts from now (from Save,
// when the profile is stored), or an RFC 3339 time as in the AssumeRole
// response.
func (f *profileForm) stsExpires() (time.Time, error) {
	return signing.ParseExpiry(f.expires.Text, f.d.svc.Now())
}

// problems checks every field that shows; each message is a sentence that
// says what to do.
func (f *profileForm) problems() map[string]string {
	out := map[string]string{}
	p := f.profile()
	sts := p.Kind == credentials.KindSTS
	if f.mode == formAdd {
		switch {
		case p.Name == "":
			out[pfName] = lang.L("Name the profile, for example work.")
		case credentials.ValidateName(p.Name) != nil:
			out[pfName] = lang.L("Use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
		case f.d.hasProfile(p.Name):
			out[pfName] = fmt.Sprintf(lang.L("A profile called %s exists already: choose another name, or close this and give that one a new secret."), p.Name)
		}
	}
	if p.AccessKeyID == "" {
		out[pfKeyID] = lang.L("Paste the AccessKey ID from the RAM console (it starts with LTAI), or STS. for temporary credentials.")
	} else if fe := signing.ValidateAccessKeyID(p.AccessKeyID); fe != nil {
		out[pfKeyID] = fieldMessage(fe) // the same rule as 'ossdrop profile add'
	}
	if f.mode != formEdit {
		if f.secret.Text == "" {
			out[pfSecret] = lang.L("Paste the AccessKey secret that belongs to this ID.")
		}
		if sts && f.token.Text == "" {
			out[pfToken] = lang.L("Paste the SecurityToken from the AssumeRole response.")
		}
	}
	if sts {
		at, err := f.stsExpires()
		switch {
		case err != nil:
			out[pfExpires] = lang.L("Write when the token expires: a duration such as 2h, or the Expiration of the AssumeRole response, such as 2026-12-01T18:00:00+08:00.")
		case !at.After(f.d.svc.Now()):
			out[pfExpires] = lang.L("This time has passed: the token has expired. Get new temporary credentials.")
		case credentials.CheckSTSExpires(p.Name, at, f.d.svc.Now()) != nil:
			out[pfExpires] = lang.L("An STS token lasts at most 12 hours (the role's MaxSessionDuration, 1 hour by default): write the Expiration of the AssumeRole response, or a duration of 12h or less.")
		}
	}
	if f.mode == formRotate {
		return out
	}
	req := signing.Request{Region: p.Region, EndpointKind: p.EndpointKind, Endpoint: p.Endpoint, PathStyle: p.PathStyle}
	for _, fe := range signing.FieldErrors(req.Validate(f.d.svc.Now())) {
		switch fe.Field {
		case signing.FieldRegion:
			out[pfRegion] = fieldMessage(fe)
		case signing.FieldEndpoint:
			out[pfEnd] = fieldMessage(fe)
		}
	}
	if p.Bucket != "" {
		if fe := signing.ValidateBucket(p.Bucket); fe != nil {
			out[pfBucket] = fieldMessage(fe)
		}
	}
	if p.PageURL != "" {
		if _, err := signing.ValidatePageURL(p.PageURL); err != nil {
			out[pfPage] = capitalize(err.Error())
		}
	}
	return out
}

// validate shows the messages of touched fields, the first one about an
// untouched empty field below the form, and enables Save only when there
// is none.
func (f *profileForm) validate() {
	if f.save == nil {
		return // still building
	}
	probs := f.problems()
	pending := ""
	for field, l := range f.errors {
		msg, bad := probs[field]
		if bad && !f.touched[field] && f.empty(field) {
			if pending == "" || field == pfName {
				pending = msg
			}
			bad = false
		}
		if bad {
			setOrHide(l, msg)
		} else {
			l.Hide()
		}
	}
	// The line stays, empty or not, so that the dialog keeps its size.
	f.pending.SetText(pending)
	if len(probs) > 0 {
		f.save.Disable()
	} else {
		f.save.Enable()
	}
	f.body.relayout()
}

// empty reports whether a field is as empty as a fresh form leaves it.
func (f *profileForm) empty(field string) bool {
	entries := map[string]*widget.Entry{pfName: f.name, pfKeyID: f.keyID, pfSecret: f.secret, pfToken: f.token, pfExpires: f.expires, pfEnd: f.endpoint}
	e, ok := entries[field]
	return ok && e.Text == ""
}

// onSave stores the profile off the UI goroutine; a failure is said in
// the form, which stays open with everything typed.
func (f *profileForm) onSave() {
	p := f.profile()
	sec := credentials.Secrets{AccessKeySecret: f.secret.Text}
	if p.Kind == credentials.KindSTS {
		sec.SecurityToken = f.token.Text
	}
	f.save.Disable()
	f.failure.Hide()
	store := f.d.svc.Profiles
	mode := f.mode
	go func() {
		var err error
		switch mode {
		case formAdd:
			err = store.Add(p, sec)
		case formEdit:
			err = store.Update(p)
		case formRotate:
			err = store.Rotate(p, sec)
		}
		toUI(func() { f.saved(err) })
	}()
}

// saved takes the store's answer; on the UI goroutine.
func (f *profileForm) saved(err error) {
	if err != nil {
		// Everything typed stays, the secret too: fix the cause, Save again.
		f.save.Enable()
		setOrHide(f.failure, errorSentence(err))
		f.body.relayout()
		return
	}
	f.dialog.Hide()
	f.d.reload()
}
