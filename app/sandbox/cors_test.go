package sandbox

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

const pageRules = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>https://files.example.com</AllowedOrigin>
    <AllowedOrigin>http://*.example.org</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <AllowedHeader>x-oss-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-oss-request-id</ExposeHeader>
    <ExposeHeader>x-oss-hash-crc64ecma</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>x-second-rule</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`

// corsRequest signs a bucket-level ?cors request the way the SDK client
// does, with an optional body (the signature does not cover it).
func (e *sandboxEnv) corsRequest(t *testing.T, method, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	h := http.Header{}
	for k, v := range header {
		h[k] = v
	}
	if body != "" && h.Get("Content-Md5") == "" {
		sum := md5.Sum([]byte(body))
		h.Set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	req := headerSigned(t, method, e.srv.URL()+"/demo/?cors", "demo", "", testKey, "", time.Now(), h)
	var payload []byte
	if body != "" {
		payload = []byte(body)
	}
	return e.send(t, method, req.URL.String(), req.Header, payload)
}

func (e *sandboxEnv) preflight(t *testing.T, origin, method, headers string) *http.Response {
	t.Helper()
	h := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {method}}
	if headers != "" {
		h.Set("Access-Control-Request-Headers", headers)
	}
	resp, _ := e.send(t, http.MethodOptions, e.srv.URL()+"/demo/in/a.txt", h, nil)
	return resp
}

func TestBucketCORS(t *testing.T) {
	env := startSandbox(t, nil)

	resp := env.preflight(t, "https://files.example.com", "PUT", "")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("preflight before any rule: %d", resp.StatusCode)
	}
	resp, body := env.corsRequest(t, "GET", "", nil)
	ossError(t, resp, body, 404, CodeNoSuchCORSConfiguration)

	resp, body = env.corsRequest(t, "PUT", pageRules, http.Header{"Content-Type": {"application/xml"}})
	if resp.StatusCode != 200 {
		t.Fatalf("PutBucketCors: %d\n%s", resp.StatusCode, body)
	}
	stored, err := os.ReadFile(filepath.Join(env.dir, "cors", "demo.xml"))
	if err != nil || !bytes.Contains(stored, []byte("files.example.com")) {
		t.Fatalf("rules not stored under the sandbox directory: %v\n%s", err, stored)
	}
	resp, body = env.corsRequest(t, "GET", "", nil)
	var got corsConfig
	if resp.StatusCode != 200 || xml.Unmarshal(body, &got) != nil || len(got.Rules) != 2 || *got.Rules[0].MaxAgeSeconds != 600 {
		t.Fatalf("GetBucketCors: %d %+v\n%s", resp.StatusCode, got, body)
	}

	t.Run("preflight", func(t *testing.T) {
		tests := []struct {
			name, origin, method, headers string
			status                        int
			allowOrigin, expose           string
		}{
			{"page origin, upload headers", "https://files.example.com", "PUT", "content-type, x-oss-forbid-overwrite,X-OSS-META-A", 200, "https://files.example.com", "ETag, x-oss-request-id, x-oss-hash-crc64ecma"},
			{"wildcard origin", "http://up.example.org", "POST", "", 200, "http://up.example.org", "ETag, x-oss-request-id, x-oss-hash-crc64ecma"},
			{"second rule for another header", "https://files.example.com", "PUT", "x-custom", 200, "*", "x-second-rule"},
			{"second rule for another origin", "https://elsewhere.test", "GET", "", 200, "*", "x-second-rule"},
			{"no rule allows DELETE", "https://files.example.com", "DELETE", "", 403, "", ""},
			{"wildcard does not match the bare domain", "http://example.org", "POST", "", 403, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := env.preflight(t, tt.origin, tt.method, tt.headers)
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
				}
				h := resp.Header
				if h.Get("Access-Control-Allow-Origin") != tt.allowOrigin || h.Get("Access-Control-Expose-Headers") != tt.expose {
					t.Fatalf("headers %v", h)
				}
				if tt.status == 200 && (h.Get("Vary") != "Origin" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), tt.method)) {
					t.Errorf("Vary %q, methods %q", h.Get("Vary"), h.Get("Access-Control-Allow-Methods"))
				}
				if tt.headers != "" && tt.status == 200 && h.Get("Access-Control-Allow-Headers") == "" {
					t.Error("no Access-Control-Allow-Headers")
				}
			})
		}
		resp := env.preflight(t, "", "PUT", "")
		if resp.StatusCode != 403 {
			t.Errorf("preflight without Origin: %d", resp.StatusCode)
		}
	})

	t.Run("actual requests, errors included", func(t *testing.T) {
		link := env.link(t, signing.Request{Key: "cors/one.txt"})
		h := linkHeader(link)
		h.Set("Origin", "https://files.example.com")
		for i, want := range []int{200, 409} {
			resp, _ := env.send(t, "PUT", link.URL, h, []byte("one"))
			if resp.StatusCode != want || resp.Header.Get("Access-Control-Allow-Origin") != "https://files.example.com" ||
				!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "x-oss-hash-crc64ecma") || resp.Header.Get("Vary") != "Origin" {
				t.Fatalf("upload %d: status %d, headers %v", i+1, resp.StatusCode, resp.Header)
			}
		}
		h.Set("Origin", "https://not-allowed.test")
		h.Del("x-oss-forbid-overwrite")
		resp, _ := env.send(t, "POST", link.URL, h, []byte("x"))
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("POST from an origin no rule allows for POST got %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("refusals", func(t *testing.T) {
		rule := `<CORSRule><AllowedOrigin>%s</AllowedOrigin><AllowedMethod>%s</AllowedMethod>%s</CORSRule>`
		doc := func(rules ...string) string {
			return "<CORSConfiguration>" + strings.Join(rules, "") + "</CORSConfiguration>"
		}
		ok := fmt.Sprintf(rule, "https://a.test", "PUT", "")
		tests := []struct {
			name, body string
			header     http.Header
			status     int
			code       string
		}{
			{"eleven rules", doc(strings.Repeat(ok, 11)), nil, 400, CodeInvalidArgument},
			{"two wildcards in an origin", doc(fmt.Sprintf(rule, "https://*.*.test", "PUT", "")), nil, 400, CodeInvalidArgument},
			{"unknown method", doc(fmt.Sprintf(rule, "https://a.test", "PATCH", "")), nil, 400, CodeInvalidArgument},
			{"wildcard expose header", doc(fmt.Sprintf(rule, "https://a.test", "PUT", "<ExposeHeader>*</ExposeHeader>")), nil, 400, CodeInvalidArgument},
			{"no rule", doc(), nil, 400, CodeMalformedXML},
			{"not XML", "{}", nil, 400, CodeMalformedXML},
			{"another document", "<Other/>", nil, 400, CodeMalformedXML},
			{"Content-MD5 of other bytes", doc(ok), http.Header{"Content-Md5": {"XrY7u+Ae7tCTyyK7j1rNww=="}}, 400, CodeInvalidDigest},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := env.corsRequest(t, "PUT", tt.body, tt.header)
				ossError(t, resp, body, tt.status, tt.code)
			})
		}
		resp, body := env.send(t, "PUT", env.srv.URL()+"/demo/?cors", http.Header{}, []byte(doc(ok)))
		ossError(t, resp, body, 403, CodeAccessDenied)
		resp, body = env.corsRequest(t, "GET", "", nil)
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte("files.example.com")) {
			t.Fatalf("a refused PutBucketCors changed the rules: %s", body)
		}
	})

	t.Run("kept across restarts", func(t *testing.T) {
		// What the next server on the directory reads (a second server
		// cannot start while this one holds the directory).
		cfg, err := newCORSStore(filepath.Join(env.dir, "cors")).get("demo")
		if err != nil || cfg == nil || len(cfg.Rules) != 2 {
			t.Fatalf("rules after a restart: %+v, %v", cfg, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		resp, body := env.corsRequest(t, "DELETE", "", nil)
		if resp.StatusCode != 204 {
			t.Fatalf("DeleteBucketCors: %d %s", resp.StatusCode, body)
		}
		resp, body = env.corsRequest(t, "GET", "", nil)
		ossError(t, resp, body, 404, CodeNoSuchCORSConfiguration)
		if resp := env.preflight(t, "https://files.example.com", "PUT", ""); resp.StatusCode != 403 {
			t.Errorf("preflight after delete: %d", resp.StatusCode)
		}
	})
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"https://a.test", "https://a.test", true},
		{"https://A.test", "https://a.TEST", true},
		{"https://a.test", "https://a.test:8443", false},
		{"*", "anything", true},
		{"http://*.example.org", "http://up.example.org", true},
		{"http://*.example.org", "http://example.org", false},
		{"x-oss-*", "x-oss-meta-a", true},
		{"x-oss-*", "x-os", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}

// FuzzCORSConfiguration feeds PutBucketCors bodies to the parser: it never
// panics, and what it accepts is valid and survives a round trip.
func FuzzCORSConfiguration(f *testing.F) {
	f.Add(pageRules)
	f.Add("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")
	f.Add("<CORSConfiguration/>")
	f.Add("not xml")
	f.Fuzz(func(t *testing.T, body string) {
		r, _ := http.NewRequest("PUT", "http://127.0.0.1/demo/?cors", nil)
		cfg, e := readCORS(r, strings.NewReader(body))
		if e != nil {
			if e.Status != 400 {
				t.Fatalf("status %d for a bad body", e.Status)
			}
			return
		}
		raw, err := encodeCORS(cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, e := readCORS(r, bytes.NewReader(raw))
		if e != nil || len(again.Rules) != len(cfg.Rules) {
			t.Fatalf("round trip of an accepted configuration failed: %v\n%s", e, raw)
		}
		_ = cfg.match("https://a.test", "PUT", []string{"x-oss-meta-a"})
	})
}

// TestBucketRequestRouting: a signed bucket operation the sandbox does not
// have is refused as such, after its signature checked out.
func TestBucketRequestRouting(t *testing.T) {
	env := startSandbox(t, nil)
	req := headerSigned(t, "GET", env.srv.URL()+"/demo/?acl", "demo", "", testKey, "", time.Now(), nil)
	resp, body := env.send(t, "GET", req.URL.String(), req.Header, nil)
	ossError(t, resp, body, 405, CodeMethodNotAllowed)
	wrong := headerSigned(t, "GET", env.srv.URL()+"/demo/?acl", "demo", "", Key{ID: testKey.ID, Secret: "wrong"}, "", time.Now(), nil)
	resp, body = env.send(t, "GET", wrong.URL.String(), wrong.Header, nil)
	ossError(t, resp, body, 403, CodeSignatureDoesNotMatch)
}
