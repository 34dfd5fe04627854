package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/upload"
)

// The Upload tab's result card: what happened to the file, and what to do
// next. It lives apart from upload.go, which takes the link and the file.

// finish shows the success or failure card.
func (u *uploadTab) finish(res *upload.Result, err error) {
	u.cancel = nil
	u.cancelButton.Hide()
	u.progress.Hide()
	setOrHide(u.progressText, "")
	// Once stored (or refused as already stored), the same file through
	// the same link cannot do better: the next step is another one. A
	// link that protects its key takes no other file either: the next
	// step is another link.
	u.sent, u.taken = res != nil, errors.Is(err, upload.ErrExists)
	u.usedUp = (u.sent || u.taken) && u.protects()
	// A failure a retry cannot change keeps Upload off (the same file, or
	// any file through a refused link, fails the same way) and offers
	// only what can do better, as the upload page does.
	u.way, u.refused = upload.NextStep(err), upload.NextNone
	switch {
	case u.usedUp:
		u.way = upload.NextLink
	case u.sent:
		u.way = upload.NextFile // stored: the next file, through the same link
	case u.way == upload.NextLink || u.way == upload.NextFile:
		u.refused = u.way
	}
	u.refreshUploadButton()
	u.callbackText.Hide()
	u.details4Owner = u.detailsForSender(res, err)
	u.showWay()
	u.copyDetails.Hide()
	u.copyOwn.Hide()
	owner := u.owns != nil && u.owns(u.link.AccessKeyID)
	switch {
	case err == nil:
		u.result.SetTitle(lang.L("Uploaded"))
		u.resultText.SetText(u.successText(res))
	case errors.Is(err, upload.ErrCanceled):
		u.result.SetTitle(lang.L("Cancelled"))
		u.resultText.SetText(lang.L("The upload was cancelled; nothing was stored."))
	default:
		u.result.SetTitle(lang.L("Upload failed"))
		text := uploadErrorText(err)
		if errors.Is(err, upload.ErrExists) && owner {
			text = u.ownersTakenText()
		}
		switch {
		case res != nil && errors.Is(err, upload.ErrUnverified):
			u.result.SetTitle(lang.L("Not confirmed"))
			text += "\n\n" + u.successText(res)
		case res != nil: // stored, but with a callback or checksum problem
			u.result.SetTitle(lang.L("Stored, with a problem"))
			text += "\n\n" + u.successText(res)
		}
		u.resultText.SetText(text)
		// Details are for the sender, unless the uploader is the sender.
		if owner {
			u.copyOwn.Show()
		} else {
			u.copyDetails.Show()
		}
	}
	if res != nil && len(res.CallbackBody) > 0 {
		u.callbackText.SetText(lang.L("The sender's server answered:") + "\n" + res.CallbackJSON())
		u.callbackText.Show()
	}
	u.result.Show()
	u.showResult()
	if res != nil && u.onStored != nil {
		u.onStored(u.link)
	}
}

// showWay labels the result card's way on, or hides it where there is
// none: a refused file leaves the choice of another file to the tab.
func (u *uploadTab) showWay() {
	u.another.Importance = widget.HighImportance
	switch {
	case u.way == upload.NextRetry:
		u.another.SetText(lang.L("Try again"))
	case u.way == upload.NextLink:
		u.another.SetText(lang.L("Use another link"))
	case u.sent:
		u.another.SetText(lang.L("Upload another"))
	default:
		u.another.Hide()
		return
	}
	u.another.Show()
}

// onAnother is the result card's next step (u.way): the same file again
// where a retry can succeed; another link where this one took its one
// file for good (usedUp) or was refused, and the file goes with it;
// otherwise the link stays and asks for a file.
func (u *uploadTab) onAnother() {
	switch u.way {
	case upload.NextRetry:
		u.onUpload()
	case upload.NextLink:
		u.reset()
		u.setLink("")
		u.win.Canvas().Focus(u.paste)
	default:
		u.reset()
	}
}

// protects reports whether the link refuses to replace a stored file
// (x-oss-forbid-overwrite: true): once its key holds a file, it takes
// no other.
func (u *uploadTab) protects() bool {
	v, _ := u.link.Headers.Get("x-oss-forbid-overwrite")
	return strings.EqualFold(v, "true")
}

// showResult scrolls the result card fully into view. The scroll's
// content grew by the card: refreshing the scroll lays it out now, so the
// bottom is the card's bottom, not the one before it was shown.
func (u *uploadTab) showResult() {
	u.scroll.Refresh()
	u.scroll.ScrollToBottom()
}

// ownersTakenText is the answer to "already stored" when the uploader made
// the link: there is nobody to ask, and two ways on.
func (u *uploadTab) ownersTakenText() string {
	return fmt.Sprintf(lang.L("%s is already stored, and this link, which you made, keeps it from being replaced (overwrite protection). Make a new link in Create link with another key, or with overwrite protection off to replace the stored file."), u.link.Key)
}

func (u *uploadTab) successText(res *upload.Result) string {
	verified := lang.L("Integrity verified (CRC-64).")
	switch {
	case len(res.Mismatches) > 0:
		verified = fmt.Sprintf(lang.L("Integrity not verified: %s"), localizeList(res.Mismatches))
	case res.CRCVerified:
	case res.MD5Verified:
		verified = lang.L("Integrity verified (MD5).")
	default:
		verified = fmt.Sprintf(lang.L("Integrity not verified: %s"), localize(res.CRCNote))
	}
	rate := float64(res.Size) / max(res.Elapsed.Seconds(), 0.001)
	name := filepath.Base(u.file)
	stored := fmt.Sprintf(lang.L("%s (%s) is stored as %s."), name, formatSize(res.Size), u.link.Key)
	if !res.Verified() {
		// Only the server's word: say whose it is.
		stored = fmt.Sprintf(lang.L("The server says %s (%s) is stored as %s."), name, formatSize(res.Size), u.link.Key)
	}
	lines := []string{stored, verified}
	if res.ETag != "" {
		lines = append(lines, "ETag "+res.ETag)
	}
	took := lang.L("Took less than a second.")
	if res.Elapsed >= time.Second {
		took = fmt.Sprintf(lang.L("Took %s at %s/s on average."), humanDuration(res.Elapsed.Round(time.Second)), formatSize(int64(rate)))
	}
	lines = append(lines, took)
	return strings.Join(lines, "\n")
}

// detailsForSender is what "Copy details" puts on the clipboard: enough for
// the sender to look the request up, and never the link's signature.
func (u *uploadTab) detailsForSender(res *upload.Result, err error) string {
	lines := []string{"OSS Drop upload report", "time: " + u.svc.Now().UTC().Format(time.RFC3339)}
	if u.link != nil {
		lines = append(lines, "host: "+u.link.Host, "bucket: "+u.link.Bucket, "key: "+u.link.Key,
			"access key id: "+u.link.AccessKeyID, "link expires: "+u.link.ExpiresAt.UTC().Format(time.RFC3339))
	}
	var ue *upload.Error
	if errors.As(err, &ue) {
		lines = append(lines, fmt.Sprintf("status: %d", ue.Status), "code: "+ue.Code, "request id: "+ue.RequestID, "ec: "+ue.EC,
			fmt.Sprintf("attempts: %d", ue.Attempts), "error: "+ue.Sentence.String())
	}
	if res != nil {
		lines = append(lines, "etag: "+res.ETag, "request id: "+res.RequestID)
	}
	return strings.Join(lines, "\n")
}
