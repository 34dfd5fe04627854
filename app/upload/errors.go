package upload

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// Kinds of failure. Every *Error wraps exactly one of them, so callers can
// test the condition with errors.Is without reading the sentence.
var (
	ErrLink      = errors.New("unusable link")
	ErrExpired   = errors.New("link expired")
	ErrMethod    = errors.New("not an upload link")
	ErrHeader    = errors.New("invalid header")
	ErrFile      = errors.New("file not uploadable")
	ErrTooLarge  = errors.New("file too large")
	ErrTooSmall  = errors.New("file too small")
	ErrType      = errors.New("file type not allowed")
	ErrPolicy    = errors.New("refused by the link's policy")
	ErrSignature = errors.New("signature mismatch")
	ErrDenied    = errors.New("access denied")
	ErrExists    = errors.New("object exists")
	ErrCallback  = errors.New("callback failed")
	ErrChecksum  = errors.New("checksum mismatch")
	// ErrUnverified: the server said it stored the file but sent no
	// checksum to compare with (see Request.AllowUnverified).
	ErrUnverified = errors.New("upload not verified")
	ErrNetwork    = errors.New("network failure")
	// ErrNotAnswering is the cause (not a kind: the kind is ErrNetwork) of
	// a failure where nothing accepts connections at the link's address.
	ErrNotAnswering = errors.New("endpoint not answering")
	ErrServer       = errors.New("server failure")
	// ErrClock: OSS found the request's time too far from its own
	// (RequestTimeTooSkewed); once a clock is set right it succeeds.
	ErrClock    = errors.New("clock skewed")
	ErrRefused  = errors.New("request refused")
	ErrCanceled = errors.New("upload canceled")
)

// Next is what can follow a failed upload: the step a person is offered.
type Next int

const (
	// NextNone: no failure (nil error).
	NextNone Next = iota
	// NextRetry: sending the same file again can succeed (the network or
	// the server failed or timed out, a clock was off, it was cancelled).
	NextRetry
	// NextLink: the link is at fault (expired, signature, access denied,
	// the key taken, no such bucket): every file fails the same way until
	// another link is used.
	NextLink
	// NextFile: the file is at fault (too big or small, a type or a policy
	// the link refuses, unreadable) or it is stored with a problem:
	// sending it again changes nothing, another file may go.
	NextFile
)

// NextStep says what can follow a failure, from its kind alone, so every
// front end (the desktop tab, its queue, the upload page's twin in
// assets/web/upload.html) offers the same way on.
func NextStep(err error) Next {
	var e *Error
	switch {
	case err == nil:
		return NextNone
	case errors.Is(err, ErrNetwork), errors.Is(err, ErrServer), errors.Is(err, ErrCanceled), errors.Is(err, ErrClock):
		return NextRetry
	case errors.Is(err, ErrLink), errors.Is(err, ErrExpired), errors.Is(err, ErrMethod), errors.Is(err, ErrHeader),
		errors.Is(err, ErrSignature), errors.Is(err, ErrDenied), errors.Is(err, ErrExists):
		return NextLink
	case errors.As(err, &e) && e.Kind == ErrRefused && (e.Code == "NoSuchBucket" || e.Status >= 300 && e.Status < 400):
		// Refused because of where the link points: no bucket there, or
		// not OSS's own endpoint.
		return NextLink
	}
	return NextFile
}

// Retryable reports whether sending the same file again can succeed.
func Retryable(err error) bool { return NextStep(err) == NextRetry }

// Error is every failure Check and Upload report. Unlike ordinary Go errors
// its text is meant for the person uploading: a capitalised Sentence saying
// what happened and a Hint saying what to do, which the CLI prints as
// "error:" and "hint:" lines and the GUI shows in the user's language.
type Error struct {
	// Kind is one of the Err* values above.
	Kind error
	// Status is the HTTP status of the last response; 0 when there was none
	// (a pre-flight check, a lost connection, cancellation).
	Status int
	// Code, Message, RequestID and EC come from the OSS XML error body.
	Code      string
	Message   string
	RequestID string
	EC        string
	Sentence  message.Text
	Hint      message.Text
	// Attempts is how many requests were made; 0 for a pre-flight failure.
	Attempts int
	// Err is the underlying cause, if any (context.Canceled, a *url.Error…).
	Err error
}

// Error returns the sentence and the hint.
func (e *Error) Error() string {
	if e.Hint.IsZero() {
		return e.Sentence.String()
	}
	return e.Sentence.String() + " " + e.Hint.String()
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := []error{e.Kind}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// ossError is the XML body OSS sends with every failed request.
type ossError struct {
	Code       string `xml:"Code"`
	Message    string `xml:"Message"`
	RequestID  string `xml:"RequestId"`
	HostID     string `xml:"HostId"`
	EC         string `xml:"EC"`
	Expires    string `xml:"Expires"`
	ServerTime string `xml:"ServerTime"`
}

// maxErrorBody bounds how much of an error response is read: OSS error
// bodies are a few hundred bytes, a misconfigured proxy's page may not be.
const maxErrorBody = 64 << 10

// parseError reads an OSS <Error> document; ok is false when body is not one.
func parseError(body []byte) (e ossError, ok bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '<' {
		return e, false
	}
	var doc struct {
		XMLName xml.Name
		ossError
	}
	if err := xml.Unmarshal(body, &doc); err != nil || doc.XMLName.Local != "Error" || doc.Code == "" {
		return e, false
	}
	e = doc.ossError
	for _, s := range []*string{&e.Code, &e.Message, &e.RequestID, &e.HostID, &e.EC, &e.Expires, &e.ServerTime} {
		*s = clean(*s)
	}
	return e, e.Code != ""
}

// clean makes server text safe to show: one line, printable, bounded.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 300)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// responseFailure describes an HTTP answer other than success.
type responseFailure struct {
	status    int
	statusTxt string
	xml       ossError
	isXML     bool
	requestID string // from the x-oss-request-id header, when the body has none
	body      []byte
}

// explain turns a response the server refused into an *Error. retried says
// whether an earlier attempt may have reached the server.
func (p *Plan) explain(f responseFailure, attempts int, retried bool) *Error {
	e := &Error{Status: f.status, Attempts: attempts, Code: f.xml.Code, Message: f.xml.Message, RequestID: f.xml.RequestID, EC: f.xml.EC}
	if e.RequestID == "" {
		e.RequestID = f.requestID
	}
	ref := e.reference()
	switch {
	case f.xml.Code == "SignatureDoesNotMatch":
		e.Kind = ErrSignature
		e.Sentence, e.Hint = p.signatureSentence()
	case f.xml.Code == "AccessDenied" && strings.Contains(strings.ToLower(f.xml.Message), "expired"):
		e.Kind = ErrExpired
		e.Sentence = message.New("OSS says this link has expired: it was valid until %s.", message.Time(p.Link.ExpiresAt))
		if !p.Link.ExpiresAt.IsZero() && p.now().Before(p.Link.ExpiresAt) {
			e.Sentence = message.New("OSS says this link has expired: it was valid until %s. This computer's clock says it should still work, so one of the two clocks is wrong.", message.Time(p.Link.ExpiresAt))
		}
		e.Hint = message.New("Ask the sender for a new link.")
	case f.xml.Code == "FileAlreadyExists" || (f.status == 409 && f.xml.Code == ""):
		e.Kind = ErrExists
		e.Sentence = message.New("An object named %q is already stored, and the sender protected it from being replaced.", p.Key)
		e.Hint = message.New("Ask the sender for a new link or a different object name.")
		if p.form != nil && p.Link.Request.Key == "" {
			e.Hint = message.New("Rename the file and upload it again, or ask the sender to remove the stored one.")
		}
		if retried {
			e.Sentence = message.New("An object named %q is already stored, and the sender protected it from being replaced. It may be your own file from the earlier attempt, which was cut off before OSS could answer.", p.Key)
			e.Hint = message.New("Ask the sender to check whether the file arrived before uploading it again.")
		}
	case f.xml.Code == "EntityTooSmall":
		e.Kind = ErrTooSmall
		e.Sentence = message.New("OSS refused the file as too small (%s) for this link.", message.Size(p.Size))
		e.Hint = message.New("Check that this is the right file, or ask the sender.")
	case f.xml.Code == "AccessDenied" && strings.Contains(f.xml.Message, "Policy Condition failed"):
		e.Kind = ErrPolicy
		e.Sentence = message.New("OSS refused the file because the link's policy does not allow it (%s).", strings.TrimPrefix(f.xml.Message, "Invalid according to Policy: "))
		e.Hint = message.New("Send this message to the link's sender.")
	case f.xml.Code == "InvalidPolicyDocument":
		e.Kind = ErrLink
		e.Sentence = message.New("OSS cannot read this link's policy: %s%s.", orStatus(f), ref)
		e.Hint = message.New("Ask the sender for a new link.")
	case f.xml.Code == "EntityTooLarge":
		e.Kind = ErrTooLarge
		e.Sentence = message.New("OSS refused the file as too large (%s): one upload takes at most 5 GiB, and the link may allow less.", message.Size(p.Size))
		e.Hint = message.New("Ask the sender for another way to send a file this size.")
	case f.xml.Code == "InvalidDigest" || f.xml.Code == "BadDigest":
		e.Kind = ErrRefused
		e.Sentence = message.New("The file is not the one the link was made for: its MD5 differs from the Content-MD5 the link pins.")
		e.Hint = message.New("Choose the exact file the sender expects, or ask for a new link.")
	case f.xml.Code == "InvalidAccessKeyId":
		e.Kind = ErrDenied
		e.Sentence = message.New("OSS does not know the AccessKey this link was signed with: it may have been disabled or deleted.")
		e.Hint = message.New("Ask the sender for a new link.")
	case f.xml.Code == "SecurityTokenExpired" || f.xml.Code == "InvalidSecurityToken":
		e.Kind = ErrExpired
		e.Sentence = message.New("The temporary credentials this link was signed with have expired, so the link no longer works.")
		e.Hint = message.New("Ask the sender for a new link.")
	case f.xml.Code == "NoSuchBucket":
		e.Kind = ErrRefused
		e.Sentence = message.New("The bucket this link uploads to does not exist (%s).", f.xml.Message)
		e.Hint = message.New("Ask the sender for a new link.")
	case f.xml.Code == "RequestTimeout":
		// OSS stopped reading because the body came too slowly: the
		// connection, not the link or the file, and a retry can succeed.
		e.Kind = ErrNetwork
		e.Sentence = message.New("OSS stopped waiting for the file: the upload stalled or went too slowly.")
		e.Hint = message.New("Check the connection and try again.")
	case f.xml.Code == "RequestTimeTooSkewed":
		e.Kind = ErrClock
		e.Sentence = message.New("OSS says the time of the upload is too far from its own: a clock is wrong, on this computer or on the one that made the link.")
		e.Hint = message.New("Set the date and time automatically, then try again.")
	case f.xml.Code == "AccessDenied" || f.status == 403:
		e.Kind = ErrDenied
		e.Sentence = message.New("OSS refused the upload: %s%s.", orStatus(f), ref)
		e.Hint = message.New("The link may have been revoked or its owner lacks permission: ask the sender for a new link.")
	case f.status >= 500:
		e.Kind = ErrServer
		e.Sentence = message.New("The server failed with %s%s.", orStatus(f), ref)
		if attempts > 1 {
			e.Sentence = message.New("The server failed with %s%s, %d times in a row.", orStatus(f), ref, attempts)
		}
		e.Hint = message.New("OSS may be busy: try again in a few minutes, and if it keeps failing give the sender the request ID.")
	case f.status >= 300 && f.status < 400:
		e.Kind = ErrRefused
		e.Sentence = message.New("The server redirected the upload (%d %s) instead of storing it: a presigned link must go straight to OSS.", f.status, f.statusTxt)
		e.Hint = message.New("Ask the sender for a link to the bucket's own endpoint.")
	default:
		e.Kind = ErrRefused
		e.Sentence = message.New("OSS refused the upload: %s%s.", orStatus(f), ref)
		e.Hint = message.New("Send this message to the link's sender.")
	}
	return e
}

// reference is the request ID and EC in parentheses, for support; empty
// when there is neither.
func (e *Error) reference() message.Text {
	switch {
	case e.RequestID != "" && e.EC != "":
		return message.New(" (request ID %s, EC %s)", e.RequestID, e.EC)
	case e.RequestID != "":
		return message.New(" (request ID %s)", e.RequestID)
	case e.EC != "":
		return message.New(" (EC %s)", e.EC)
	}
	return message.Text{}
}

// orStatus is the OSS code and message verbatim, or the HTTP status and the
// start of the body when the answer is not an OSS error document.
func orStatus(f responseFailure) message.Text {
	if f.isXML {
		if f.xml.Message == "" {
			return message.New("%s", f.xml.Code)
		}
		return message.New("%s: %s", f.xml.Code, strings.TrimSuffix(f.xml.Message, "."))
	}
	if body := clean(string(f.body)); body != "" {
		return message.New("status %d %s (%s)", f.status, f.statusTxt, truncate(body, 120))
	}
	return message.New("status %d %s", f.status, f.statusTxt)
}

// signatureSentence says which headers the link expects and which were
// sent, since a difference there is by far the most common cause.
func (p *Plan) signatureSentence() (sentence, hint message.Text) {
	if p.form != nil {
		return message.New("OSS refused the upload because the request link's signature does not match its policy: the link was changed after it was signed, or its AccessKey was replaced."),
			message.New("Copy the whole link again, or ask the sender for a new one.")
	}
	// "Sent none" and "expects none" are sentences of their own: "no
	// headers" as an argument reads badly in Chinese ("发送了 无请求头").
	sent := formatHeaders(p.Headers)
	if !p.Link.HeadersKnown {
		hint := message.New("Ask the sender for the share link or the curl command: they carry the headers the upload must send.")
		if len(p.Headers) == 0 {
			return message.New("OSS refused the upload because it does not match the link's signature. This bare link does not say which headers it was signed with, and the upload sent none."), hint
		}
		return message.New("OSS refused the upload because it does not match the link's signature. This bare link does not say which headers it was signed with; the upload sent %s.", sent), hint
	}
	want := formatHeaders(p.Link.Headers)
	if want.String() == sent.String() {
		return message.New("OSS refused the upload because it does not match the link's signature, although it sent exactly the headers the link expects (%s). The link was probably changed after it was signed.", want),
			message.New("Copy the whole link again, or ask the sender for a new one.")
	}
	hint = message.New("Send exactly the headers the link expects (remove any you added), or ask the sender for a new link.")
	switch {
	case len(p.Link.Headers) == 0:
		return message.New("OSS refused the upload because it does not match the link's signature: the link expects no headers, but the upload sent %s.", sent), hint
	case len(p.Headers) == 0:
		return message.New("OSS refused the upload because it does not match the link's signature: the link expects %s, but the upload sent none.", want), hint
	}
	return message.New("OSS refused the upload because it does not match the link's signature: the link expects %s, but the upload sent %s.", want, sent), hint
}

// formatHeaders lists headers for a sentence, shortening long values such as
// a Base64 callback.
func formatHeaders(h signing.Headers) message.Text {
	if len(h) == 0 {
		return message.New("no headers")
	}
	parts := make([]string, len(h))
	for i, v := range h {
		parts[i] = v.Name + ": " + truncate(v.Value, 40)
	}
	return message.New("%s", strings.Join(parts, ", "))
}

// FormatSize writes a byte count the way the upload's messages do, in IEC
// units as file managers show them: "1 byte", "512 bytes", "1.5 MiB".
func FormatSize(n int64) string {
	return message.Size(n).String()
}
