package upload

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// formFraming is a request-link upload's multipart/form-data body around
// the file: the fields and the file part's header before it, the closing
// boundary after. Only the file streams; the framing is a few kilobytes
// built once, so the body's exact length is known before a byte is sent.
type formFraming struct {
	prefix, suffix []byte
	contentType    string // multipart/form-data; boundary=…
}

// prepareForm runs the pre-flight checks of a request-link upload: the
// file exists and is regular, its size is in the link's range, its type
// is one the link takes, and its key is one OSS accepts. Then it frames the
// form.
func prepareForm(req Request, in *signing.Inspection, p *Plan) (*Plan, error) {
	l := in.Request
	if len(req.ExtraHeaders) > 0 {
		return nil, &Error{Kind: ErrHeader, Sentence: message.New("A request link carries its own form fields; headers cannot be added to it."), Hint: message.New("Leave out --header.")}
	}
	if err := p.checkFile(); err != nil {
		return nil, err
	}
	name := req.Name
	if name == "" {
		name = filepath.Base(p.File)
	}
	p.Key = l.ObjectKey(name)
	display := displayName(p.File, req.Name)
	if fe := signing.ValidateKey(p.Key); fe != nil {
		return nil, &Error{Kind: ErrFile, Sentence: message.New("%s cannot be stored under the name %q: %s", display, p.Key, fe.Text),
			Hint: message.New("Rename the file, then upload it again.")}
	}
	switch {
	case p.Size > l.MaxSize:
		return nil, &Error{Kind: ErrTooLarge,
			Sentence: message.New("%s is %s, more than the %s this link takes.", display, message.Size(p.Size), message.Size(l.MaxSize)),
			Hint:     message.New("Compress or split the file, or ask the sender for a link that takes larger files.")}
	case p.Size < l.MinSize:
		return nil, &Error{Kind: ErrTooSmall,
			Sentence: message.New("%s is %s, less than the %s this link takes at least.", display, message.Size(p.Size), message.Size(l.MinSize)),
			Hint:     message.New("Check that this is the right file (an empty file is often an unfinished copy).")}
	}
	p.ContentType = l.ContentType
	detected := DetectContentType(p.File)
	switch {
	case l.ContentType != "" && mediaType(detected) != mediaType(l.ContentType) && detected != "application/octet-stream":
		p.Warnings = append(p.Warnings, message.New("The link takes %s files, and %s looks like %s; it will be stored as %s.", l.ContentType, display, detected, l.ContentType))
	case l.ContentType == "" && !strings.HasPrefix(detected, l.ContentTypePrefix):
		return nil, &Error{Kind: ErrType,
			Sentence: message.New("%s looks like %s, but this link takes only %s… files.", display, mediaType(detected), l.ContentTypePrefix),
			Hint:     message.New("Choose a file of that type, or ask the sender for a link that takes this one.")}
	case l.ContentType == "":
		p.ContentType = detected
	}
	p.Warnings = append(p.Warnings, in.Warnings...)
	f, err := frameForm(l, p.Key, p.ContentType, filepath.Base(p.File))
	if err != nil {
		return nil, &Error{Kind: ErrLink, Sentence: message.New("The link's form cannot be built."), Hint: message.New("Copy the whole link again."), Err: err}
	}
	p.form = f
	p.Headers = signing.Headers{{Name: "content-type", Value: f.contentType}}
	return p, nil
}

// displayName is how messages name a file: its name under the folder when
// it came from one, else its base name.
func displayName(file, name string) string {
	if name != "" {
		return name
	}
	return filepath.Base(file)
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// DetectContentType guesses a file's type as a browser would: by its
// extension first, then by its first bytes.
func DetectContentType(file string) string {
	if ct := mime.TypeByExtension(strings.ToLower(path.Ext(file))); ct != "" {
		return ct
	}
	head := make([]byte, 512)
	n := 0
	if f, err := os.Open(file); err == nil {
		n, _ = io.ReadFull(f, head)
		f.Close()
	}
	return http.DetectContentType(head[:n])
}

// frameForm writes the form's fields and the file part's header (prefix)
// and the closing boundary (suffix) with mime/multipart, so the framing is
// exactly what the standard library's reader expects.
func frameForm(l *signing.RequestLink, key, contentType, fileName string) (*formFraming, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range l.Form(key, contentType) {
		if err := mw.WriteField(f.Name, f.Value); err != nil {
			return nil, err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, signing.FormFile, fileName))
	h.Set("Content-Type", contentType)
	if contentType == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	prefix := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &formFraming{prefix: prefix, suffix: bytes.Clone(buf.Bytes()), contentType: mw.FormDataContentType()}, nil
}

// length is the whole body's length for a file of size bytes.
func (f *formFraming) length(size int64) int64 {
	return int64(len(f.prefix)) + size + int64(len(f.suffix))
}

// request builds the POST of one attempt: the framing around the same
// body a PUT streams (hashing, progress, cancel, the stall watchdog),
// joined without a copy.
func (f *formFraming) request(ctx context.Context, p *Plan, b *body) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Link.Request.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Body = &formBody{prefix: f.prefix, file: b, suffix: f.suffix}
	req.ContentLength = f.length(p.Size)
	req.Header.Set("Content-Type", f.contentType)
	req.Header.Set("User-Agent", UserAgent)
	return req, nil
}

// formBody is the request body of a form: the framing's prefix, the
// file's body, the suffix. Like body, it writes itself to an uploadConn
// (WriteTo), so the file's buffers go to the socket as they are. The
// attempt owns the file.
type formBody struct {
	prefix []byte // what is left of the prefix
	file   *body
	suffix []byte // what is left of the suffix
}

func (f *formBody) Read(p []byte) (int, error) {
	if len(f.prefix) > 0 {
		n := copy(p, f.prefix)
		f.prefix = f.prefix[n:]
		return n, nil
	}
	if f.file.unsent() > 0 {
		n, err := f.file.Read(p)
		if err != io.EOF {
			return n, err
		}
		if f.file.unsent() > 0 {
			return n, io.ErrUnexpectedEOF // the body reported its own failure already
		}
		return n, nil
	}
	if len(f.suffix) > 0 {
		n := copy(p, f.suffix)
		f.suffix = f.suffix[n:]
		return n, nil
	}
	return 0, io.EOF
}

func (f *formBody) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for _, part := range []*[]byte{&f.prefix, nil, &f.suffix} {
		var n int64
		var err error
		if part == nil {
			n, err = f.file.WriteTo(w)
			if err == nil && f.file.unsent() > 0 {
				err = io.ErrUnexpectedEOF
			}
		} else {
			var m int
			m, err = w.Write(*part)
			*part = (*part)[m:]
			n = int64(m)
		}
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (f *formBody) unsent() int64 {
	return int64(len(f.prefix)) + f.file.unsent() + int64(len(f.suffix))
}

// Close is a no-op: the attempt owns the file and closes it.
func (f *formBody) Close() error { return nil }
