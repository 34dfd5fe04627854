package signing

import (
	"errors"

	"github.com/ossdrop/ossdrop/signing/message"
)

// LinkError is why a pasted text cannot be read as a link: a sentence
// saying what is wrong and a hint saying what to do. Both are message
// Texts, so the desktop app shows them in the user's language while the
// command line prints the English. It matches ErrNotALink, and Err when a
// caller tests a finer condition (ErrPageKind).
type LinkError struct {
	Sentence message.Text
	Hint     message.Text
	// Err is a finer sentinel; nil for most.
	Err error
}

// Error is the sentence and the hint in English.
func (e *LinkError) Error() string {
	if e.Hint.IsZero() {
		return e.Sentence.String()
	}
	return e.Sentence.String() + " " + e.Hint.String()
}

// Unwrap lets errors.Is see ErrNotALink and the finer sentinel.
func (e *LinkError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrNotALink}
	}
	return []error{ErrNotALink, e.Err}
}

// AsLinkError returns the LinkError inside err, if there is one.
func AsLinkError(err error) (*LinkError, bool) {
	var le *LinkError
	ok := errors.As(err, &le)
	return le, ok
}

// notALink is the error for text that cannot be read as a link.
func notALink(sentence, hint message.Text) error {
	return &LinkError{Sentence: sentence, Hint: hint}
}

// The hints most link errors end with.
var (
	hintCopyAgain     = message.New("Copy the whole link again.")
	hintCopyCommand   = message.New("Copy the whole command again.")
	hintAskAgain      = message.New("Ask the sender for the link again.")
	hintAskNew        = message.New("Ask the sender for a new link.")
	hintUpdateOSSDrop = message.New("Update OSS Drop, then open the link again.")
)

// reasonError is a clause saying what is wrong inside a link (its policy,
// a quoted argument), kept as a Text so that the sentence around it is
// translated together with it.
type reasonError struct{ text message.Text }

func (e reasonError) Error() string { return e.text.String() }

// reason is a reasonError; the format is English, as for message.New.
func reason(format string, args ...any) error {
	return reasonError{message.New(format, args...)}
}

// reasonArg is err as an argument of a sentence: its Text when it is a
// reason (translated with the sentence), else its text as it is (a
// library's own wording).
func reasonArg(err error) any {
	var r reasonError
	if errors.As(err, &r) {
		return r.text
	}
	return err.Error()
}
