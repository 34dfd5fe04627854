package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
)

// showDetails shows everything about one link, wrapped instead of cut off
// as a row at 800 pixels must: what it allows, whose it is, when it was
// made and expires, what arrived, its ID and its link.
func (h *historyTab) showDetails(e history.Entry) {
	var st *arrivals.Status
	if s, ok := h.statuses[e.ID]; ok {
		st = &s
	}
	now := h.svc.Now()
	v := viewOf(e, st, now)
	wrap := func(text string) *widget.Label {
		return &widget.Label{Text: text, Wrapping: textWrap(), Selectable: true}
	}
	grid := newFormGrid()
	grid.add(lang.L("Link"), wrap(entryOptions(e)))
	grid.add(lang.L("Profile"), wrap(profileLabel(e.Profile)))
	grid.add(lang.L("Made"), wrap(formatDateTimeSeconds(e.Created, now)))
	grid.add(lang.L("Expires"), wrap(formatDateTimeSeconds(e.Expires, now)+" ("+untilText(e.Expires, now)+")"))
	if v.fullState == "" {
		v.fullState = v.state
	}
	if v.fullState != "" {
		state := wrap(v.fullState)
		state.Importance = v.stateImportance
		grid.add(lang.L("State"), state)
	}
	if e.PageURL != "" {
		grid.add(lang.L("Upload page"), wrap(e.PageURL))
	}
	grid.add(lang.L("Link ID"), wrap(e.ID))
	link := wrap(e.ShareLink)
	if e.STS {
		link.SetText(lang.L("Kept in the OS keychain: it carries an STS token, which never goes to a file."))
	}
	link.Wrapping = fyne.TextWrapBreak
	grid.add(lang.L("Share link"), link)
	buttons := container.NewHBox(
		&widget.Button{Text: lang.L("Copy the link"), Icon: theme.ContentCopyIcon(), OnTapped: func() { h.withLink(e, h.copied(e)) }},
		&widget.Button{Text: lang.L("Show the QR code"), Icon: theme.NewThemedResource(qrIcon), OnTapped: func() {
			h.withLink(e, func(share string) { showQRDialog(h.win, e, share) })
		}},
	)
	// The buttons stay in view below the facts, which scroll when the
	// window cannot hold them.
	body := newDialogBody(h.win, grid.box, buttons)
	d := dialog.NewCustom(e.Bucket+"/"+e.Key+e.Prefix, lang.L("Close"), body.box, h.win)
	body.fit(d, 720)
	d.Show()
}
