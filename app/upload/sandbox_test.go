package upload_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

var sandboxKey = sandbox.Key{ID: "AKIDSANDBOXUPLOAD", Secret: "sandbox-upload-secret"}

// startSandbox runs a sandbox on 127.0.0.1 whose clock is shifted by skew.
func startSandbox(t *testing.T, skew time.Duration) *sandbox.Server {
	t.Helper()
	return sandboxtest.Start(t, func(c *sandbox.Config) {
		c.Now = func() time.Time { return time.Now().Add(skew) }
		c.CallbackTimeout = 2 * time.Second
	}, sandboxKey)
}

func sandboxLink(t *testing.T, srv *sandbox.Server, key, method string, mod func(*signing.Request)) *signing.Link {
	t.Helper()
	req := signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(),
		Bucket: "drop", Key: key, Method: method, Expires: 15 * time.Minute,
		Credentials: signing.Credentials{AccessKeyID: sandboxKey.ID, AccessKeySecret: sandboxKey.Secret},
	}
	if mod != nil {
		mod(&req)
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatalf("presign: %v", err)
	}
	return link
}

func randomFile(t *testing.T, name string, n int) (path string, sum [32]byte) {
	t.Helper()
	data := make([]byte, n)
	rand.NewChaCha8([32]byte{1, byte(n)}).Read(data)
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, sha256.Sum256(data)
}

// download reads an object back through a presigned GET.
func download(t *testing.T, srv *sandbox.Server, key string) [32]byte {
	t.Helper()
	resp, err := http.Get(sandboxLink(t, srv, key, signing.MethodGet, nil).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", key, resp.StatusCode, body)
	}
	h := sha256.New()
	if _, err := io.Copy(h, resp.Body); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

func TestSandboxUploadAndReadBack(t *testing.T) {
	srv := startSandbox(t, 0)
	tests := []struct {
		name string
		key  string
		size int
		mod  func(*signing.Request)
	}{
		{"empty", "in/empty.bin", 0, nil},
		{"small with type and metadata", "in/报告 1.csv", 1000, func(r *signing.Request) {
			r.ContentType = "text/csv"
			r.Metadata = map[string]string{"project": "apollo"}
		}},
		{"3 MiB (Expect: 100-continue)", "in/big.bin", 3 << 20, func(r *signing.Request) { r.StorageClass = "IA" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, sum := randomFile(t, "file.bin", tt.size)
			link := sandboxLink(t, srv, tt.key, signing.MethodPut, tt.mod)
			res, err := upload.Upload(context.Background(), upload.Request{LinkText: link.ShareLink(), File: path})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if !res.CRCVerified || !res.MD5Verified || res.Size != int64(tt.size) || res.RequestID == "" {
				t.Errorf("result %+v", res)
			}
			if got := download(t, srv, tt.key); got != sum {
				t.Errorf("downloaded SHA-256 %x, want %x", got, sum)
			}
			info, err := srv.Stat("drop", tt.key)
			if err != nil || info.CRC64 != fmt.Sprint(res.CRC64) {
				t.Errorf("stat %+v, %v; result CRC %d", info, err, res.CRC64)
			}

			// The link protects the key: the same upload again is refused.
			_, err = upload.Upload(context.Background(), upload.Request{LinkText: link.ShareLink(), File: path})
			if !errors.Is(err, upload.ErrExists) || !strings.Contains(err.Error(), "protected it from being replaced") {
				t.Errorf("second upload: %v", err)
			}
		})
	}
}

func TestSandboxRefusals(t *testing.T) {
	path, _ := randomFile(t, "file.bin", 2000)
	tests := []struct {
		name  string
		skew  time.Duration // of the sandbox's clock
		text  func(l *signing.Link) string
		extra signing.Headers
		kind  error
		want  string
	}{
		{"header changed", 0, (*signing.Link).ShareLink, signing.Headers{{Name: "content-type", Value: "text/plain"}}, upload.ErrSignature,
			"the link expects content-type: application/pdf, x-oss-forbid-overwrite: true, but the upload sent content-type: text/plain, x-oss-forbid-overwrite: true"},
		{"bare URL without its headers", 0, func(l *signing.Link) string { return l.URL }, nil, upload.ErrSignature,
			"This bare link does not say which headers it was signed with, and the upload sent none."},
		{"expired by the server's clock", time.Hour, (*signing.Link).ShareLink, nil, upload.ErrExpired,
			"OSS says this link has expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, tt.skew)
			link := sandboxLink(t, srv, "in/q3.pdf", signing.MethodPut, func(r *signing.Request) { r.ContentType = "application/pdf" })
			_, err := upload.Upload(context.Background(), upload.Request{LinkText: tt.text(link), File: path, ExtraHeaders: tt.extra})
			var e *upload.Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || !strings.Contains(e.Sentence.String(), tt.want) {
				t.Fatalf("err %v\nwant kind %v saying %q", err, tt.kind, tt.want)
			}
			if e.RequestID == "" || e.EC == "" || e.Attempts != 1 {
				t.Errorf("error fields %+v", e)
			}
			if _, err := srv.Stat("drop", "in/q3.pdf"); err == nil {
				t.Error("a refused upload was stored")
			}
		})
	}
}

func TestSandboxCallback(t *testing.T) {
	tests := []struct {
		name   string
		status int
		kind   error
	}{
		{"confirmed", 200, nil},
		{"owner's server fails", 500, upload.ErrCallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				json.NewEncoder(w).Encode(map[string]string{"received": string(body)})
			}))
			defer owner.Close()
			srv := startSandbox(t, 0)
			link := sandboxLink(t, srv, "in/cb.bin", signing.MethodPut, func(r *signing.Request) {
				r.Callback = &signing.Callback{URLs: []string{owner.URL + "/done"}, Body: "object=${object}&size=${size}"}
			})
			path, sum := randomFile(t, "cb.bin", 4096)
			res, err := upload.Upload(context.Background(), upload.Request{LinkText: link.ShareLink(), File: path})
			if res == nil || !res.Verified() {
				t.Fatalf("result %+v, err %v: the object is stored either way", res, err)
			}
			if download(t, srv, "in/cb.bin") != sum {
				t.Error("stored object differs")
			}
			if tt.kind == nil {
				if err != nil || !strings.Contains(string(res.CallbackBody), "size=4096") {
					t.Errorf("err %v, callback answer %s", err, res.CallbackJSON())
				}
				return
			}
			var e *upload.Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Status != 203 || !strings.HasPrefix(e.Sentence.String(), "The file is stored, but the sender's server did not confirm it") {
				t.Errorf("err %#v", err)
			}
		})
	}
}

// The curl command a sender shares works with the real curl.
func TestSandboxCurlCommand(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl on this machine")
	}
	srv := startSandbox(t, 0)
	link := sandboxLink(t, srv, "in/via curl.txt", signing.MethodPut, func(r *signing.Request) {
		r.ContentType = "text/plain; charset=utf-8"
		r.Metadata = map[string]string{"from": "curl"}
	})
	path, sum := randomFile(t, "it's here.txt", 3<<20)
	cmd := exec.Command("sh", "-c", link.Curl(path)+" --fail-with-body --silent --show-error")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(curl)+":/usr/bin:/bin")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", link.Curl(path), err, out)
	}
	if download(t, srv, "in/via curl.txt") != sum {
		t.Error("the object curl stored differs from the file")
	}
	info, err := srv.Stat("drop", "in/via curl.txt")
	data, _ := os.ReadFile(path)
	if err != nil || info.ContentType != "text/plain; charset=utf-8" || info.Metadata["from"] != "curl" || info.CRC64 != fmt.Sprint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA))) {
		t.Errorf("stat %+v, %v", info, err)
	}
}

// BenchmarkUploadSandbox is BenchmarkUpload against the sandbox, which also
// checks the signature, hashes the body and writes it to disk: closer to a
// real endpoint, and bound by the two sides sharing the CPU.
func BenchmarkUploadSandbox(b *testing.B) {
	const size = 64 << 20
	srv := sandboxtest.Start(b, nil, sandboxKey)
	link, err := signing.Presign(context.Background(), signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(),
		Bucket: "drop", Key: "bench.bin", AllowOverwrite: true, Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: sandboxKey.ID, AccessKeySecret: sandboxKey.Secret},
	})
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, size)
	rand.NewChaCha8([32]byte{9}).Read(data)
	path := filepath.Join(b.TempDir(), "bench.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	req := upload.Request{LinkText: link.ShareLink(), File: path}
	b.SetBytes(size)
	for b.Loop() {
		if _, err := upload.Upload(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
