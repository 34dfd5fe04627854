package upload

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// MaxSize is the most OSS stores with one PUT (5 GiB); larger files need a
// multipart upload, which a presigned PUT link cannot do.
const MaxSize int64 = 5 << 30

// Plan is what an upload will do, as found by the pre-flight checks.
type Plan struct {
	Link *signing.Inspection
	File string
	Size int64
	// Key is the object key the upload writes: the link's own, or for a
	// request link its folder plus the file's name.
	Key string
	// ContentType is the type a request-link upload declares (the link's
	// bound type, or the file's own); empty for a PUT, which sends the
	// link's headers only.
	ContentType string
	// Headers are exactly the headers the upload sends that OSS may sign:
	// the link's, with the request's ExtraHeaders applied.
	Headers signing.Headers
	// Warnings are things that may make the upload fail but do not stop it,
	// such as a bare link that does not say which headers it was signed with.
	Warnings []message.Text

	now  func() time.Time
	form *formFraming // request links only
}

// Check runs the pre-flight checks Upload runs, without sending anything:
// the GUI calls it to enable its Upload button and to show why not. The
// error is an *Error.
func Check(req Request) error {
	_, err := Prepare(req)
	return err
}

// Prepare runs the pre-flight checks and says what Upload would send. The
// checks, in order: the link can be read, has not expired, is for PUT; the
// extra headers are valid; the file exists, is a readable regular file and
// at most MaxSize. A request link instead checks the file against its
// policy: size range, type, and the key the file's name gives. The error
// is an *Error.
func Prepare(req Request) (*Plan, error) {
	now := req.Now
	if now == nil {
		now = time.Now
	}
	in := req.Link
	if in == nil {
		var err error
		if in, err = signing.Inspect(req.LinkText, now()); err != nil {
			return nil, linkError(err)
		}
	}
	if at := now(); in.Expired(at) {
		return nil, &Error{Kind: ErrExpired,
			Sentence: signing.ExpiredText(in.ExpiresAt, at),
			Hint:     message.New("Ask the sender for a new link.")}
	}
	if in.Request != nil {
		return prepareForm(req, in, &Plan{Link: in, File: req.File, now: now})
	}
	if in.Method != signing.MethodPut {
		return nil, &Error{Kind: ErrMethod,
			Sentence: message.New("This link is for %s, not for uploading a file (PUT).", in.Method),
			Hint:     message.New("Ask the sender for an upload link.")}
	}
	p := &Plan{Link: in, File: req.File, Key: in.Key, now: now}
	if err := p.mergeHeaders(req.ExtraHeaders); err != nil {
		return nil, err
	}
	if err := p.checkFile(); err != nil {
		return nil, err
	}
	return p, nil
}

// linkError is the upload error for a link that cannot be read: signing's
// own sentence and hint (a *signing.LinkError), translated like every other.
func linkError(err error) *Error {
	e := &Error{Kind: ErrLink, Err: err}
	if le, ok := signing.AsLinkError(err); ok {
		e.Sentence, e.Hint = le.Sentence, le.Hint
	} else {
		e.Sentence, e.Hint = message.New("This is not a usable link: %s.", err.Error()), message.New("Copy the whole link again, or ask the sender for it.")
	}
	return e
}

// mergeHeaders applies the extra headers over the link's and collects the
// warnings worth showing before the upload starts.
func (p *Plan) mergeHeaders(extra signing.Headers) error {
	in := p.Link
	headers := slices.Clone(in.Headers)
	var replaced []string
	for _, h := range extra {
		name := strings.ToLower(strings.TrimSpace(h.Name))
		if !httpguts.ValidHeaderFieldName(name) || strings.ContainsAny(h.Value, "\r\n\x00") {
			return &Error{Kind: ErrHeader,
				Sentence: message.New("The header %q is not a valid HTTP header.", h.Name+": "+h.Value),
				Hint:     message.New("Write headers as 'Name: value', one per flag.")}
		}
		if http.CanonicalHeaderKey(name) == "Content-Length" || http.CanonicalHeaderKey(name) == "Transfer-Encoding" {
			return &Error{Kind: ErrHeader,
				Sentence: message.New("The header %s is set by OSS Drop from the file itself.", name),
				Hint:     message.New("Leave it out.")}
		}
		i := slices.IndexFunc(headers, func(x signing.Header) bool { return x.Name == name })
		switch {
		case i < 0:
			headers = append(headers, signing.Header{Name: name, Value: h.Value})
		case headers[i].Value != h.Value:
			replaced = append(replaced, name)
			headers[i].Value = h.Value
		}
	}
	slices.SortFunc(headers, func(a, b signing.Header) int { return strings.Compare(a.Name, b.Name) })
	p.Headers = headers

	for _, w := range in.Warnings {
		// Inspect's bare-link warning says no headers are sent, which is
		// wrong once the user added some; it is restated below.
		if !in.HeadersKnown && len(extra) > 0 && strings.HasPrefix(w.Format, "This bare link") {
			continue
		}
		p.Warnings = append(p.Warnings, w)
	}
	if !in.HeadersKnown && len(extra) > 0 {
		p.Warnings = append(p.Warnings, message.New("This bare link does not say which headers it was signed with; the upload sends only the ones you added (%s).", formatHeaders(headers)))
	}
	if in.HeadersKnown && len(replaced) > 0 {
		p.Warnings = append(p.Warnings, message.New("You changed the value of %s, which the link was signed with: OSS will refuse the upload unless the link was made with your value.", strings.Join(replaced, ", ")))
	}
	return nil
}

// checkFile makes sure the file can be sent in one PUT. It opens the file
// because only reading proves it is readable (permissions, ACLs, locks).
func (p *Plan) checkFile() error {
	if p.File == "" {
		return &Error{Kind: ErrFile, Sentence: message.New("No file was chosen."), Hint: message.New("Choose the file to upload.")}
	}
	f, err := os.Open(p.File)
	if err != nil {
		return fileError(p.File, err)
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return fileError(p.File, err)
	case info.IsDir():
		return &Error{Kind: ErrFile, Sentence: message.New("%s is a folder: a link takes one file.", p.File), Hint: message.New("Choose a file, or zip the folder first.")}
	case !info.Mode().IsRegular():
		return &Error{Kind: ErrFile, Sentence: message.New("%s is not a regular file, so its size is not known in advance.", p.File), Hint: message.New("Save it to a file first, then upload that.")}
	case info.Size() > MaxSize:
		return &Error{Kind: ErrTooLarge,
			Sentence: message.New("%s is %s (%d bytes), more than the 5 GiB (%d bytes) OSS takes in one upload.", p.File, message.Size(info.Size()), info.Size(), MaxSize),
			Hint:     message.New("Split the file into parts under 5 GiB, or ask the sender for another way to send it.")}
	}
	if v, ok := p.Link.Headers.Get("content-length"); ok && v != fmt.Sprint(info.Size()) {
		return &Error{Kind: ErrFile,
			Sentence: message.New("The link was signed for a file of %s bytes, but %s is %d bytes.", v, p.File, info.Size()),
			Hint:     message.New("Choose the exact file the sender expects, or ask for a new link.")}
	}
	p.Size = info.Size()
	return nil
}

// fileError says why a file cannot be read.
func fileError(name string, err error) *Error {
	e := &Error{Kind: ErrFile, Err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.Sentence, e.Hint = message.New("There is no file at %s.", name), message.New("Check the path.")
	case errors.Is(err, fs.ErrPermission):
		e.Sentence, e.Hint = message.New("OSS Drop is not allowed to read %s.", name), message.New("Check the file's permissions.")
	default:
		var pe *fs.PathError
		cause := err
		if errors.As(err, &pe) {
			cause = pe.Err
		}
		e.Sentence, e.Hint = message.New("%s cannot be read: %v.", name, cause), message.New("Check the file, or copy it somewhere else and upload the copy.")
	}
	return e
}
