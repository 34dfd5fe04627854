package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"path/filepath"
)

// A PostObject form is read with formReader instead of mime/multipart,
// whose fixed 4 KiB buffer makes every read of the file part small and
// copies every byte once more. formReader finds the same parts, the same
// bytes and the same refusals as mime/multipart's NextRawPart (its part
// scanning follows mime/multipart's, and FuzzFormReader holds the two to
// it), with two differences that are why it exists:
//   - a part's bytes can be read straight into the caller's large buffers
//     (streamedPart.fill): the file goes from the socket into the store's
//     buffers in large reads and is never copied on the way, its closing
//     boundary found across the edges of reads and buffers;
//   - what it keeps in memory is bounded: a part's header block is at most
//     formHeaderMax bytes (mime/multipart allows 10 MB).
//
// It does not decode a quoted-printable part as NextPart would: the bytes
// a form sends are the object, as on OSS (and RFC 7578 forbids the
// encoding in forms).
type formReader struct {
	r   io.Reader
	err error // the error r returned; r is not read again after one
	// buf[head:tail] is the window: bytes read from r, not yet consumed.
	buf        []byte
	head, tail int

	nl               []byte // "\r\n", or "\n" once the first boundary line ends so
	nlDashBoundary   []byte // nl + "--" + boundary
	dashBoundaryDash []byte // "--" + boundary + "--"
	dashBoundary     []byte // "--" + boundary
	partsRead        int
	current          *streamedPart
}

const (
	// maxBoundary is RFC 2046's longest boundary.
	maxBoundary = 70
	// formLineMax is the longest line allowed between parts (the preamble,
	// boundary lines): as mime/multipart, whose buffer it is.
	formLineMax = 4096
	// formHeaderMax bounds one part's header block: room for OSS's longest
	// field name (8 KB), however it is quoted or encoded, and a file name.
	formHeaderMax = 24 << 10
	// formReadSize is the window's first size and how much it asks of the
	// body at a time while reading fields.
	formReadSize = 4096
	// maxEmptyReads is how many reads that return nothing the reader takes
	// before it gives up (as bufio does).
	maxEmptyReads = 100
)

// Refusals of formReader that mime/multipart does not make.
var (
	errFormBoundary    = errors.New("multipart: the boundary must be 1 to 70 characters without line breaks")
	errFormHeaderLarge = fmt.Errorf("multipart: a part's header is larger than %d KB", formHeaderMax>>10)
)

// newFormReader reads a multipart/form-data body with the given boundary.
func newFormReader(r io.Reader, boundary string) (*formReader, error) {
	if boundary == "" || len(boundary) > maxBoundary || bytes.ContainsAny([]byte(boundary), "\r\n") {
		return nil, errFormBoundary
	}
	b := []byte("\r\n--" + boundary + "--")
	return &formReader{
		r:                r,
		buf:              make([]byte, formReadSize),
		nl:               b[:2],
		nlDashBoundary:   b[:len(b)-2],
		dashBoundaryDash: b[2:],
		dashBoundary:     b[2 : len(b)-2],
	}, nil
}

func (fr *formReader) window() []byte { return fr.buf[fr.head:fr.tail] }

// readMore reads once more from the body into the window (after up to
// maxEmptyReads reads that brought nothing); an error is kept in fr.err.
func (fr *formReader) readMore() {
	if fr.err != nil {
		return
	}
	if fr.tail == len(fr.buf) {
		if fr.head > 0 {
			fr.tail = copy(fr.buf, fr.window())
			fr.head = 0
		}
		if fr.tail == len(fr.buf) {
			fr.buf = append(fr.buf, make([]byte, len(fr.buf))...)
		}
	}
	for range maxEmptyReads {
		n, err := fr.r.Read(fr.buf[fr.tail:])
		fr.tail += n
		if err != nil {
			fr.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	fr.err = io.ErrNoProgress
}

// setWindow makes b (bytes the caller read past a part's end) the
// window: it is called when the window is empty.
func (fr *formReader) setWindow(b []byte) {
	if len(b) > len(fr.buf) {
		fr.buf = make([]byte, len(b))
	}
	fr.head, fr.tail = 0, copy(fr.buf, b)
}

// readLine is bufio.Reader.ReadSlice('\n') with a formLineMax buffer,
// which is how mime/multipart reads the lines between parts.
func (fr *formReader) readLine() ([]byte, error) {
	for {
		w := fr.window()
		if i := bytes.IndexByte(w[:min(len(w), formLineMax)], '\n'); i >= 0 {
			fr.head += i + 1
			return w[:i+1], nil
		}
		if len(w) >= formLineMax {
			fr.head += formLineMax
			return w[:formLineMax], bufio.ErrBufferFull
		}
		if fr.err != nil {
			fr.head = fr.tail
			return w, fr.err
		}
		fr.readMore()
	}
}

// nextPart returns the next part, or io.EOF after the last; the part
// before it is read to its end first. It follows mime/multipart's
// Reader.NextPart line by line.
func (fr *formReader) nextPart() (*streamedPart, error) {
	if fr.current != nil {
		fr.current.discard()
	}
	expectNewPart := false
	for {
		line, err := fr.readLine()
		if err == io.EOF && fr.isFinalBoundary(line) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("multipart: NextPart: %w", err)
		}
		if fr.isBoundaryDelimiterLine(line) {
			fr.partsRead++
			header, err := fr.readHeader()
			if err != nil {
				return nil, err
			}
			fr.current = &streamedPart{Header: header, fr: fr}
			return fr.current, nil
		}
		if fr.isFinalBoundary(line) {
			return nil, io.EOF
		}
		if expectNewPart {
			return nil, fmt.Errorf("multipart: expecting a new Part; got line %q", string(line))
		}
		if fr.partsRead == 0 {
			continue // the preamble
		}
		// The line break between a part's bytes and the boundary line.
		if bytes.Equal(line, fr.nl) {
			expectNewPart = true
			continue
		}
		return nil, fmt.Errorf("multipart: unexpected line in Next(): %q", line)
	}
}

// isFinalBoundary reports whether line is `--boundary--[ \t]*(\r\n)?`.
func (fr *formReader) isFinalBoundary(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dashBoundaryDash)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	return len(rest) == 0 || bytes.Equal(rest, fr.nl)
}

// isBoundaryDelimiterLine reports whether line is `--boundary[ \t]*\r\n`;
// a first one that ends in "\n" alone switches the reader to such lines,
// as mime/multipart does (senders that break the rule exist).
func (fr *formReader) isBoundaryDelimiterLine(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dashBoundary)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	if fr.partsRead == 0 && len(rest) == 1 && rest[0] == '\n' {
		fr.nl = fr.nl[1:]
		fr.nlDashBoundary = fr.nlDashBoundary[1:]
	}
	return bytes.Equal(rest, fr.nl)
}

func skipLWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// readHeader reads a part's header block (up to its blank line) into the
// window and parses it with net/textproto, as mime/multipart does.
func (fr *formReader) readHeader() (textproto.MIMEHeader, error) {
	for {
		w := fr.window()
		if end := headerEnd(w[:min(len(w), formHeaderMax)]); end >= 0 {
			fr.head += end
			return parseHeader(w[:end], nil)
		}
		if len(w) >= formHeaderMax {
			return nil, errFormHeaderLarge
		}
		if fr.err != nil {
			// Cut short: textproto says how, as it would have from the body.
			fr.head = fr.tail
			return parseHeader(w, fr.err)
		}
		fr.readMore()
	}
}

// headerEnd returns the length of the header block at the start of b, up
// to and with its blank line ("\r\n" or "\n" at the start of a line), or -1
// when b does not hold all of it.
func headerEnd(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\n")):
		return 1
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	}
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
		switch {
		case bytes.HasPrefix(b[i:], []byte("\n")):
			return i + 1
		case bytes.HasPrefix(b[i:], []byte("\r\n")):
			return i + 2
		}
	}
}

// parseHeader parses a header block; tail is the error the body ended
// with right after it (nil when the block is whole).
func parseHeader(block []byte, tail error) (textproto.MIMEHeader, error) {
	var r io.Reader = bytes.NewReader(block)
	if tail != nil && tail != io.EOF {
		r = io.MultiReader(r, errReader{tail})
	}
	return textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// streamedPart is one part of a form: its header, and its bytes through Read
// (small reads, as a field's value) or fill (a file, into large buffers).
type streamedPart struct {
	Header textproto.MIMEHeader
	fr     *formReader
	// total is how many of its bytes were returned; n how many at the
	// start of the window are known to be its bytes; err what ends it
	// once those are read: io.EOF at its boundary, or the body's error.
	total int64
	n     int
	err   error

	disposition       string
	dispositionParams map[string]string
}

// formName is the part's form field name, as mime/multipart's
// Part.FormName.
func (p *streamedPart) formName() string {
	p.parseDisposition()
	if p.disposition != "form-data" {
		return ""
	}
	return p.dispositionParams["name"]
}

// fileName is the part's file name without directories, as
// mime/multipart's Part.FileName.
func (p *streamedPart) fileName() string {
	p.parseDisposition()
	if name := p.dispositionParams["filename"]; name != "" {
		return filepath.Base(name)
	}
	return ""
}

func (p *streamedPart) parseDisposition() {
	if p.dispositionParams != nil {
		return
	}
	var err error
	p.disposition, p.dispositionParams, err = mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		p.dispositionParams = map[string]string{}
	}
}

// readErr is the body's error for scanning: its end inside a part is
// io.ErrUnexpectedEOF.
func (fr *formReader) readErr() error {
	if fr.err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return fr.err
}

// Read reads the part's bytes through the window, as mime/multipart's
// Part.Read does through its buffer.
func (p *streamedPart) Read(d []byte) (int, error) {
	fr := p.fr
	for p.n == 0 && p.err == nil {
		p.n, p.err = scanUntilBoundary(fr.window(), fr.dashBoundary, fr.nlDashBoundary, p.total, fr.readErr())
		if p.n == 0 && p.err == nil {
			fr.readMore()
		}
	}
	if p.n == 0 {
		return 0, p.err
	}
	n := copy(d, fr.window()[:min(len(d), p.n)])
	fr.head += n
	p.total += int64(n)
	p.n -= n
	if p.n == 0 {
		return n, p.err
	}
	return n, nil
}

// fill is the part as a source for ingest: it reads the body straight into
// buf until buf is full or the part ends, and returns how many of those
// bytes are the part's. Unless the part ended (io.EOF) or the body failed,
// that is a multiple of blockAlign: the rest, and any bytes that might
// begin the closing boundary, go back to the window and lead the next
// fill. buf must hold at least two blocks (ingest's buffers do).
func (p *streamedPart) fill(buf []byte) (int, error) {
	if len(buf) < 2*blockAlign {
		return 0, fmt.Errorf("multipart: a buffer of %d bytes is too small to fill", len(buf))
	}
	fr := p.fr
	w := fr.window()
	m := copy(buf, w)
	safe := min(p.n, m) // known to be the part's
	p.n -= safe
	for p.err == nil {
		var readErr error
		if m >= len(w) {
			readErr = fr.readErr() // nothing follows buf[:m] but the error, if any
		}
		n, err := scanUntilBoundary(buf[safe:m], fr.dashBoundary, fr.nlDashBoundary, p.total+int64(safe), readErr)
		safe += n
		if err != nil {
			p.err = err
			break
		}
		if m == len(buf) {
			break
		}
		if fr.err == nil {
			k := 0
			for range maxEmptyReads {
				if k, fr.err = fr.r.Read(buf[m:]); k > 0 || fr.err != nil {
					break
				}
			}
			if k == 0 && fr.err == nil {
				fr.err = io.ErrNoProgress
			}
			m += k
		}
	}
	keep := safe
	if p.err == nil {
		keep -= safe % blockAlign
		p.n += safe - keep
	}
	// What is not returned stays, in order, at the front of the window.
	if m <= len(w) {
		fr.head += keep
	} else {
		fr.head = fr.tail
		fr.setWindow(buf[keep:m])
	}
	p.total += int64(keep)
	if p.err != nil && p.n == 0 {
		return keep, p.err
	}
	return keep, nil
}

// discard reads the rest of the part, as mime/multipart's Part.Close.
func (p *streamedPart) discard() {
	var scratch [formReadSize]byte
	for {
		if _, err := p.Read(scratch[:]); err != nil {
			return
		}
	}
}

// scanUntilBoundary is mime/multipart's function of the same name: how
// many bytes of buf are surely the part's (and not a boundary that more
// bytes would complete), and the error that ends the part after them:
// io.EOF at its boundary, or readErr (the error after buf, if any). total
// is how many bytes of the part came before buf: at its start, a boundary
// needs no line break before it.
func scanUntilBoundary(buf, dashBoundary, nlDashBoundary []byte, total int64, readErr error) (int, error) {
	if total == 0 {
		if bytes.HasPrefix(buf, dashBoundary) {
			switch matchAfterPrefix(buf, dashBoundary, readErr) {
			case -1:
				return len(dashBoundary), nil
			case 0:
				return 0, nil
			case +1:
				return 0, io.EOF
			}
		}
		if bytes.HasPrefix(dashBoundary, buf) {
			return 0, readErr
		}
	}
	if i := bytes.Index(buf, nlDashBoundary); i >= 0 {
		switch matchAfterPrefix(buf[i:], nlDashBoundary, readErr) {
		case -1:
			return i + len(nlDashBoundary), nil
		case 0:
			return i, nil
		case +1:
			return i, io.EOF
		}
	}
	if bytes.HasPrefix(nlDashBoundary, buf) {
		return 0, readErr
	}
	// Up to the last line break is the part's; from there on too, unless
	// it could be the start of the boundary.
	i := bytes.LastIndexByte(buf, nlDashBoundary[0])
	if i >= 0 && bytes.HasPrefix(nlDashBoundary, buf[i:]) {
		return i, nil
	}
	return len(buf), readErr
}

// matchAfterPrefix is mime/multipart's: +1 when the boundary prefix at the
// start of buf is a boundary (followed by "--", a space, a tab, a line
// break or the end of the input), -1 when it is not, 0 when more bytes
// must be read to tell.
func matchAfterPrefix(buf, prefix []byte, readErr error) int {
	if len(buf) == len(prefix) {
		if readErr != nil {
			return +1
		}
		return 0
	}
	c := buf[len(prefix)]
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
		return +1
	}
	if c == '-' {
		if len(buf) == len(prefix)+1 {
			if readErr != nil {
				return -1
			}
			return 0
		}
		if buf[len(prefix)+1] == '-' {
			return +1
		}
	}
	return -1
}
