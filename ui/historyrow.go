package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
)

// historyRow is one issued link in the History list: an icon for its
// state, what the link is for, a line saying what arrived through it, and
// what can be done with it. The list reuses rows, so show fills one anew.
type historyRow struct {
	widget.BaseWidget
	icon                 *widget.Icon
	title, detail, state *widget.Label
	// get offers the arrived files (download, download link, reveal).
	get                *widget.Button
	copyLink, qr, drop *widget.Button
}

func newHistoryRow() *historyRow {
	r := &historyRow{
		icon:     widget.NewIcon(nil),
		title:    &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		detail:   &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance},
		state:    &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		get:      &widget.Button{Text: lang.L("Get the file"), Icon: theme.DownloadIcon(), Importance: widget.HighImportance},
		copyLink: &widget.Button{Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance},
		qr:       &widget.Button{Text: "QR", Importance: widget.LowImportance},
		drop:     &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance},
	}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: icon, texts, buttons on the right.
func (r *historyRow) CreateRenderer() fyne.WidgetRenderer {
	buttons := container.NewHBox(r.get, r.copyLink, r.qr, r.drop)
	// Three lines that belong together, closer than the list's rows.
	texts := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), r.title, r.detail, r.state)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewCenter(r.icon), container.NewCenter(buttons), texts))
}

// show fills the row with a view.
func (r *historyRow) show(v rowView) {
	r.icon.SetResource(v.icon)
	r.title.SetText(v.title)
	r.detail.SetText(v.detail)
	r.state.SetText(v.state)
	r.title.Importance = widget.MediumImportance
	if v.dim {
		r.title.Importance = widget.LowImportance
	}
	r.state.Importance = v.stateImportance
	r.title.Refresh()
	r.state.Refresh()
	if v.get == "" {
		r.get.Hide()
	} else {
		r.get.SetText(v.get)
		r.get.Show()
	}
}

// rowView is what a row shows for one link, worked out without widgets
// so that tests can read it.
type rowView struct {
	icon            fyne.Resource
	title, detail   string
	state           string
	stateImportance widget.Importance
	// dim greys out a link that no longer works.
	dim bool
	// get is the label of the button offering the arrived files; empty
	// when nothing arrived.
	get string
}

// viewOf is the row for e given its status (nil: not checked yet) at now.
func viewOf(e history.Entry, st *arrivals.Status, now time.Time) rowView {
	v := rowView{title: e.Bucket + "/" + e.Key + e.Prefix, dim: e.Expired(now), stateImportance: widget.LowImportance} // one of them is set
	options := e.Options
	if e.IsRequestLink() && e.MaxSize > 0 {
		options += " · " + fmt.Sprintf(lang.L("up to %s"), formatSize(e.MaxSize))
	}
	v.detail = fmt.Sprintf("%s · %s · %s · %s", profileLabel(e.Profile), formatDateTime(e.Created, now), untilText(e.Expires, now), options)
	switch {
	case !arrivals.Watched(e):
		v.icon, v.state = theme.DownloadIcon(), lang.L("A download link: anyone with it can fetch the file until it expires.")
		return v
	case st == nil && arrivals.Due(e, now):
		v.icon, v.state = theme.ViewRefreshIcon(), lang.L("Checking…")
		return v
	case st == nil:
		v.icon = theme.HistoryIcon()
		return v
	}
	if len(st.Objects) > 0 {
		v.get = lang.L("Get the file")
		if e.Prefix != "" {
			v.get = lang.L("Get the files")
		}
	}
	switch st.State {
	case arrivals.Received:
		v.icon, v.state, v.stateImportance = theme.NewSuccessThemedResource(theme.ConfirmIcon()), receivedText(e, st, now), widget.SuccessImportance
	case arrivals.Waiting:
		v.icon, v.state = theme.HistoryIcon(), lang.L("Waiting for the upload.")
		if e.Prefix != "" {
			v.state = lang.L("Waiting for files.")
		}
	case arrivals.Expired:
		v.icon, v.state = theme.NewDisabledResource(theme.CancelIcon()), lang.L("Expired with nothing received.")
	default:
		v.icon = theme.QuestionIcon()
	}
	if st.Err != nil {
		v.state, v.stateImportance = checkErrorText(st.Err), widget.DangerImportance
		v.icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		if errors.Is(st.Err, arrivals.ErrProfileGone) {
			v.stateImportance, v.icon = widget.LowImportance, theme.QuestionIcon()
		}
	}
	return v
}

// receivedText sums up what arrived: the file for a PUT link, the count,
// size and names for a request link.
func receivedText(e history.Entry, st *arrivals.Status, now time.Time) string {
	if e.Prefix == "" {
		o := st.Objects[0]
		parts := []string{fmt.Sprintf(lang.L("Received %s"), formatDateTime(o.LastModified, now)), formatSize(o.Size)}
		if o.ContentType != "" {
			parts = append(parts, o.ContentType)
		}
		if o.CRC64 != "" {
			parts = append(parts, "CRC-64 "+o.CRC64)
		}
		return strings.Join(parts, " · ")
	}
	var total int64
	var names []string
	for _, o := range st.Objects {
		total += o.Size
		names = append(names, strings.TrimPrefix(o.Key, e.Prefix))
	}
	count := fmt.Sprintf(lang.L("Received %d files"), len(st.Objects))
	if len(st.Objects) == 1 {
		count = lang.L("Received 1 file")
	}
	return count + " · " + formatSize(total) + " · " + strings.Join(names, ", ")
}

// checkErrorText is a failed check on its row: why, in a sentence.
func checkErrorText(err error) string {
	switch {
	case errors.Is(err, errSandboxStopped):
		return lang.L("Not checked: start the local sandbox (Try it locally) to check its links.")
	case errors.Is(err, arrivals.ErrProfileGone):
		return lang.L("Not checked: the profile that signed this link is gone.")
	}
	// app/bucket's sentence says what failed ("Could not look up …").
	return ownerErrorText(err, false)
}
