package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// Link kinds the Create tab offers.
var (
	modeOneFile   = "One file"
	modeManyFiles = "Many files"
)

// requestSection is the Create tab's choice between one file (a PUT link)
// and many files (a request link: a folder, and limits on every file).
// Its size row and explanation sit in the tab's form, shown for many files.
type requestSection struct {
	choice           *widget.RadioGroup
	minSize, maxSize *widget.Entry
	sizes            *fyne.Container
	explain          *widget.Label
	// wasMany is the mode the key field was last set up for; otherKey is
	// what it held in the other mode, put back when the mode comes back,
	// and switched is set once it holds anything.
	wasMany  bool
	otherKey string
	switched bool
}

func newRequestSection(onChanged func()) *requestSection {
	s := &requestSection{}
	s.choice = &widget.RadioGroup{Options: []string{lang.L(modeOneFile), lang.L(modeManyFiles)}, Horizontal: true, Required: true, OnChanged: func(string) { onChanged() }}
	s.choice.Selected = s.choice.Options[0]
	changed := func(string) { onChanged() }
	s.minSize = &widget.Entry{PlaceHolder: lang.L("no minimum"), OnChanged: changed}
	// Sizes are in powers of 1024 as typed and as shown: "200 MiB" comes
	// back as 200.0 MiB.
	s.maxSize = &widget.Entry{PlaceHolder: lang.L("5 GiB, the most OSS takes"), Text: "200 MiB", OnChanged: changed}
	s.sizes = container.New(layout.NewGridLayoutWithColumns(3), s.minSize, widget.NewLabelWithStyle(lang.L("to"), fyne.TextAlignCenter, fyne.TextStyle{}), s.maxSize)
	s.explain = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance,
		Text: lang.L("Many files: one link takes any number of files into the folder, each within the size range, never replacing a stored file while overwrite protection is on. Sizes take units in powers of 1024: 1, 500 KiB, 200 MiB, 2 GiB. A content type ending in / (image/) takes every type that starts with it.")}
	return s
}

// many reports whether the owner chose a request link.
func (s *requestSection) many() bool { return s.choice.Selected == lang.L(modeManyFiles) }

// apply turns a one-file request from the form into a request link: the
// key field holds the folder, the sizes are parsed, and a content type
// ending in "/" becomes a type prefix.
func (s *requestSection) apply(req *signing.Request) error {
	req.Method, req.Prefix, req.Key = signing.MethodPost, req.Key, ""
	if strings.HasSuffix(req.ContentType, "/") {
		req.ContentTypePrefix, req.ContentType = req.ContentType, ""
	}
	var err error
	if v := strings.TrimSpace(s.minSize.Text); v != "" {
		if req.MinSize, err = signing.ParseSize(v); err != nil {
			return &signing.FieldError{Field: signing.FieldSize, Err: signing.ErrSizeRange, Msg: lang.L("Write sizes as 1, 500 KiB, 200 MiB or 2 GiB.")}
		}
	}
	if v := strings.TrimSpace(s.maxSize.Text); v != "" {
		if req.MaxSize, err = signing.ParseSize(v); err != nil || req.MaxSize == 0 {
			return &signing.FieldError{Field: signing.FieldSize, Err: signing.ErrSizeRange, Msg: lang.L("Write sizes as 1, 500 KiB, 200 MiB or 2 GiB.")}
		}
	}
	return nil
}

// onModeChanged switches the form between one file and many files.
func (t *createTab) onModeChanged() {
	if t.many == nil || t.keyRow == nil {
		return // still building
	}
	many := t.many.many()
	if many != t.many.wasMany {
		t.swapKey(many)
	}
	if many {
		t.keyRow.setLabel(lang.L("Folder"))
		t.key.SetPlaceHolder(lang.L("in/acme/"))
		t.contentType.SetPlaceHolder(lang.L("Any type; image/ takes every image"))
		t.pick.Hide()
	} else {
		t.keyRow.setLabel(lang.L("Object key"))
		t.key.SetPlaceHolder(lang.L("uploads/report.pdf"))
		t.contentType.SetPlaceHolder(lang.L("Not bound: any type is accepted"))
		t.pick.Show()
	}
	t.sizeRow.setVisible(many)
	t.explainRow.setVisible(many)
	t.validate()
}

// swapKey gives the key field what it held the last time the form was in
// the chosen mode: an object key is no folder (hello.txt carried into
// Folder was met with a red error the user had not caused), and a folder
// no object key. The first time Many files is chosen, the folder is that
// of the object key, if it has one.
func (t *createTab) swapKey(many bool) {
	text := t.many.otherKey
	if !t.many.switched && many {
		text = ""
		if i := strings.LastIndex(t.key.Text, "/"); i >= 0 {
			text = t.key.Text[:i+1]
		}
	}
	t.many.otherKey, t.many.switched, t.many.wasMany = t.key.Text, true, many
	t.touched[signing.FieldKey] = false // an empty field waits to be typed in
	t.key.SetText(text)
}

// createRequestLink signs a request link off the UI goroutine and shows it.
func (t *createTab) createRequestLink(req signing.Request, profile credentials.Profile, sandbox *Sandbox) {
	t.setBusy(true)
	t.result.page.pageURL = profile.PageURL
	go func() {
		l, kept, err := t.signRequestLink(profile, sandbox, req)
		toUI(func() { t.showRequestLink(req, l, kept, err) })
	}()
}

// signRequestLink reads the secrets, signs and records the link; off the
// UI goroutine. kept is false when the history could not keep the link.
func (t *createTab) signRequestLink(profile credentials.Profile, sandbox *Sandbox, req signing.Request) (l *signing.RequestLink, kept bool, err error) {
	c, err := t.credentials(profile, sandbox)
	if err != nil {
		return nil, false, err
	}
	req.Credentials = c
	l, err = signing.NewRequestLink(req, t.svc.Now())
	if err != nil {
		return nil, false, err
	}
	e := history.NewRequestEntry(profile.Name, req, l, t.svc.Now())
	if profile.PageURL != "" {
		if _, err := l.PageLink(profile.PageURL); err == nil {
			e.PageURL = profile.PageURL
		}
	}
	return l, t.svc.record(e, l.ShareLink()), nil
}

// showRequestLink takes a signed request link (or why not); on the UI goroutine.
func (t *createTab) showRequestLink(req signing.Request, l *signing.RequestLink, kept bool, err error) {
	t.setBusy(false)
	if err != nil {
		t.showError(err)
		return
	}
	t.result.showRequest(l, req)
	t.resultShown(formPrint(t.profile.Selected, req), kept)
}

// showRequest fills the result card with a request link: the share link,
// where the form goes, what it takes, the curl command and the QR code.
func (r *resultCard) showRequest(l *signing.RequestLink, req signing.Request) {
	r.link, r.req = nil, req
	r.shareText, r.urlText, r.expires = l.ShareLink(), l.URL, l.ExpiresAt
	r.setCurl(func(sh signing.Shell) string { return l.CurlIn(sh, "") })
	r.title.SetText(fmt.Sprintf(lang.L("Request link for %s/%s, valid until %s"), l.Bucket, l.ObjectKey(""), formatDateTime(l.ExpiresAt, r.svc.Now())))
	r.shareTitle.SetText(lang.L("Share link (carries its form fields)"))
	r.shareAbout.SetText(lang.L("For OSS Drop, ossdrop upload and the upload page: the part after # holds the signed form fields."))
	r.urlTitle.SetText(lang.L("Form address (POST)"))
	r.urlAbout.SetText(lang.L("Where the form goes: a client posts the fields of the curl command below to it."))
	r.headersTitle.SetText(lang.L("What the link takes"))
	r.download.Hide()
	r.share.SetText(r.shareText)
	r.url.SetText(r.urlText)
	r.urlNote.Hide() // a form takes its fields in the body: no headers to warn about
	r.headers.RemoveAll()
	for _, row := range requestRows(l) {
		r.headers.Add(&widget.Label{Text: row[0]})
		r.headers.Add(&widget.Label{Text: row[1], Wrapping: textWrap()})
	}
	r.page.fill(signing.PageKindRequest, r.shareText)
	r.renderQR()
	r.container.Show()
	r.startCountdown()
}

// requestRows says what a request link takes, as label/value rows for the
// result card and the Upload tab.
func requestRows(l *signing.RequestLink) [][2]string {
	var rows [][2]string
	if l.Key != "" {
		rows = append(rows, [2]string{lang.L("File"), l.Key})
	} else {
		rows = append(rows, [2]string{lang.L("Folder"), l.Prefix})
	}
	sizes := fmt.Sprintf(lang.L("up to %s"), formatSize(l.MaxSize))
	if l.MinSize > 0 {
		sizes = fmt.Sprintf(lang.L("%s to %s"), formatSize(l.MinSize), formatSize(l.MaxSize))
	}
	rows = append(rows, [2]string{lang.L("File size"), sizes})
	types := lang.L("any")
	switch {
	case l.ContentType != "":
		types = l.ContentType
	case l.ContentTypePrefix != "":
		types = l.ContentTypePrefix + "…"
	}
	rows = append(rows, [2]string{lang.L("Types"), types})
	protection := lang.L("on: a stored file is never replaced")
	if !l.ForbidOverwrite {
		protection = lang.L("off: a file of the same name replaces the stored one")
	}
	rows = append(rows, [2]string{lang.L("Overwrite protection"), protection})
	if l.Callback != "" {
		rows = append(rows, [2]string{lang.L("Callback"), lang.L("OSS notifies the sender's server after each file")})
	}
	return rows
}

// credentials returns what signs for profile: the sandbox's in-memory
// pair, or the profile's from the keychain. Off the UI goroutine.
func (t *createTab) credentials(profile credentials.Profile, sandbox *Sandbox) (signing.Credentials, error) {
	if sandbox != nil && profile.Name == sandbox.Profile.Name {
		return sandbox.Credentials, nil
	}
	_, creds, err := t.svc.Profiles.Load(profile.Name)
	return creds, err
}
