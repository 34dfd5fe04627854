package signing_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/signing"
)

// TestCurlCommandWithRealCurl runs the printed curl command, as a user
// would paste it into a shell, against the sandbox for keys curl would
// otherwise rewrite: dot segments, "//", a trailing "/".
func TestCurlCommandWithRealCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed: 'make deps' installs it")
	}
	key := sandbox.Key{ID: "SANDBOXCURLTEST", Secret: "curl-test-secret"}
	srv := sandboxtest.Start(t, nil, key)
	file := filepath.Join(t.TempDir(), "upload me.txt")
	if err := os.WriteFile(file, []byte("through curl"), 0o600); err != nil {
		t.Fatal(err)
	}

	keys := []string{"plain.txt", "a/../b", "./x", "a/./b", "a//b", "dir/", "x/.", "x/..", ".", "..", "a/b/../../c", "dir//", "%2E/x"}
	for _, k := range keys {
		t.Run(k, func(t *testing.T) {
			link, err := signing.Presign(context.Background(), signing.Request{
				Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: "demo", Key: k,
				Expires: time.Hour, ContentType: "text/plain", Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
			})
			if err != nil {
				t.Fatal(err)
			}
			// The command reads back as the same object (ossdrop upload 'curl …').
			if in, err := signing.Inspect(link.Curl(file), time.Now()); err != nil || in.Key != k {
				t.Errorf("Inspect(curl) = %v, %v; want key %q", in, err, k)
			}
			cmd := link.Curl(file) + " -sS -o /dev/null -w '%{http_code}'"
			out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
			if err != nil || string(out) != "200" {
				t.Fatalf("%s\n→ %s %v", cmd, out, err)
			}
			info, err := srv.Stat("demo", k)
			if err != nil || info.Size != int64(len("through curl")) {
				t.Fatalf("the object %q was not stored: %v", k, err)
			}

			get, err := signing.Presign(context.Background(), signing.Request{
				Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: "demo", Key: k,
				Method: signing.MethodGet, Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
			})
			if err != nil {
				t.Fatal(err)
			}
			dl := filepath.Join(t.TempDir(), "dl")
			cmd = get.Curl(dl) + " -sS -w '%{http_code}'"
			if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil || string(out) != "200" {
				t.Fatalf("%s\n→ %s %v", cmd, out, err)
			}
			if got, _ := os.ReadFile(dl); string(got) != "through curl" {
				t.Errorf("downloaded %q", got)
			}
		})
	}
}

// TestCurlPathAsIs: only keys curl would rewrite get --path-as-is or an
// encoded last segment; the URL and its signature are otherwise as signed.
func TestCurlPathAsIs(t *testing.T) {
	const q = "?x-oss-signature=abc"
	tests := []struct {
		url, want string
		asIs      bool
	}{
		{"https://b.oss-cn-hangzhou.aliyuncs.com/in/report.pdf" + q, "https://b.oss-cn-hangzhou.aliyuncs.com/in/report.pdf" + q, false},
		{"https://b.oss-cn-hangzhou.aliyuncs.com/a/../b" + q, "https://b.oss-cn-hangzhou.aliyuncs.com/a/../b" + q, true},
		{"https://b.oss-cn-hangzhou.aliyuncs.com/a//b" + q, "https://b.oss-cn-hangzhou.aliyuncs.com/a//b" + q, true},
		{"https://b.oss-cn-hangzhou.aliyuncs.com/dir/" + q, "https://b.oss-cn-hangzhou.aliyuncs.com/dir%2F" + q, false},
		{"https://b.oss-cn-hangzhou.aliyuncs.com/x/.." + q, "https://b.oss-cn-hangzhou.aliyuncs.com/x/%2E%2E" + q, false},
		{"http://127.0.0.1:9000/demo/./x/." + q, "http://127.0.0.1:9000/demo/./x/%2E" + q, true},
		{"http://127.0.0.1:9000/demo/dir//" + q, "http://127.0.0.1:9000/demo/dir/%2F" + q, false},
	}
	for _, tt := range tests {
		l := &signing.Link{Method: signing.MethodPut, URL: tt.url}
		got := l.Curl("f")
		if !strings.HasSuffix(got, "'"+tt.want+"'") || strings.Contains(got, "--path-as-is") != tt.asIs {
			t.Errorf("%s:\n got %s\nwant %s (--path-as-is %v)", tt.url, got, tt.want, tt.asIs)
		}
	}
}

// FuzzCurlURL: the URL given to curl names the same object as the signed
// one (the same decoded path) and keeps the query byte for byte.
func FuzzCurlURL(f *testing.F) {
	for _, k := range []string{"a/../b", "./x", "a//b", "dir/", "x/.", "x/..", ".", "..", "%2E/x", "a b/中文", ""} {
		f.Add("http://127.0.0.1:9000/demo/" + k + "?x-oss-signature=abc")
		f.Add("https://b.oss-cn-hangzhou.aliyuncs.com/" + k)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l := &signing.Link{Method: signing.MethodPut, URL: raw}
		cmd := l.Curl("f")
		orig, err := url.Parse(raw)
		if err != nil || orig.Scheme == "" || orig.Host == "" || orig.Fragment != "" || orig.Opaque != "" {
			return
		}
		in, err := signing.Inspect(cmd, time.Now())
		if err != nil {
			return // not a presigned link: Inspect says so, the rewrite is moot
		}
		got, err := url.Parse(in.URL)
		if err != nil {
			t.Fatalf("curl URL %q does not parse: %v", in.URL, err)
		}
		if got.Path != orig.Path || got.RawQuery != orig.RawQuery {
			t.Errorf("%q became %q", raw, in.URL)
		}
	})
}
