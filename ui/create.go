package ui

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

// Expiry presets; the last one reveals a free-text entry.
var expiryPresets = []struct {
	label string
	d     time.Duration
}{
	{"15 minutes", 15 * time.Minute}, {"1 hour", time.Hour}, {"1 day", 24 * time.Hour}, {"7 days", signing.MaxExpiry}, {"Custom…", 0},
}

// Content types offered in the picker; any other can be typed.
var commonContentTypes = []string{
	"application/pdf", "application/zip", "application/octet-stream", "image/jpeg", "image/png",
	"text/plain", "text/csv", "video/mp4", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// createTab is the owner's "Create link" tab: the form on the left of the
// scroll, the result card below it once a link exists.
type createTab struct {
	win fyne.Window
	svc *Services
	// onTestUpload opens the Upload tab with a link filled in.
	onTestUpload func(shareLink string)
	// onHistoryChanged refreshes the History tab.
	onHistoryChanged func()
	// onResult brings a new result card into view.
	onResult func(fyne.CanvasObject)
	// onProfilesChanged reloads the profiles (the Browser uploads dialog
	// saves a profile's upload page).
	onProfilesChanged func()

	profiles []credentials.Profile
	sandbox  *Sandbox

	profile      *widget.Select
	bucket, key  *widget.Entry
	expiry       *widget.Select
	customExpiry *widget.Entry
	expiryAt     *widget.Label
	contentType  *widget.SelectEntry
	storageClass *widget.Select
	acl          *widget.Select
	protect      *widget.Check
	meta         *pairList
	callback     *callbackSection
	fieldErrors  map[string]*widget.Label
	touched      map[string]bool
	pending      *widget.Label
	formError    *widget.Label
	create       *widget.Button
	busy         *widget.ProgressBarInfinite

	result  *resultCard
	content *fyne.Container

	// many switches the form to a request link (create_request.go);
	// keyRow is labelled Object key or Folder, and the size rows show for
	// a request link only.
	many                *requestSection
	keyRow              *formRow
	sizeRow, explainRow *formRow
	pick                *widget.Button
	// resultFor is the form as it was when the shown result was made: a
	// form edited since no longer describes that link, so the card goes.
	resultFor string

	// taken says, under the key, that the key already holds a file and a
	// protected link for it could store nothing (takennote.go).
	taken *takenNote

	// clock checks the form again every second while the tab shows: the
	// "Until …" line was worked out once and went stale, and an STS
	// token or a typed expiry time can pass while the form is open.
	clock ticker
}

// shown starts or stops the form's clock as the tab shows or hides.
func (t *createTab) shown(visible bool) {
	if !visible {
		t.clock.cancel()
		return
	}
	t.clock.start(t.validate)
}

func newCreateTab(win fyne.Window, svc *Services) *createTab {
	t := &createTab{win: win, svc: svc, fieldErrors: map[string]*widget.Label{}, touched: map[string]bool{}}
	t.buildUI()
	return t
}

func (t *createTab) buildUI() {
	changed := func(string) { t.validate() }
	t.profile = widget.NewSelect(nil, func(string) { t.onProfileChanged() })
	t.profile.PlaceHolder = lang.L("Choose a profile")
	// An empty bucket or key is reported only once the field was filled in:
	// a fresh form should invite typing, not greet with errors.
	touch := func(field string) func(string) {
		return func(text string) {
			if text != "" {
				t.touched[field] = true
			}
			t.validate()
		}
	}
	t.bucket = &widget.Entry{PlaceHolder: "my-bucket", OnChanged: touch(signing.FieldBucket)}
	t.key = &widget.Entry{PlaceHolder: lang.L("uploads/report.pdf"), OnChanged: touch(signing.FieldKey)}
	t.pick = &widget.Button{Text: lang.L("Pick a sample file…"), OnTapped: t.onPickSample}

	var presetLabels []string
	for _, p := range expiryPresets {
		presetLabels = append(presetLabels, lang.L(p.label))
	}
	t.customExpiry = &widget.Entry{PlaceHolder: lang.L("90m, 2d or 2026-12-01T18:00:00+08:00"), OnChanged: touch(fieldCustomExpiry)}
	t.customExpiry.Hide()
	t.expiry = widget.NewSelect(presetLabels, func(string) {
		if t.expiry.SelectedIndex() == len(expiryPresets)-1 {
			t.customExpiry.Show()
		} else {
			t.customExpiry.Hide()
		}
		t.validate()
	})
	t.expiryAt = &widget.Label{Importance: widget.LowImportance}

	t.contentType = widget.NewSelectEntry(commonContentTypes)
	t.contentType.PlaceHolder = lang.L("Not bound: any type is accepted")
	t.contentType.OnChanged = changed
	t.storageClass = widget.NewSelect(append([]string{lang.L("Bucket default")}, signing.StorageClasses...), func(string) { t.validate() })
	t.acl = widget.NewSelect([]string{lang.L("Inherit from bucket"), "private", "public-read", "public-read-write"}, func(string) { t.validate() })
	t.protect = &widget.Check{Text: lang.L("Overwrite protection"), Checked: true, OnChanged: func(bool) { t.validate() }}
	t.meta = newPairList(lang.L("Add metadata"), lang.L("name"), lang.L("value"), t.validate)
	t.callback = newCallbackSection(t.validate, func() { t.touched[fieldCallbackURLs] = true })

	t.create = &widget.Button{Text: lang.L("Create link"), Importance: widget.HighImportance, Icon: nil, OnTapped: t.onCreate}
	t.busy = widget.NewProgressBarInfinite()
	t.busy.Stop()
	t.busy.Hide()
	t.pending = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	t.formError = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	t.formError.Hide()

	t.many = newRequestSection(t.onModeChanged)
	grid := newFormGrid()
	grid.add(lang.L("Profile"), t.withError(t.profile, signing.FieldCredentials))
	grid.add(lang.L("Bucket"), t.withError(t.bucket, signing.FieldBucket))
	t.keyRow = grid.add(lang.L("Object key"), t.withError(container.NewBorder(nil, nil, nil, t.pick, t.key), signing.FieldKey))
	t.taken = newTakenNote(grid, func(key string) { t.key.SetText(key) }, func() { t.createLink(true) })
	t.fieldErrors[signing.FieldPrefix] = t.fieldErrors[signing.FieldKey] // the key field holds the folder
	grid.add(lang.L("Expires in"), t.withError(container.NewVBox(t.expiry, t.customExpiry, t.expiryAt), signing.FieldExpiry))
	grid.add(lang.L("Content type"), t.withError(t.contentType, signing.FieldContentType))
	t.sizeRow = grid.add(lang.L("File size"), t.withError(t.many.sizes, signing.FieldSize))
	t.explainRow = grid.add("", t.many.explain)
	grid.add(lang.L("Storage class"), t.withError(t.storageClass, signing.FieldStorageClass))
	grid.add(lang.L("ACL"), t.withError(t.acl, signing.FieldACL))
	grid.add("", container.NewVBox(t.protect, &widget.Label{
		Text:       lang.L("On: the link cannot replace an existing object, and its plain URL works only with the header x-oss-forbid-overwrite: true (the share link and the curl command carry it; a browser or plain HTTP client does not). Off: any client can use the plain URL as it is (when nothing else is bound), and every use until expiry replaces the object."),
		Wrapping:   textWrap(),
		Importance: widget.LowImportance,
	}))
	grid.add(lang.L("Metadata"), t.withError(t.meta.container, signing.FieldMetadata))
	t.sizeRow.setVisible(false)
	t.explainRow.setVisible(false)
	// The callback's messages sit under its own fields (callback.go); this
	// one is for a problem none of them owns.
	callback := widget.NewAccordion(widget.NewAccordionItem(lang.L("Upload callback"), t.withError(t.callback.container, signing.FieldCallback)))

	t.result = newResultCard(t.win, t.svc, t.onDownloadLink, func(share string) {
		if t.onTestUpload != nil {
			t.onTestUpload(share)
		}
	})
	t.result.page.onBrowserUploads = t.onBrowserUploads
	t.content = container.NewVBox(t.many.choice, grid.box, callback, t.formError, container.NewHBox(t.create), t.pending, t.busy, t.result.container)
	t.expiry.SetSelectedIndex(1)
	t.storageClass.SetSelectedIndex(0)
	t.acl.SetSelectedIndex(0)
	t.validate()
}

// withError stacks a field and the label that shows its validation message.
func (t *createTab) withError(field fyne.CanvasObject, name string) fyne.CanvasObject {
	msg := &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	msg.Hide()
	t.fieldErrors[name] = msg
	return container.NewVBox(field, msg)
}

// setProfiles replaces the profile list, keeping the selection if it still exists.
func (t *createTab) setProfiles(profiles []credentials.Profile, sandbox *Sandbox) {
	t.profiles, t.sandbox = profiles, sandbox
	var labels []string
	if sandbox != nil {
		labels = append(labels, profileLabel(sandbox.Profile.Name))
	}
	for _, p := range profiles {
		labels = append(labels, profileLabel(p.Name))
	}
	selected := t.profile.Selected
	t.profile.SetOptions(labels)
	switch {
	case slices.Contains(labels, selected):
		t.profile.SetSelected(selected)
	case sandbox != nil:
		t.selectProfile(sandbox.Profile.Name)
	default:
		for _, p := range profiles {
			if p.Default {
				t.selectProfile(p.Name)
			}
		}
		if t.profile.Selected == "" && len(labels) > 0 {
			t.profile.SetSelected(labels[0])
		}
	}
	t.validate()
}

// selectProfile chooses the profile of that name (the list shows labels).
func (t *createTab) selectProfile(name string) {
	t.profile.SetSelected(profileLabel(name))
}

// selectedProfile returns the chosen profile (the sandbox's included).
func (t *createTab) selectedProfile() (credentials.Profile, bool) {
	label := t.profile.Selected
	if t.sandbox != nil && label == profileLabel(t.sandbox.Profile.Name) {
		return t.sandbox.Profile, true
	}
	for _, p := range t.profiles {
		if profileLabel(p.Name) == label {
			return p, true
		}
	}
	return credentials.Profile{}, false
}

func (t *createTab) onProfileChanged() {
	if p, ok := t.selectedProfile(); ok && p.Bucket != "" && (t.bucket.Text == "" || t.isSomeProfileBucket(t.bucket.Text)) {
		t.bucket.SetText(p.Bucket)
	}
	t.validate()
}

// isSomeProfileBucket reports whether the bucket field still holds a
// profile's default, which switching profiles may replace.
func (t *createTab) isSomeProfileBucket(bucket string) bool {
	if t.sandbox != nil && t.sandbox.Profile.Bucket == bucket {
		return true
	}
	for _, p := range t.profiles {
		if p.Bucket == bucket {
			return true
		}
	}
	return false
}

// request builds a signing request from the form. Until Create, the
// keychain is not read: the credentials carry only what validation needs.
func (t *createTab) request() (signing.Request, error) {
	p, _ := t.selectedProfile()
	req := signing.Request{
		Region: p.Region, EndpointKind: p.EndpointKind, Endpoint: p.Endpoint, PathStyle: p.PathStyle,
		Bucket: strings.TrimSpace(t.bucket.Text), Key: t.key.Text, Method: signing.MethodPut,
		ContentType: strings.TrimSpace(t.contentType.Text), AllowOverwrite: !t.protect.Checked,
		Credentials: signing.Credentials{AccessKeyID: p.AccessKeyID, TokenExpires: p.STSExpires},
	}
	if p.Name != "" {
		req.Credentials.AccessKeySecret = "(read from the keychain when signing)"
		if p.Kind == credentials.KindSTS {
			req.Credentials.SecurityToken = "(read from the keychain when signing)"
		}
	}
	if i := t.storageClass.SelectedIndex(); i > 0 {
		req.StorageClass = signing.StorageClasses[i-1]
	}
	if i := t.acl.SelectedIndex(); i > 0 {
		req.ACL = t.acl.Selected
	}
	var err error
	if req.Expires, req.ExpiresAt, err = t.expiryChoice(); err != nil {
		return req, &signing.FieldError{Field: signing.FieldExpiry, Err: signing.ErrExpiryTooShort, Msg: lang.L("Type a duration such as 90m or 2d, or a time such as 2026-12-01T18:00:00+08:00.")}
	}
	if req.Metadata, err = t.meta.values(); err != nil {
		return req, &signing.FieldError{Field: signing.FieldMetadata, Err: signing.ErrMetaName, Msg: err.Error()}
	}
	if req.Callback, err = t.callback.value(); err != nil {
		return req, &signing.FieldError{Field: signing.FieldCallback, Err: signing.ErrCallbackVarName, Msg: err.Error()}
	}
	if t.many != nil && t.many.many() {
		return req, t.many.apply(&req)
	}
	return req, nil
}

// expiryChoice is the chosen validity: a duration counted from the signing
// instant (a preset, or "90m" typed), or an instant typed in RFC 3339.
func (t *createTab) expiryChoice() (time.Duration, time.Time, error) {
	i := t.expiry.SelectedIndex()
	if i >= 0 && i < len(expiryPresets)-1 {
		return expiryPresets[i].d, time.Time{}, nil
	}
	d, at, err := signing.ParseValidity(t.customExpiry.Text)
	if err == nil && at.IsZero() && d <= 0 {
		// A zero duration would mean the default to signing: say it.
		err = signing.ErrExpiryTooShort
	}
	return d, at, err
}

// expiryInstant is when a link signed now would expire, for the form to show.
func (t *createTab) expiryInstant() (time.Time, error) {
	d, at, err := t.expiryChoice()
	if err != nil || !at.IsZero() {
		return at, err
	}
	return t.svc.Now().Add(d), nil
}

// validate checks the form with the signing rules, shows each message
// beside its field, and enables Create only when all is well.
func (t *createTab) validate() {
	if t.create == nil || t.result == nil {
		return // still building
	}
	for _, l := range t.fieldErrors {
		l.Hide()
	}
	t.callback.hideErrors()
	now := t.svc.Now()
	req, err := t.request()
	if err == nil {
		err = req.Validate(now)
	}
	if _, ok := t.selectedProfile(); !ok {
		err = errors.Join(err, &signing.FieldError{Field: signing.FieldCredentials, Err: signing.ErrCredentials,
			Msg: lang.L("Add a profile or try the local sandbox first.")})
	}
	t.callback.refreshPreview()
	fes := signing.FieldErrors(err)
	pending := ""
	expiryWrong := false
	for _, fe := range fes {
		if t.untouchedAndEmpty(fe) {
			if pending == "" {
				pending = fieldMessage(fe)
			}
			continue
		}
		expiryWrong = expiryWrong || fe.Field == signing.FieldExpiry
		if l := t.errorLabel(fe); l != nil && !l.Visible() {
			l.SetText(fieldMessage(fe))
			l.Show()
		}
	}
	// "Until …" beside a message that the expiry is wrong would contradict it.
	if at, perr := t.expiryInstant(); perr == nil && !expiryWrong {
		setOrHide(t.expiryAt, fmt.Sprintf(lang.L("Until %s (%s)"), formatDateTime(at, now), untilText(at, now)))
	} else {
		setOrHide(t.expiryAt, "")
	}
	setOrHide(t.pending, pending)
	if len(fes) > 0 {
		t.create.Disable()
	} else {
		t.create.Enable()
	}
	if t.result.container.Visible() && t.resultFor != formPrint(t.profile.Selected, req) {
		t.result.hide()
	}
	t.taken.formChanged(formPrint(t.profile.Selected, req))
}

// formPrint is the form's request in a comparable form, credentials left
// out (they are placeholders until Create).
func formPrint(profile string, req signing.Request) string {
	req.Credentials = signing.Credentials{}
	return fmt.Sprintf("%s %+v %+v", profile, req, req.Callback)
}

// errorLabel is where a field's message shows: under the field, or for the
// callback under its own part of the callback section.
func (t *createTab) errorLabel(fe *signing.FieldError) *widget.Label {
	if fe.Field == signing.FieldCallback {
		if l := t.callback.errorLabel(fe); l != nil {
			return l
		}
	}
	return t.fieldErrors[fe.Field]
}

// Fields that are not signing's own but are touched like them.
const (
	fieldCustomExpiry = "custom expiry"
	fieldCallbackURLs = "callback URLs"
)

// untouchedAndEmpty reports whether the field a message is about is still
// as it opened, empty and never filled in: a fresh form, a Custom expiry
// just chosen or a callback just turned on invite typing, and a message
// about them waits below the form instead of in red.
func (t *createTab) untouchedAndEmpty(fe *signing.FieldError) bool {
	switch fe.Field {
	case signing.FieldBucket:
		return t.bucket.Text == "" && !t.touched[fe.Field]
	case signing.FieldKey, signing.FieldPrefix:
		return t.key.Text == "" && !t.touched[signing.FieldKey]
	case signing.FieldExpiry:
		return t.customExpiry.Visible() && t.customExpiry.Text == "" && !t.touched[fieldCustomExpiry]
	case signing.FieldCallback:
		return errors.Is(fe, signing.ErrCallbackURL) && strings.TrimSpace(t.callback.urls.Text) == "" && !t.touched[fieldCallbackURLs]
	}
	return false
}

func (t *createTab) onPickSample() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		name := r.URI().Name()
		dir := ""
		if i := strings.LastIndex(t.key.Text, "/"); i >= 0 {
			dir = t.key.Text[:i+1]
		}
		t.key.SetText(dir + name)
		head := make([]byte, 512)
		n, _ := r.Read(head)
		t.contentType.SetText(detectContentType(name, head[:n]))
	}, t.win)
	d.SetTitleText(lang.L("Choose a sample file")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
	d.Show()
}

// detectContentType prefers the extension (what browsers send) and falls
// back to sniffing the first bytes.
func detectContentType(name string, head []byte) string {
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return http.DetectContentType(head)
}

func (t *createTab) onCreate() { t.createLink(false) }

// createLink signs the form's link; anyway makes a protected link even for
// a key that holds a file (the owner read why not, and will free the key).
func (t *createTab) createLink(anyway bool) {
	req, err := t.request()
	if err != nil {
		t.validate()
		return
	}
	profile, _ := t.selectedProfile()
	sandbox := t.sandbox
	if req.Method == signing.MethodPost {
		t.createRequestLink(req, profile, sandbox)
		return
	}
	// The form as it reads now, its profile by label as validate sees it
	// (the sandbox's label is not its name in Chinese, "本地沙箱"): the card
	// and the note below belong to it.
	form := formPrint(t.profile.Selected, req)
	t.setBusy(true)
	go func() {
		link, kept, check, err := t.sign(profile, sandbox, req, anyway)
		toUI(func() {
			t.setBusy(false)
			switch {
			case err != nil:
				t.showError(err)
				return
			case link == nil:
				t.formError.Hide()
				t.taken.show(form, req, check, t.svc.Now())
				return
			}
			t.result.page.pageURL = profile.PageURL
			t.result.show(link, req)
			t.resultShown(form, kept)
		})
	}()
}

// resultShown finishes a link the card now shows (an upload or a request
// link): the form's notes go, the card belongs to form, and the window and
// History hear of it.
func (t *createTab) resultShown(form string, kept bool) {
	t.formError.Hide()
	t.taken.hide()
	t.resultFor = form
	t.result.showKept(kept)
	if t.onResult != nil {
		t.onResult(t.result.container)
	}
	if t.onHistoryChanged != nil {
		t.onHistoryChanged()
	}
}

func (t *createTab) onDownloadLink(req signing.Request) {
	profile, _ := t.selectedProfile()
	sandbox := t.sandbox
	get := req
	get.Method, get.ContentType, get.StorageClass, get.ACL, get.Metadata, get.Callback, get.ContentMD5 = signing.MethodGet, "", "", "", nil, nil, ""
	go func() {
		var link *signing.Link
		creds, err := t.credentials(profile, sandbox)
		if err == nil {
			get.Credentials = creds
			link, _, err = t.svc.presignAndRecord(profile, get, keyCheck{})
		}
		note := ""
		if err == nil {
			note = storedNote(get, link)
		}
		toUI(func() {
			if err != nil {
				t.showError(err)
				return
			}
			showLinkDialog(t.win, lang.L("Download link"), link.URL, note)
			if t.onHistoryChanged != nil {
				t.onHistoryChanged()
			}
		})
	}()
}

// storedNote says whether the object a download link fetches is there
// yet (a HEAD with the link's own credentials): a download link made
// right after the upload link usually comes before the file. Off the UI
// goroutine.
func storedNote(get signing.Request, link *signing.Link) string {
	c, err := bucket.New(get)
	var info *bucket.ObjectInfo
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		info, err = c.Head(ctx, get.Key)
	}
	until := formatDateTime(link.ExpiresAt, time.Now())
	switch {
	case errors.Is(err, bucket.ErrNotFound):
		return fmt.Sprintf(lang.L("Nothing is stored at %s yet: until a file is uploaded there, this link answers 404 NoSuchKey. Once it has arrived, anyone with the link can download it until %s."), get.Key, until)
	case err != nil:
		return fmt.Sprintf(lang.L("Whether %s is stored yet could not be checked (%s). Once it is, anyone with the link can download it until %s."), get.Key, ownerErrorText(err, false), until)
	}
	return fmt.Sprintf(lang.L("%s is stored (%s): anyone with the link can download it until %s."), get.Key, formatSize(info.Size), until)
}

func (t *createTab) setBusy(busy bool) {
	if busy {
		t.create.Disable()
		t.busy.Show()
		t.busy.Start()
		return
	}
	t.busy.Stop()
	t.busy.Hide()
	t.validate()
}

// showError puts a failed Create's sentence and hint under the form.
func (t *createTab) showError(err error) {
	t.formError.SetText(errorSentence(err))
	t.formError.Show()
}

// errorSentence turns an error from signing or the keychain into words for
// the UI: the sentence and, where there is one, what to do.
func errorSentence(err error) string {
	var ce *credentials.Error
	if errors.As(err, &ce) {
		return capitalize(ce.Msg) + ".\n" + capitalize(ce.Hint) + "."
	}
	if fes := signing.FieldErrors(err); len(fes) > 0 {
		var lines []string
		for _, fe := range fes {
			lines = append(lines, fieldMessage(fe))
		}
		return strings.Join(lines, "\n")
	}
	return capitalize(err.Error())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// untilText says "in 59 minutes" or "expired 3 minutes ago".
func untilText(at, now time.Time) string {
	if at.Before(now) {
		return fmt.Sprintf(lang.L("expired %s ago"), humanDuration(now.Sub(at)))
	}
	return fmt.Sprintf(lang.L("in %s"), humanDuration(at.Sub(now)))
}
