package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// uploadTab is the partner's tab. For now it reads a pasted link and says
// what it allows; uploading from the window is its own piece of work, and
// until then the tab points at 'ossdrop upload'.
type uploadTab struct {
	win     fyne.Window
	svc     *Services
	paste   *widget.Entry
	card    *widget.Label
	file    *widget.Label
	content fyne.CanvasObject
}

func newUploadTab(win fyne.Window, svc *Services) *uploadTab {
	u := &uploadTab{win: win, svc: svc}
	u.paste = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: lang.L("Paste the link or the curl command you were sent"), OnChanged: u.onChanged}
	u.paste.SetMinRowsVisible(4)
	u.card = &widget.Label{Wrapping: fyne.TextWrapWord}
	u.file = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	u.content = container.NewVScroll(container.NewPadded(container.NewVBox(u.paste, u.card, u.file)))
	return u
}

// setLink fills the paste box, as "Test upload" and a link argument do.
func (u *uploadTab) setLink(text string) { u.paste.SetText(text) }

func (u *uploadTab) onChanged(text string) {
	if strings.TrimSpace(text) == "" {
		u.card.SetText("")
		return
	}
	now := u.svc.Now()
	in, err := signing.Inspect(text, now)
	if err != nil {
		u.card.SetText(errorSentence(err))
		return
	}
	lines := []string{
		fmt.Sprintf(lang.L("Destination: %s/%s on %s"), in.Bucket, in.Key, in.Host),
		fmt.Sprintf(lang.L("Valid until %s (%s)"), in.ExpiresAt.Local().Format(time.DateTime), untilText(in.ExpiresAt, now)),
	}
	if in.HeadersKnown {
		for _, h := range in.Headers {
			lines = append(lines, "  "+h.Name+": "+h.Value)
		}
	}
	lines = append(lines, in.Warnings...)
	lines = append(lines, lang.L("To upload, run: ossdrop upload 'LINK' FILE"))
	u.card.SetText(strings.Join(lines, "\n"))
}

// onDropped receives files dropped anywhere on the window.
func (u *uploadTab) onDropped(uris []fyne.URI) {
	if len(uris) != 1 {
		u.file.SetText(lang.L("One link uploads one object: drop a single file."))
		return
	}
	u.file.SetText(fmt.Sprintf(lang.L("File: %s"), uris[0].Path()))
}
