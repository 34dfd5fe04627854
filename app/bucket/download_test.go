package bucket

import (
	"bytes"
	"context"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestListWithTheSDK(t *testing.T) {
	_, target := startSandbox(t)
	for _, k := range []string{"in/acme/", "in/acme/a.pdf", "in/acme/sub/b.txt", "in/acme/报告.txt", "in/acmeX/c", "out/d"} {
		put(t, target, k, "content of "+k)
	}
	c, _ := New(target)
	l, err := c.List(context.Background(), "in/acme/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range l.Objects {
		keys = append(keys, o.Key)
		if o.Size != int64(len("content of "+o.Key)) || len(o.ETag) != 32 || o.LastModified.IsZero() {
			t.Errorf("listed %+v", o)
		}
	}
	if want := []string{"in/acme/a.pdf", "in/acme/sub/b.txt", "in/acme/报告.txt"}; !slices.Equal(keys, want) || l.Truncated {
		t.Fatalf("List = %q (truncated %v), want %q: the folder object itself is left out", keys, l.Truncated, want)
	}
}

// TestOwnerErrorsAreSentences: wrong credentials and a missing bucket come
// back as sentences with hints, never as the SDK's raw error text.
func TestOwnerErrorsAreSentences(t *testing.T) {
	_, target := startSandbox(t)
	wrongSecret := target
	wrongSecret.Credentials.AccessKeySecret = "not-the-secret"
	unknownID := target
	unknownID.Credentials.AccessKeyID = "SANDBOXNOBODY0001"
	missing := target
	missing.Bucket = "no-such-bucket"
	tests := []struct {
		name     string
		target   Target
		code     string
		sentence string
	}{
		{"wrong secret", wrongSecret, "SignatureDoesNotMatch", "refused the profile's AccessKey secret"},
		{"unknown AccessKey ID", unknownID, "InvalidAccessKeyId", "does not know this AccessKey ID"},
		{"missing bucket", missing, "NoSuchBucket", "The bucket does not exist."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			calls := map[string]func() error{
				"head": func() error { _, err := c.Head(context.Background(), "k"); return err },
				"list": func() error { _, err := c.List(context.Background(), "in/"); return err },
				"download": func() error {
					_, err := c.Download(context.Background(), "k", t.TempDir()+"/k", DownloadOptions{})
					return err
				},
			}
			for name, call := range calls {
				err := call()
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Sentence.String(), tc.sentence) || e.Hint.IsZero() {
					t.Errorf("%s: %#v, want %s with %q and a hint", name, err, tc.code, tc.sentence)
				}
				if strings.Contains(err.Error(), "not-the-secret") {
					t.Errorf("%s: the error names the secret", name)
				}
			}
		})
	}
}

func TestDownloadChecksCRC64(t *testing.T) {
	_, target := startSandbox(t)
	body := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB, several progress calls
	put(t, target, "in/q3.pdf", body)
	c, _ := New(target)
	dir := t.TempDir()
	dest := filepath.Join(dir, "q3.pdf")
	var calls int
	var last, total int64
	d, err := c.Download(context.Background(), "in/q3.pdf", dest, DownloadOptions{Progress: func(w, n int64) { calls, last, total = calls+1, w, n }})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(dest)
	want := strconv.FormatUint(crc64.Checksum([]byte(body), crcTable), 10)
	if string(got) != body || !d.CRCChecked || d.CRC64 != want || d.Size != int64(len(body)) || d.Path != dest {
		t.Fatalf("Download = %+v; file %d bytes", d, len(got))
	}
	if calls < 2 || last != int64(len(body)) || total != int64(len(body)) {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	onlyFiles(t, dir, "q3.pdf")

	t.Run("never replaces a file unasked", func(t *testing.T) {
		os.WriteFile(dest, []byte("mine"), 0o600)
		_, err := c.Download(context.Background(), "in/q3.pdf", dest, DownloadOptions{})
		var e *Error
		if !errors.Is(err, ErrExists) || !errors.As(err, &e) || !strings.Contains(e.Sentence.String(), "already exists") {
			t.Fatalf("Download over a file = %v", err)
		}
		if got, _ := os.ReadFile(dest); string(got) != "mine" {
			t.Fatal("the existing file was changed")
		}
		if _, err := c.Download(context.Background(), "in/q3.pdf", dest, DownloadOptions{Overwrite: true}); err != nil {
			t.Fatalf("Download with Overwrite: %v", err)
		}
		if got, _ := os.ReadFile(dest); string(got) != body {
			t.Fatal("Overwrite did not replace the file")
		}
		onlyFiles(t, dir, "q3.pdf")
	})

	t.Run("a file that appears meanwhile is kept", func(t *testing.T) {
		late := filepath.Join(dir, "late.pdf")
		_, err := c.Download(context.Background(), "in/q3.pdf", late, DownloadOptions{Progress: func(w, n int64) {
			if w == n {
				os.WriteFile(late, []byte("arrived first"), 0o600)
			}
		}})
		if !errors.Is(err, ErrExists) {
			t.Fatalf("Download racing a new file = %v", err)
		}
		if got, _ := os.ReadFile(late); string(got) != "arrived first" {
			t.Fatalf("the file that appeared was replaced: %q", got)
		}
		os.Remove(late)
		onlyFiles(t, dir, "q3.pdf")
	})

	t.Run("corrupted bytes are refused", func(t *testing.T) {
		cb, _ := newClient(target, &http.Client{Transport: corrupter{next: http.DefaultTransport}})
		out := filepath.Join(dir, "bad.pdf")
		_, err := cb.Download(context.Background(), "in/q3.pdf", out, DownloadOptions{})
		var e *Error
		if !errors.Is(err, ErrChecksum) || !errors.As(err, &e) || !strings.Contains(e.Sentence.String(), "CRC-64") {
			t.Fatalf("Download of corrupted bytes = %v", err)
		}
		onlyFiles(t, dir, "q3.pdf")
	})

	t.Run("missing object", func(t *testing.T) {
		_, err := c.Download(context.Background(), "in/none.pdf", filepath.Join(dir, "none.pdf"), DownloadOptions{})
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("Download of a missing key = %v", err)
		}
		onlyFiles(t, dir, "q3.pdf")
	})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := c.Download(ctx, "in/q3.pdf", filepath.Join(dir, "cancelled.pdf"), DownloadOptions{Progress: func(w, n int64) { cancel() }})
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Sentence.String(), "Stopped") {
			t.Fatalf("cancelled Download = %v", err)
		}
		onlyFiles(t, dir, "q3.pdf")
	})
}

// onlyFiles fails unless dir holds exactly names: no temporary leftovers.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}

// corrupter flips one byte of every response body, after the headers.
type corrupter struct{ next http.RoundTripper }

func (c corrupter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil || resp.StatusCode != 200 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		body[len(body)/2] ^= 0x20
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// crcTable is CRC-64/ECMA-182 from the standard library, to check
// osscrc's against.
var crcTable = crc64.MakeTable(crc64.ECMA)
