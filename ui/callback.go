package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// callbackSection is the collapsed "Upload callback" part of the form:
// OSS POSTs to the owner's server after the upload and hands the server's
// answer back to the uploader.
type callbackSection struct {
	enabled   *widget.Check
	urls      *widget.Entry
	host      *widget.Entry
	body      *widget.Entry
	bodyType  *widget.RadioGroup
	sni       *widget.Check
	vars      *pairList
	preview   *widget.Label
	fields    *fyne.Container
	container *fyne.Container
	// Each part's message sits under it, not under the whole section.
	urlsError, hostError, bodyError, varsError *widget.Label
}

// Body types as the radio group shows them.
const (
	bodyTypeForm = "form"
	bodyTypeJSON = "JSON"
)

// newCallbackSection builds the section; onChanged runs on every change,
// and onURLsTyped once the URLs field has had text, so that an empty one is
// an error only after that.
func newCallbackSection(onChanged, onURLsTyped func()) *callbackSection {
	c := &callbackSection{}
	changed := func(string) { onChanged() }
	c.enabled = &widget.Check{Text: lang.L("Call my server after the upload"), OnChanged: func(on bool) {
		if on {
			c.fields.Show()
		} else {
			c.fields.Hide()
		}
		onChanged()
	}}
	c.urls = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: lang.L("https://example.com/oss-callback (one per line, up to 5)"), OnChanged: func(text string) {
		if text != "" {
			onURLsTyped()
		}
		onChanged()
	}}
	c.urls.SetMinRowsVisible(2)
	c.host = &widget.Entry{PlaceHolder: lang.L("Host header (optional)"), OnChanged: changed}
	c.body = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapBreak, Text: "bucket=${bucket}&object=${object}&size=${size}&etag=${etag}&mimeType=${mimeType}", OnChanged: changed}
	c.body.SetMinRowsVisible(2)
	var inserts []fyne.CanvasObject
	for _, v := range []string{"${object}", "${size}", "${etag}", "${mimeType}", "${bucket}"} {
		inserts = append(inserts, &widget.Button{Text: v, Importance: widget.LowImportance, OnTapped: func() { c.insert(v) }})
	}
	c.bodyType = widget.NewRadioGroup([]string{bodyTypeForm, bodyTypeJSON}, func(string) { onChanged() })
	c.bodyType.Horizontal = true
	c.bodyType.Required = true
	c.bodyType.SetSelected(bodyTypeForm)
	c.sni = &widget.Check{Text: lang.L("Send SNI (for HTTPS servers that need it)"), OnChanged: func(bool) { onChanged() }}
	c.vars = newPairList(lang.L("Add custom variable"), "x:name", lang.L("value"), onChanged)
	varButtons := &widget.Button{Text: "${x:…}", Importance: widget.LowImportance, OnTapped: func() {
		if vars, err := c.vars.values(); err == nil {
			for name := range vars {
				c.insert("${" + name + "}")
				return
			}
		}
	}}
	c.preview = &widget.Label{Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Monospace: true}, Importance: widget.LowImportance}
	errorLabel := func() *widget.Label {
		l := &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
		l.Hide()
		return l
	}
	c.urlsError, c.hostError, c.bodyError, c.varsError = errorLabel(), errorLabel(), errorLabel(), errorLabel()
	form := newFormGrid()
	form.add(lang.L("Server URLs"), container.NewVBox(c.urls, c.urlsError))
	form.add(lang.L("Host"), container.NewVBox(c.host, c.hostError))
	form.add(lang.L("Body template"), container.NewVBox(c.body, container.NewHBox(append(inserts, varButtons)...), c.bodyError))
	form.add(lang.L("Body type"), c.bodyType)
	form.add("", c.sni)
	form.add(lang.L("Custom variables"), container.NewVBox(c.vars.container, c.varsError))
	form.add(lang.L("What OSS receives"), c.preview)
	c.fields = container.NewVBox(form.box)
	c.fields.Hide()
	c.container = container.NewVBox(c.enabled, c.fields)
	return c
}

// errorLabel is the label under the part of the section a callback
// message is about; nil for one no part owns.
func (c *callbackSection) errorLabel(fe *signing.FieldError) *widget.Label {
	switch {
	case errors.Is(fe, signing.ErrCallbackURL):
		return c.urlsError
	case errors.Is(fe, signing.ErrCallbackHost):
		return c.hostError
	case errors.Is(fe, signing.ErrCallbackBody):
		return c.bodyError
	case errors.Is(fe, signing.ErrCallbackVarName):
		return c.varsError
	}
	return nil
}

// hideErrors clears the part messages before a new validation.
func (c *callbackSection) hideErrors() {
	for _, l := range []*widget.Label{c.urlsError, c.hostError, c.bodyError, c.varsError} {
		l.Hide()
	}
}

// insert puts a variable at the body's cursor.
func (c *callbackSection) insert(v string) {
	text := []rune(c.body.Text)
	pos := min(c.cursorOffset(), len(text))
	c.body.SetText(string(text[:pos]) + v + string(text[pos:]))
}

// cursorOffset converts the entry's row/column cursor into a rune offset.
func (c *callbackSection) cursorOffset() int {
	lines := strings.Split(c.body.Text, "\n")
	off := 0
	for i := 0; i < c.body.CursorRow && i < len(lines); i++ {
		off += len([]rune(lines[i])) + 1
	}
	return off + c.body.CursorColumn
}

// value returns the callback, nil when it is off.
func (c *callbackSection) value() (*signing.Callback, error) {
	if !c.enabled.Checked {
		return nil, nil
	}
	cb := &signing.Callback{Host: strings.TrimSpace(c.host.Text), Body: c.body.Text, SNI: c.sni.Checked, BodyType: signing.CallbackBodyForm}
	if c.bodyType.Selected == bodyTypeJSON {
		cb.BodyType = signing.CallbackBodyJSON
	}
	for _, line := range strings.Split(c.urls.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			cb.URLs = append(cb.URLs, line)
		}
	}
	vars, err := c.vars.values()
	if err != nil {
		return nil, err
	}
	cb.Vars = vars
	return cb, nil
}

// refreshPreview shows the decoded JSON of the callback headers.
func (c *callbackSection) refreshPreview() {
	cb, err := c.value()
	if err != nil || cb == nil {
		c.preview.SetText("")
		return
	}
	header, vars, err := signing.EncodeCallback(*cb)
	if err != nil {
		c.preview.SetText(err.Error())
		return
	}
	text := "x-oss-callback:\n" + signing.DecodeBase64JSON(header)
	if vars != "" {
		text += "\n\nx-oss-callback-var:\n" + signing.DecodeBase64JSON(vars)
	}
	c.preview.SetText(text)
}
