package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// isRequestLink reports whether the pasted link takes many files.
func (u *uploadTab) isRequestLink() bool { return u.link != nil && u.link.Request != nil }

// showMode shows the one-file controls or, for a request link, the queue.
func (u *uploadTab) showMode() {
	if u.isRequestLink() {
		u.single.Hide()
		u.queue.setLink(u.link)
		u.queue.content.Show()
		return
	}
	u.queue.setLink(nil)
	u.queue.content.Hide()
	u.single.Show()
}

// fillRequestCard says what a request link takes: where the files go, the
// sizes and types it takes, protection and callback.
func (u *uploadTab) fillRequestCard() {
	in, l := u.link, u.link.Request
	where := l.Prefix
	if l.Key != "" {
		where = l.Key
	}
	u.destination.SetText(fmt.Sprintf(lang.L("Takes files into %s / %s on %s"), in.Bucket, where, in.Host))
	var lines []string
	for _, row := range requestRows(l) {
		lines = append(lines, row[0]+": "+row[1])
	}
	if in.HasSTSToken {
		lines = append(lines, lang.L("Signed with temporary (STS) credentials."))
	}
	u.details.SetText(strings.Join(lines, "\n"))
	setOrHide(u.warnings, localizeLines(in.Warnings))
}
