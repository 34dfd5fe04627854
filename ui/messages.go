package ui

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// localize renders a sentence from signing or app in the UI's language:
// the format is looked up as a translation key, and sizes, times,
// durations, lists and nested sentences among the arguments are written
// with the UI's own helpers. Other arguments (names, keys, codes, server
// text) are shown as they are.
func localize(t message.Text) string {
	s, _ := translate(t)
	return s
}

// translate is localize, and whether the format has a translation in the
// UI's language (always true in English). A sentence without one reads
// better as the generic sentence for its kind than as English.
func translate(t message.Text) (string, bool) {
	if t.IsZero() {
		return "", true
	}
	format := lang.L(t.Format)
	ok := format != t.Format || uiLanguage() == "en"
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		args[i] = localizeArg(a)
	}
	if len(args) == 0 {
		return format, ok
	}
	return fmt.Sprintf(tightenCJK(format, args), args...), ok
}

// formatVerb matches one fmt verb, such as %s, %q, %[2]d or %.1f.
var formatVerb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0-9.]*[a-zA-Z%]`)

// tightenCJK drops from a translated format the spaces between Chinese
// text and an argument that is itself Chinese (a nested sentence, a
// translated list). Translations space an argument off because most are
// Latin (keys, header names, codes: "发送了 content-type: …"), but between
// two Chinese words the space reads as a stray gap ("发送了 无请求头").
// Quoted (%q) and numeric arguments keep their spaces.
func tightenCJK(format string, args []any) string {
	drop := map[int]bool{}
	next := 0
	for _, m := range formatVerb.FindAllStringSubmatchIndex(format, -1) {
		verb := format[m[0]:m[1]]
		if verb == "%%" {
			continue
		}
		i := next
		if m[4] >= 0 {
			n, _ := strconv.Atoi(format[m[4]:m[5]])
			i = n - 1
		}
		next = i + 1
		if c := verb[len(verb)-1]; (c != 's' && c != 'v') || i < 0 || i >= len(args) {
			continue
		}
		text := fmt.Sprint(args[i])
		first, _ := utf8.DecodeRuneInString(text)
		last, _ := utf8.DecodeLastRuneInString(text)
		if at := m[0] - 1; at > 0 && format[at] == ' ' && isCJK(first) {
			if before, _ := utf8.DecodeLastRuneInString(format[:at]); isCJK(before) {
				drop[at] = true
			}
		}
		if at := m[1]; at < len(format)-1 && format[at] == ' ' && isCJK(last) {
			if after, _ := utf8.DecodeRuneInString(format[at+1:]); isCJK(after) {
				drop[at] = true
			}
		}
	}
	if len(drop) == 0 {
		return format
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if !drop[i] {
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

// isCJK reports whether r is a Chinese character or CJK punctuation
// (。，：（）and the full-width forms), which take no space around them.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// joinSentences puts sentences one after another as the language does:
// with a space after a Latin full stop, with none after a Chinese one
// ("…内容。如需…", not "。 如需").
func joinSentences(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(p)
			if !isCJK(prev) && !isCJK(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

func localizeArg(a any) any {
	switch v := a.(type) {
	case message.Text:
		return localize(v)
	case message.List:
		return localizeList(v)
	case message.Size:
		return formatSize(int64(v))
	case message.Time:
		return formatDateTime(time.Time(v), time.Now())
	case message.Duration:
		return humanDuration(time.Duration(v))
	}
	return a
}

// localizeList joins the parts as the language does: "a, b and c" / "a、b和c".
func localizeList(l message.List) string {
	parts := make([]string, len(l))
	for i, t := range l {
		parts[i] = localize(t)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return fmt.Sprintf(lang.L("%s and %s"), strings.Join(parts[:len(parts)-1], lang.L(", ")), parts[len(parts)-1])
}

// localizeLines renders sentences one per line.
func localizeLines(ts []message.Text) string {
	lines := make([]string, len(ts))
	for i, t := range ts {
		lines[i] = localize(t)
	}
	return strings.Join(lines, "\n")
}

// linkErrorText is why a pasted link (or a QR image) cannot be read, in
// the UI's language: signing's sentence, then its hint on a line of its
// own.
func linkErrorText(err error) string {
	le, ok := signing.AsLinkError(err)
	if !ok {
		return capitalize(err.Error())
	}
	if hint := localize(le.Hint); hint != "" {
		return localize(le.Sentence) + "\n" + hint
	}
	return localize(le.Sentence)
}

// fieldMessage is the sentence shown under a field, in the UI's language.
func fieldMessage(fe *signing.FieldError) string {
	if fe.Text.IsZero() {
		return fe.Msg // the UI's own, already translated
	}
	return localize(fe.Text)
}

// uploadSentences word each kind of upload failure, for the failures whose
// specific sentence has no translation.
var uploadSentences = []struct {
	kind error
	msg  string
}{
	{upload.ErrLink, "This is not a usable link: copy the whole link again, or ask the sender for it."},
	{upload.ErrExpired, "This link has expired: ask the sender for a new one."},
	{upload.ErrMethod, "This link is not for uploading: ask the sender for an upload link."},
	{upload.ErrHeader, "A header for this upload is not valid."},
	{upload.ErrFile, "This file cannot be uploaded: check that it exists and can be read."},
	{upload.ErrTooLarge, "This file is larger than the link takes (no link takes more than 5 GiB): ask the sender for another way."},
	{upload.ErrTooSmall, "This file is smaller than the link takes: check that it is the right file."},
	{upload.ErrType, "This file's type is not one the link takes: choose a file of that type, or ask the sender."},
	{upload.ErrPolicy, "The link's policy does not allow this file: send the details to the sender."},
	{upload.ErrSignature, "OSS refused the upload because it does not match the link's signature: ask the sender for the share link or the curl command."},
	{upload.ErrDenied, "OSS refused the upload: ask the sender for a new link."},
	{upload.ErrExists, "A file with this name is already stored and protected from being replaced: ask the sender for a new link or name."},
	{upload.ErrCallback, "The file is stored, but the sender's server did not confirm it: tell the sender; there is no need to upload again."},
	{upload.ErrChecksum, "The stored file differs from the one sent: upload it again."},
	{upload.ErrUnverified, "The server said the file is stored but sent no checksum to confirm it, as OSS always does: a proxy or a Wi-Fi sign-in page may have answered instead. Check the connection and upload again, or ask the sender whether the file arrived."},
	{upload.ErrNotAnswering, "The sender's endpoint is not answering: nothing accepts connections at the link's address. If the link points at this computer, start the local sandbox (Try it locally) and upload again."},
	{upload.ErrNetwork, "The network connection failed, even after retrying: check the connection and try again."},
	{upload.ErrServer, "The server failed, even after retrying: try again later."},
	{upload.ErrClock, "OSS says a clock is wrong: set the date and time automatically, then try again."},
	{upload.ErrRefused, "The server refused the upload: send the details to the sender."},
}

// uploadErrorText is an upload error as the card shows it: the sentence,
// then the hint on its own line. A sentence with no translation in the
// UI's language (such as signing's reason a link cannot be read) gives way
// to the translated sentence for its kind of failure.
func uploadErrorText(err error) string {
	var ue *upload.Error
	if !errors.As(err, &ue) {
		return capitalize(err.Error())
	}
	sentence, ok := translate(ue.Sentence)
	if !ok {
		for _, s := range uploadSentences {
			if errors.Is(err, s.kind) {
				return lang.L(s.msg)
			}
		}
	}
	if hint := localize(ue.Hint); hint != "" {
		return sentence + "\n" + hint
	}
	return sentence
}

// ownerErrorText is an owner request's failure (app/bucket) as a
// sentence, with its hint when withHint is set (a row has room for the
// sentence only).
func ownerErrorText(err error, withHint bool) string {
	var be *bucket.Error
	if !errors.As(err, &be) {
		return errorSentence(err)
	}
	if hint := localize(be.Hint); withHint && hint != "" {
		return localize(be.Sentence) + "\n" + hint
	}
	return localize(be.Sentence)
}
