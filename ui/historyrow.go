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
	"github.com/ossdrop/ossdrop/signing"
)

// historyRow is one issued link in the History list: an icon for its
// state, what the link is for, a line saying what arrived through it, and
// what can be done with it. The list reuses rows, so show fills one anew.
type historyRow struct {
	widget.BaseWidget
	icon                 *widget.Icon
	title, detail, state *widget.Label
	// get offers the arrived files (download, download link, reveal).
	get *widget.Button
	// Icon-only buttons say what they do when the pointer rests on them.
	copyLink, qr, drop *tipButton
}

// newHistoryRow makes a row; tips is the window's tooltip layer (nil: no
// tooltips). A tap on the row's texts opens its details (the list's
// OnSelected), where nothing is cut off.
func newHistoryRow(tips *tipLayer) *historyRow {
	r := &historyRow{
		icon:     widget.NewIcon(nil),
		title:    &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		detail:   &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance},
		state:    &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		get:      &widget.Button{Text: lang.L("Get the file"), Icon: theme.DownloadIcon(), Importance: widget.HighImportance},
		copyLink: newTipButton(theme.ContentCopyIcon(), lang.L("Copy the link"), tips, nil),
		qr:       newTipButton(theme.NewThemedResource(qrIcon), lang.L("Show the QR code"), tips, nil),
		drop:     newTipButton(theme.DeleteIcon(), lang.L("Remove from History (can be undone)"), tips, nil),
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
	icon          fyne.Resource
	title, detail string
	state         string
	// fullState is the state with every detail, for the link's details
	// dialog, where it wraps; empty: the same as state. The row's own
	// line must fit a row at 800 pixels, whole.
	fullState       string
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
	// The creation time to the second tells two links for one key apart.
	v.detail = strings.Join([]string{profileLabel(e.Profile), fmt.Sprintf(lang.L("made %s"), formatDateTimeSeconds(e.Created, now)),
		untilText(e.Expires, now), entryOptions(e)}, " · ")
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
	case arrivals.Taken:
		v.icon, v.stateImportance = theme.NewWarningThemedResource(theme.WarningIcon()), widget.WarningImportance
		v.state, v.fullState = lang.L("Key already taken when the link was made: it can store nothing."), takenText(e, now)
	default:
		v.icon = theme.QuestionIcon()
	}
	if st.Err != nil {
		v.state, v.fullState, v.stateImportance = checkErrorShort(st.Err), checkErrorText(st.Err), widget.DangerImportance
		v.icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		if errors.Is(st.Err, arrivals.ErrProfileGone) {
			v.stateImportance, v.icon = widget.LowImportance, theme.QuestionIcon()
		}
	}
	return v
}

// entryOptions words what the link allows in the UI's language, from the
// facts the history keeps (an entry from an older OSS Drop has only its
// English summary, shown as it is).
func entryOptions(e history.Entry) string {
	if e.Options != "" {
		return e.Options
	}
	var parts []string
	switch e.Method {
	case signing.MethodGet:
		parts = append(parts, lang.L("download link"))
	case signing.MethodPost:
		parts = append(parts, lang.L("request link, many files"))
		if e.MaxSize > 0 {
			parts = append(parts, fmt.Sprintf(lang.L("up to %s"), formatSize(e.MaxSize)))
		}
	default:
		parts = append(parts, lang.L("upload link"))
	}
	switch {
	case e.ContentType != "":
		parts = append(parts, e.ContentType)
	case e.ContentTypePrefix != "":
		parts = append(parts, e.ContentTypePrefix+"…")
	}
	if e.StorageClass != "" {
		parts = append(parts, e.StorageClass)
	}
	if e.ACL != "" {
		parts = append(parts, fmt.Sprintf(lang.L("ACL %s"), e.ACL))
	}
	if e.Metadata > 0 {
		parts = append(parts, fmt.Sprintf(lang.L("%d metadata"), e.Metadata))
	}
	if e.Callback {
		parts = append(parts, lang.L("callback"))
	}
	if e.MD5Pinned {
		parts = append(parts, lang.L("MD5 pinned"))
	}
	if e.Method != signing.MethodGet {
		if e.AllowOverwrite {
			parts = append(parts, lang.L("may overwrite"))
		} else {
			parts = append(parts, lang.L("overwrite protected"))
		}
	}
	if e.STS {
		parts = append(parts, lang.L("STS"))
	}
	return strings.Join(parts, " · ")
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

// takenText says why a link can store nothing, in full (the row says it
// short): its key held a file when it was made, and it may not replace it.
func takenText(e history.Entry, now time.Time) string {
	if x := e.Existing; x != nil {
		return fmt.Sprintf(lang.L("Key already taken when the link was made (a file of %s, stored %s): the link may not replace it, so it can store nothing."), formatSize(x.Size), formatDateTime(x.LastModified, now))
	}
	return lang.L("Key already taken when the link was made: the link may not replace that file, so it can store nothing.")
}

// checkErrorShort is checkErrorText cut to what fits the row's line at
// 800 pixels, where the whole one would not; the details say it all.
func checkErrorShort(err error) string {
	switch {
	case errors.Is(err, arrivals.ErrNoEnvironment):
		return lang.L("Not checked: OSS Drop was started without OSS_ACCESS_KEY_ID.")
	case errors.Is(err, arrivals.ErrNoEnvironmentSecret):
		return lang.L("Not checked: OSS Drop was started with OSS_ACCESS_KEY_SECRET empty.")
	}
	return checkErrorText(err)
}

// checkErrorText is a failed check on its row: why, in a sentence; for the
// links of the OSS_ACCESS_KEY_* variables also what to do, in the details.
func checkErrorText(err error) string {
	switch {
	case errors.Is(err, errSandboxStopped):
		return lang.L("Not checked: start the local sandbox (Try it locally) to check its links.")
	case errors.Is(err, arrivals.ErrNoEnvironment):
		return lang.L("Not checked: this link was signed with the variables OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, and OSS Drop was not started with them. Start OSS Drop from a shell where they are set, or check the link there with ossdrop status.")
	case errors.Is(err, arrivals.ErrNoEnvironmentSecret):
		return lang.L("Not checked: this link was signed with the variables OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, and OSS Drop was started with OSS_ACCESS_KEY_SECRET empty. Start OSS Drop from a shell where both are set, or check the link there with ossdrop status.")
	case errors.Is(err, arrivals.ErrProfileGone):
		return lang.L("Not checked: the profile that signed this link is gone.")
	}
	// app/bucket's sentence says what failed ("Could not look up …").
	return ownerErrorText(err, false)
}

// qrIcon is a QR-code symbol for the row's QR button (the theme has
// none): three finder squares and a few modules, in the theme's colour.
var qrIcon = fyne.NewStaticResource("qr.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h2v2h-2zm4 0h4v2h-4zm-4 4h2v4h-2zm4 0h2v2h-2zm2 2h2v2h-2zm-2 2h2v2h-2z"/><path fill="#000000" d="M6 6h2v2H6zm10 0h2v2h-2zM6 16h2v2H6z"/></svg>`))
