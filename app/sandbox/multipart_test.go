package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"reflect"
	"strings"
	"testing"
)

// chunkReader returns at most sizes[i] bytes by its i-th Read (sizes
// cycled), then end (io.EOF when nil); with eofWithData, the end comes
// with the last bytes (as net/http's body does).
type chunkReader struct {
	b           []byte
	sizes       []int
	i           int
	end         error
	eofWithData bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	end := c.end
	if end == nil {
		end = io.EOF
	}
	if len(c.b) == 0 {
		return 0, end
	}
	n := copy(p[:min(len(p), c.sizes[c.i%len(c.sizes)])], c.b)
	c.i++
	c.b = c.b[n:]
	if len(c.b) == 0 && c.eofWithData {
		return n, end
	}
	return n, nil
}

// parsedPart is what a multipart reader made of one part.
type parsedPart struct {
	Header         textproto.MIMEHeader
	Name, FileName string
	Data           string
	DataErr        string // the error that cut the bytes short, if any
}

// parseWithMime reads every part with mime/multipart's NextRawPart; end is
// the error after the last part ("EOF" when the form ended as it should).
func parseWithMime(body []byte, boundary string) (parts []parsedPart, end string) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return parts, err.Error()
		}
		data, err := io.ReadAll(p)
		pp := parsedPart{Header: p.Header, Name: p.FormName(), FileName: p.FileName(), Data: string(data)}
		if err != nil {
			pp.DataErr = err.Error()
		}
		parts = append(parts, pp)
	}
}

// parseWithFormReader reads every part with formReader, through fill with
// buffers of blocks*blockAlign bytes, or through Read in reads of
// readSize bytes when blocks is zero.
func parseWithFormReader(t *testing.T, fr *formReader, blocks, readSize int) (parts []parsedPart, end string) {
	t.Helper()
	for {
		p, err := fr.nextPart()
		if err != nil {
			return parts, err.Error()
		}
		pp := parsedPart{Header: p.Header, Name: p.formName(), FileName: p.fileName()}
		var data []byte
		var dataErr error
		if blocks > 0 {
			data, dataErr = fillAll(t, p, blocks*blockAlign)
		} else {
			data, dataErr = io.ReadAll(iotestReader{p, readSize})
		}
		pp.Data = string(data)
		if dataErr != nil {
			pp.DataErr = dataErr.Error()
		}
		parts = append(parts, pp)
	}
}

// iotestReader reads r at most size bytes at a time.
type iotestReader struct {
	r    io.Reader
	size int
}

func (s iotestReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.size)]) }

// fillAll reads a part through fill as ingest does, checking fill's
// promise: whole blocks, but at the end.
func fillAll(t *testing.T, p *streamedPart, size int) ([]byte, error) {
	t.Helper()
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := p.fill(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if n%blockAlign != 0 || n == 0 {
			t.Fatalf("fill returned %d bytes (not whole blocks) without an error", n)
		}
	}
}

// form builds a multipart/form-data body as curl -F does, the file last.
func form(boundary string, fields [][2]string, fileName string, file []byte) []byte {
	var b bytes.Buffer
	for _, f := range fields {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, f[0], f[1])
	}
	if file != nil {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=%q\r\nContent-Type: application/octet-stream\r\n\r\n", boundary, fileName)
		b.Write(file)
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// compareReaders parses body with both readers and reports any difference.
func compareReaders(t *testing.T, body []byte, boundary string, chunk int, eofWithData bool, blocks, readSize int) {
	t.Helper()
	fr, err := newFormReader(&chunkReader{b: body, sizes: []int{chunk}, eofWithData: eofWithData}, boundary)
	if err != nil {
		t.Fatalf("boundary %q refused: %v", boundary, err)
	}
	want, wantEnd := parseWithMime(body, boundary)
	got, gotEnd := parseWithFormReader(t, fr, blocks, readSize)
	if gotEnd == errFormHeaderLarge.Error() {
		// A limit of its own: only a header block that long can hit it.
		if len(body) < formHeaderMax {
			t.Fatalf("header limit on a %d-byte body", len(body))
		}
		want = want[:min(len(want), len(got))]
		wantEnd = gotEnd
	}
	if !reflect.DeepEqual(got, want) || gotEnd != wantEnd {
		t.Fatalf("formReader (chunk %d, blocks %d, reads of %d) and mime/multipart differ on %q (boundary %q)\n got %+v, end %q\nwant %+v, end %q",
			chunk, blocks, readSize, truncate(string(body), 300), boundary, got, gotEnd, want, wantEnd)
	}
}

// TestFormReaderBoundaryAtBufferEdges puts the end of the file at every
// position around the edges of fill's buffers and of the body's reads,
// with bytes before it that look like the start of a boundary, and checks
// the file's bytes, the parts after it and fill's whole blocks.
func TestFormReaderBoundaryAtBufferEdges(t *testing.T) {
	const boundary = "------------------------d74496d66958873e"
	fields := [][2]string{{"key", "in/${filename}"}, {"policy", strings.Repeat("eyJ", 300)}}
	tails := map[string]string{
		"plain":                "xyz",
		"CR at the edge":       "abc\r",
		"CRLF at the edge":     "abc\r\n",
		"half a delimiter":     "abc\r\n--" + boundary[:20],
		"delimiter then other": "abc\r\n--" + boundary + "X",
		"delimiter then dash":  "abc\r\n--" + boundary + "-",
	}
	for name, tail := range tails {
		for _, size := range []int{2 * blockAlign, 3 * blockAlign} {
			for delta := -90; delta <= 90; delta += 3 {
				// The first buffer starts with the file's first byte.
				fileLen := size + delta
				if fileLen < len(tail) {
					continue
				}
				file := bytes.Repeat([]byte{'f'}, fileLen)
				copy(file[fileLen-len(tail):], tail)
				body := form(boundary, fields, "a.bin", file)
				for _, chunk := range []int{1 << 20, 4096, 1000, 77} {
					t.Run(fmt.Sprintf("%s/%d/%+d/%d", name, size, delta, chunk), func(t *testing.T) {
						fr, _ := newFormReader(&chunkReader{b: body, sizes: []int{chunk}, eofWithData: chunk == 77}, boundary)
						for range fields {
							p, err := fr.nextPart()
							if err != nil {
								t.Fatal(err)
							}
							p.discard()
						}
						p, err := fr.nextPart()
						if err != nil || p.formName() != "file" || p.fileName() != "a.bin" {
							t.Fatalf("file part: %v, %v", p, err)
						}
						got, err := fillAll(t, p, size)
						if err != nil || !bytes.Equal(got, file) {
							t.Fatalf("file: %d bytes, %v; want %d bytes", len(got), err, len(file))
						}
						if _, err := fr.nextPart(); err != io.EOF {
							t.Fatalf("after the file: %v, want io.EOF", err)
						}
						if len(fr.buf) > 2*blockAlign {
							t.Errorf("the reader's window grew to %d bytes: the file went through it", len(fr.buf))
						}
					})
				}
			}
		}
	}
}

// formReaderCases are bodies both readers must agree on, from ordinary
// forms to malformed ones; the fuzz target starts from them.
var formReaderCases = []struct {
	name, boundary, body string
}{
	{"curl", "xyz", string(form("xyz", [][2]string{{"key", "k"}, {"policy", "p"}}, "f.txt", []byte("hello")))},
	{"empty file", "xyz", string(form("xyz", [][2]string{{"key", "k"}}, "f.txt", []byte{}))},
	{"preamble and epilogue", "b", "preamble line\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\nepilogue"},
	{"LF line ends", "b", "--b\nContent-Disposition: form-data; name=\"a\"\n\nv\n--b\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\n\nbytes\n--b--\n"},
	{"space after the boundary", "b", "--b  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--  \r\n"},
	{"boundary inside the data", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--bb\r\n--b-x\r\n--b\r\n--b--"},
	{"no final boundary", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncut short"},
	{"cut inside the delimiter", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n-"},
	{"cut inside the header", "b", "--b\r\nContent-Disposition: form-data; name=\"file\""},
	{"header without colon", "b", "--b\r\nno colon here\r\n\r\nv\r\n--b--\r\n"},
	{"header starting with a space", "b", "--b\r\n bad\r\n\r\nv\r\n--b--\r\n"},
	{"continued header", "b", "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nv\r\n--b--\r\n"},
	{"garbage between parts", "b", "--b\r\n\r\nv\r\n--b--x\r\nmore\r\n--b\r\n\r\nw\r\n--b--"},
	{"line after a part", "b", "--b\r\n\r\nv\r\n--b\r\n\r\nw\r\nxx\r\n--b--"},
	{"boundary at the very start", "b", "--b\r\n\r\n--b\r\n\r\nsecond\r\n--b--"},
	{"long preamble line", "b", strings.Repeat("p", 5000) + "\r\n--b\r\n\r\nv\r\n--b--"},
	{"quoted-printable stays raw", "b", "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\r\n--b--"},
	{"file name with a path", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\x.png\"\r\n\r\nv\r\n--b--"},
	{"empty", "b", ""},
}

func TestFormReaderMatchesMime(t *testing.T) {
	for _, tt := range formReaderCases {
		for _, chunk := range []int{1, 3, 64, 1 << 20} {
			for _, mode := range [][2]int{{2, 0}, {5, 0}, {0, 1}, {0, 7}, {0, 4096}} {
				t.Run(fmt.Sprintf("%s/%d/%v", tt.name, chunk, mode), func(t *testing.T) {
					compareReaders(t, []byte(tt.body), tt.boundary, chunk, chunk == 3, mode[0], mode[1])
				})
			}
		}
	}
}

func TestFormReaderRefusals(t *testing.T) {
	for _, b := range []string{"", strings.Repeat("b", 71), "a\r\nb", "a\nb"} {
		if _, err := newFormReader(strings.NewReader(""), b); !errors.Is(err, errFormBoundary) {
			t.Errorf("boundary %q: %v, want errFormBoundary", b, err)
		}
	}
	t.Run("header block too large", func(t *testing.T) {
		body := "--b\r\nX-Long: " + strings.Repeat("v", formHeaderMax) + "\r\n\r\nv\r\n--b--"
		fr, _ := newFormReader(strings.NewReader(body), "b")
		if _, err := fr.nextPart(); !errors.Is(err, errFormHeaderLarge) {
			t.Errorf("got %v, want errFormHeaderLarge", err)
		}
	})
	t.Run("fill with a small buffer", func(t *testing.T) {
		fr, _ := newFormReader(strings.NewReader("--b\r\n\r\nv\r\n--b--"), "b")
		p, err := fr.nextPart()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.fill(make([]byte, blockAlign)); err == nil {
			t.Error("fill took a one-block buffer")
		}
	})
}

// FuzzFormReader: on any body and boundary formReader finds what
// mime/multipart's NextRawPart finds (the same parts, headers, names and
// bytes, and the same error where one refuses), whatever the sizes of the
// body's reads and of the buffers the parts are read into.
func FuzzFormReader(f *testing.F) {
	for _, tt := range formReaderCases {
		f.Add([]byte(tt.body), tt.boundary, uint16(7), uint8(2), uint8(0))
	}
	f.Add(form("xyz", nil, "big", bytes.Repeat([]byte("\r\n--xy"), 3000)), "xyz", uint16(4096), uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, body []byte, boundary string, chunk uint16, blocks, readSize uint8) {
		if _, err := newFormReader(nil, boundary); err != nil {
			if boundary != "" && len(boundary) <= maxBoundary && !strings.ContainsAny(boundary, "\r\n") {
				t.Fatalf("boundary %q refused: %v", boundary, err)
			}
			return
		}
		blocks %= 6
		if blocks == 1 {
			blocks = 2
		}
		r := int(readSize)
		if blocks == 0 && r == 0 {
			r = 1 + int(chunk%64)
		}
		compareReaders(t, body, boundary, int(chunk)+1, chunk%2 == 1, int(blocks), r)
	})
}
