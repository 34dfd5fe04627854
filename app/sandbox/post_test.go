package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// formPart is one field of a test form; the file comes last.
type formPart struct{ name, value string }

// multipartBody builds a form the way a browser or curl -F does.
func multipartBody(t testing.TB, fields []formPart, fileName, fileType string, content []byte) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f.name, f.value); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, fileName))
		if fileType != "" {
			h.Set("Content-Type", fileType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// requestLink signs a request link for the sandbox with signing, the code
// under test elsewhere; the sandbox checks it with its own rules.
func (e *sandboxEnv) requestLink(t testing.TB, change func(*signing.Request)) *signing.RequestLink {
	t.Helper()
	req := signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: e.srv.URL(), Bucket: "demo",
		Prefix: "in/acme/", MinSize: 1, MaxSize: 1000, Expires: time.Hour, Credentials: creds(testKey),
	}
	if change != nil {
		change(&req)
	}
	l, err := signing.NewRequestLink(req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// linkForm is the form of one upload through l.
func linkForm(l *signing.RequestLink, key, contentType string) []formPart {
	var out []formPart
	for _, f := range l.Form(key, contentType) {
		out = append(out, formPart{f.Name, f.Value})
	}
	return out
}

func (e *sandboxEnv) postForm(t *testing.T, rawURL string, fields []formPart, fileName, fileType string, content []byte) (*http.Response, []byte) {
	t.Helper()
	body, ct := multipartBody(t, fields, fileName, fileType, content)
	resp, got := e.send(t, http.MethodPost, rawURL, http.Header{"Content-Type": {ct}}, body)
	return resp, got
}

// noObjectsBut checks that the store holds exactly the given keys of demo
// and no temporary file.
func (e *sandboxEnv) noObjectsBut(t *testing.T, keys ...string) {
	t.Helper()
	objs, err := e.srv.Objects()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Key)
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Errorf("stored %q, want %q", got, keys)
	}
	tmp, _ := os.ReadDir(filepath.Join(e.dir, "tmp"))
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestPostObject(t *testing.T) {
	env := startSandbox(t, nil)
	content := randomBody(7, 700)
	tests := []struct {
		name, url, key, fileName, want string
	}{
		{"path style, ${filename}", "", "in/acme/${filename}", "photo 1.jpg", "in/acme/photo 1.jpg"},
		{"path style with slash", "/", "in/acme/a/b.txt", "ignored.txt", "in/acme/a/b.txt"},
		{"virtual host", "http://demo.localhost/", "in/acme/vhost.bin", "x", "in/acme/vhost.bin"},
	}
	l := env.requestLink(t, func(r *signing.Request) { r.Metadata = map[string]string{"project": "apollo"} })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := l.URL + strings.TrimPrefix(tt.url, "/")
			if strings.HasPrefix(tt.url, "http") {
				target = tt.url
			}
			resp, body := env.postForm(t, target, linkForm(l, tt.key, "image/jpeg"), tt.fileName, "", content)
			if resp.StatusCode != http.StatusOK || len(body) != 0 {
				t.Fatalf("status %d, body %s", resp.StatusCode, body)
			}
			wantChecksums(t, resp.Header, content)
			info, err := env.srv.Stat("demo", tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size != int64(len(content)) || info.ContentType != "image/jpeg" || info.Metadata["project"] != "apollo" {
				t.Errorf("stored %+v", info)
			}
		})
	}
}

// TestPostObjectPublishedVector checks the sandbox's verifier against a
// policy and signature computed by another implementation of OSS's V4 POST
// signature (cozy-elixir/alibaba_cloud_kit's test), not by this project.
func TestPostObjectPublishedVector(t *testing.T) {
	signedAt := time.Date(2024, 7, 13, 13, 34, 14, 0, time.UTC)
	env := startSandbox(t, func(c *Config) {
		c.Keys = []Key{{ID: "access_key_id", Secret: "access_key_secret"}}
		c.Now = func() time.Time { return signedAt.Add(10 * time.Minute) }
	})
	const policy = "eyJjb25kaXRpb25zIjpbeyJidWNrZXQiOiJleGFtcGxlLWJ1Y2tldCJ9LHsieC1vc3Mtc2lnbmF0dXJlLXZlcnNpb24iOiJPU1M0LUhNQUMtU0hBMjU2In0seyJ4LW9zcy1jcmVkZW50aWFsIjoiYWNjZXNzX2tleV9pZC8yMDI0MDcxMy91cy13ZXN0LTEvb3NzL2FsaXl1bl92NF9yZXF1ZXN0In0seyJ4LW9zcy1kYXRlIjoiMjAyNDA3MTNUMTMzNDE0WiJ9LFsiZXEiLCIka2V5Iiwib2JqZWN0L3ByZXNpZ25fcG9zdF9vYmplY3QucG5nIl0sWyJlcSIsIiR4LW9zcy1vYmplY3QtYWNsIiwicHJpdmF0ZSJdLFsiY29udGVudC1sZW5ndGgtcmFuZ2UiLDEsMTA0ODU3NjAwXV0sImV4cGlyYXRpb24iOiIyMDI0LTA3LTEzVDE0OjM0OjE0WiJ9"
	fields := []formPart{
		{"key", "object/presign_post_object.png"}, {"x-oss-object-acl", "private"},
		{"x-oss-signature-version", "OSS4-HMAC-SHA256"}, {"x-oss-credential", "access_key_id/20240713/us-west-1/oss/aliyun_v4_request"},
		{"x-oss-date", "20240713T133414Z"}, {"policy", policy},
		{"x-oss-signature", "43fb9eb04136cdaaab110bfb33c4c7daba4beebdad63889e7f3a460242596d04"},
	}
	resp, body := env.postForm(t, env.srv.URL()+"/example-bucket", fields, "lenna.png", "image/png", []byte("png bytes"))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if info, err := env.srv.Stat("example-bucket", "object/presign_post_object.png"); err != nil || info.ACL != "private" || info.ContentType != "image/png" {
		t.Fatalf("stored %+v, %v", info, err)
	}
	// One changed character of the signature and it is refused.
	fields[len(fields)-1].value = "43fb9eb04136cdaaab110bfb33c4c7daba4beebdad63889e7f3a460242596d05"
	resp, body = env.postForm(t, env.srv.URL()+"/example-bucket", fields, "lenna.png", "image/png", []byte("png bytes"))
	ossError(t, resp, body, http.StatusForbidden, CodeSignatureDoesNotMatch)
}

func TestPostObjectRefusals(t *testing.T) {
	env := startSandbox(t, nil)
	l := env.requestLink(t, func(r *signing.Request) { r.ContentTypePrefix = "image/" })
	ok := func() []formPart { return linkForm(l, "in/acme/a.png", "image/png") }
	set := func(fields []formPart, name, value string) []formPart {
		for i := range fields {
			if strings.EqualFold(fields[i].name, name) {
				fields[i].value = value
				return fields
			}
		}
		return append(fields[:len(fields):len(fields)], formPart{name, value})
	}
	drop := func(fields []formPart, name string) []formPart {
		var out []formPart
		for _, f := range fields {
			if f.name != name {
				out = append(out, f)
			}
		}
		return out
	}
	wrongSecret := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: env.srv.URL(), Bucket: "demo",
		Prefix: "in/acme/", MaxSize: 1000, Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: "not-the-secret"}}
	wrong, err := signing.NewRequestLink(wrongSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	policyB64, _ := l.Fields.Get(signing.FormPolicy)
	tampered, _ := base64.StdEncoding.DecodeString(policyB64)
	tampered = bytes.Replace(tampered, []byte(`1000]`), []byte(`9999]`), 1)
	badJSON := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2099-01-01T00:00:00.000Z","conditions":[["between","$key","a"]]}`))

	tests := []struct {
		name    string
		fields  []formPart
		content []byte
		clock   time.Duration
		status  int
		code    string
		message string
	}{
		{"too big", ok(), make([]byte, 1001), 0, 400, CodeEntityTooLarge, ""},
		{"too small", ok(), []byte{}, 0, 400, CodeEntityTooSmall, ""},
		{"outside the folder", set(ok(), "key", "in/other/a.png"), []byte("x"), 0, 403, CodeAccessDenied, `Policy Condition failed: ["starts-with", "$key", "in/acme/"]`},
		{"wrong type", set(ok(), "Content-Type", "text/plain"), []byte("x"), 0, 403, CodeAccessDenied, `"$content-type", "image/"`},
		{"expired", ok(), []byte("x"), 2 * time.Hour, 403, CodeAccessDenied, "Policy expired."},
		{"signed in the future", ok(), []byte("x"), -time.Hour, 403, CodeAccessDenied, "not valid yet"},
		{"tampered policy", set(ok(), "policy", base64.StdEncoding.EncodeToString(tampered)), []byte("x"), 0, 403, CodeSignatureDoesNotMatch, ""},
		{"wrong secret", linkForm(wrong, "in/acme/a.png", "image/png"), []byte("x"), 0, 403, CodeSignatureDoesNotMatch, ""},
		{"overwrite protection dropped", drop(ok(), "x-oss-forbid-overwrite"), []byte("x"), 0, 403, CodeAccessDenied, "x-oss-forbid-overwrite"},
		{"field that contradicts the policy", set(ok(), "success_action_status", "201"), []byte("x"), 0, 403, CodeAccessDenied, "success_action_status"},
		{"invalid policy", set(set(ok(), "policy", badJSON), "x-oss-signature", sandboxSign(testKey.Secret, l, badJSON)), []byte("x"), 0, 400, CodeInvalidPolicyDocument, "unknown operator"},
		{"no file", ok(), nil, 0, 400, CodeInvalidArgument, "no file field"},
		{"no key", drop(ok(), "key"), []byte("x"), 0, 400, CodeInvalidArgument, "key"},
		{"field twice", append(ok(), formPart{"key", "in/acme/b.png"}), []byte("x"), 0, 400, CodeInvalidArgument, "more than once"},
		{"unsigned", []formPart{{"key", "in/acme/a.png"}}, []byte("x"), 0, 403, CodeAccessDenied, "no policy"},
		{"V1 form", []formPart{{"key", "k"}, {"OSSAccessKeyId", testKey.ID}, {"policy", policyB64}, {"Signature", "abc="}}, []byte("x"), 0, 400, CodeInvalidArgument, "V4"},
		{"unknown key ID", set(ok(), "x-oss-credential", "NOBODY/"+time.Now().UTC().Format("20060102")+"/cn-hangzhou/oss/aliyun_v4_request"), []byte("x"), 0, 403, CodeInvalidAccessKeyID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.clock.offset.Store(int64(tt.clock))
			defer env.clock.offset.Store(0)
			resp, body := env.postForm(t, l.URL, tt.fields, "a.png", "", tt.content)
			e := ossError(t, resp, body, tt.status, tt.code)
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
			env.noObjectsBut(t)
		})
	}
	t.Run("overwrite", func(t *testing.T) {
		if resp, body := env.postForm(t, l.URL, ok(), "a.png", "", []byte("first")); resp.StatusCode != 200 {
			t.Fatalf("first upload: %d %s", resp.StatusCode, body)
		}
		resp, body := env.postForm(t, l.URL, ok(), "a.png", "", []byte("second"))
		ossError(t, resp, body, http.StatusConflict, CodeFileAlreadyExists)
		if info, _ := env.srv.Stat("demo", "in/acme/a.png"); info == nil || info.Size != 5 {
			t.Errorf("the first object changed: %+v", info)
		}
	})
	t.Run("not multipart", func(t *testing.T) {
		resp, body := env.send(t, http.MethodPost, l.URL, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte("key=a"))
		ossError(t, resp, body, 400, CodeMalformedPOSTRequest)
	})
	t.Run("cut off mid-file", func(t *testing.T) {
		body, ct := multipartBody(t, set(ok(), "key", "in/acme/c.png"), "c.png", "", []byte("some bytes"))
		body = bytes.Replace(body, []byte("png\r\n\r\nsome bytes"), []byte("png\r\n\r\nsome"), 1)
		cut := body[:bytes.LastIndex(body, []byte("some"))+4]
		resp, got := env.send(t, http.MethodPost, l.URL, http.Header{"Content-Type": {ct}}, cut)
		ossError(t, resp, got, 400, CodeMalformedPOSTRequest)
		if _, err := env.srv.Stat("demo", "in/acme/c.png"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a cut-off file was stored: %v", err)
		}
	})
}

// sandboxSign signs a policy with the sandbox's own key derivation, for
// the cases that need a validly signed bad policy.
func sandboxSign(secret string, l *signing.RequestLink, policyB64 string) string {
	return hex.EncodeToString(hmacSum(sha256.New, signingKeyV4(secret, l.SignedAt.Format("20060102"), l.Region), policyB64))
}

func TestPostObjectAnswers(t *testing.T) {
	env := startSandbox(t, nil)
	l := env.requestLink(t, func(r *signing.Request) { r.AllowOverwrite = true })
	base := func(status string) []formPart {
		var out []formPart
		for _, f := range linkForm(l, "in/acme/s.txt", "") {
			if f.name == signing.FormSuccessStatus {
				f.value = status
			}
			out = append(out, f)
		}
		return out
	}
	// The link binds success_action_status 200; these cases sign their own
	// policy without that condition to reach the other answers.
	unbind := func(fields []formPart) []formPart {
		var policy string
		for _, f := range fields {
			if f.name == "policy" {
				policy = f.value
			}
		}
		raw, _ := base64.StdEncoding.DecodeString(policy)
		raw = bytes.Replace(raw, []byte(`,["eq","$success_action_status","200"]`), nil, 1)
		b64 := base64.StdEncoding.EncodeToString(raw)
		for i := range fields {
			switch fields[i].name {
			case "policy":
				fields[i].value = b64
			case "x-oss-signature":
				fields[i].value = sandboxSign(testKey.Secret, l, b64)
			}
		}
		return fields
	}
	t.Run("201 answers XML", func(t *testing.T) {
		resp, body := env.postForm(t, l.URL, unbind(base("201")), "s.txt", "", []byte("abc"))
		var pr postResponse
		if resp.StatusCode != 201 || xml.Unmarshal(body, &pr) != nil || pr.Key != "in/acme/s.txt" || pr.Bucket != "demo" || pr.ETag == "" {
			t.Errorf("status %d, body %s", resp.StatusCode, body)
		}
	})
	t.Run("no status is 204", func(t *testing.T) {
		resp, body := env.postForm(t, l.URL, unbind(base("")), "s.txt", "", []byte("abc"))
		if resp.StatusCode != 204 || len(body) != 0 {
			t.Errorf("status %d, body %s", resp.StatusCode, body)
		}
		wantChecksums(t, resp.Header, []byte("abc"))
	})
	t.Run("redirect", func(t *testing.T) {
		env.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		fields := append(unbind(base("")), formPart{"success_action_redirect", "https://example.com/done?x=1"})
		resp, _ := env.postForm(t, l.URL, fields, "s.txt", "", []byte("abc"))
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "https://example.com/done?") || !strings.Contains(loc, "key=in%2Facme%2Fs.txt") || !strings.Contains(loc, "x=1") {
			t.Errorf("status %d, Location %q", resp.StatusCode, loc)
		}
	})
}

func TestPostObjectCallback(t *testing.T) {
	env := startSandbox(t, nil)
	cs := newCallbackServer(t, http.StatusOK, `{"received":true}`)
	l := env.requestLink(t, func(r *signing.Request) {
		r.Callback = &signing.Callback{URLs: []string{cs.URL}, Body: "object=${object}&size=${size}&op=${operation}&p=${x:project}", Vars: map[string]string{"x:project": "apollo"}}
	})
	resp, body := env.postForm(t, l.URL, linkForm(l, "in/acme/${filename}", ""), "cb.txt", "", []byte("hello"))
	if resp.StatusCode != 200 || string(body) != `{"received":true}` {
		t.Fatalf("status %d, body %s", resp.StatusCode, body)
	}
	got, _, _ := cs.last(t)
	if got != "object=in%2Facme%2Fcb.txt&size=5&op=PostObject&p=apollo" {
		t.Errorf("callback body %q", got)
	}
}

// BenchmarkPostObject measures the sandbox's POST path (multipart parse,
// policy check, hashing, disk) for an 8 MiB file.
func BenchmarkPostObject(b *testing.B) {
	env := startSandbox(b, nil)
	l := env.requestLink(b, func(r *signing.Request) { r.AllowOverwrite, r.MaxSize = true, 16<<20 })
	content := randomBody(1, 8<<20)
	body, ct := multipartBody(b, linkForm(l, "in/acme/bench.bin", ""), "bench.bin", "", content)
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		resp, err := env.client.Post(l.URL, ct, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// FuzzPostPolicy feeds policy documents to the sandbox's reader and checker:
// never a panic, every refusal an OSS error, and a length range only when
// its bounds are ordered.
func FuzzPostPolicy(f *testing.F) {
	for _, s := range []string{
		`{"expiration":"2026-12-01T12:00:00.000Z","conditions":[{"bucket":"demo"},["starts-with","$key","in/"],["content-length-range",1,10]]}`,
		`{"expiration":"2026-12-01T12:00:00Z","conditions":[["in","$content-type",["image/png","image/jpeg"]],["not-in","$cache-control",["no-cache"]]]}`,
		`{"expiration":"x","conditions":[]}`, `{"conditions":[{"a":"b","c":"d"}]}`, `[]`, `{"expiration":"2026-12-01T12:00:00Z","conditions":[["eq","key","v"]]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p, e := parsePostPolicy([]byte(doc))
		if e != nil {
			if e.Code != CodeInvalidPolicyDocument || e.Status != http.StatusBadRequest {
				t.Errorf("refusal %+v is not InvalidPolicyDocument", e)
			}
			return
		}
		for _, c := range p.conditions {
			if c.op == opLengthRange && (c.min < 0 || c.min > c.max) {
				t.Errorf("accepted a range [%d, %d]", c.min, c.max)
			}
		}
		if e := p.check(func(string) string { return "" }); e != nil && e.Code != CodeAccessDenied {
			t.Errorf("check refused with %+v", e)
		}
	})
}

// TestPostObjectFormLimits: the fields before the file are held to OSS's
// limits (a name up to 8 KB, a value up to 2 MB, 8 MB in all), a part's
// header to formHeaderMax, the boundary to RFC 2046's 70 characters; at
// the limits the upload is stored.
func TestPostObjectFormLimits(t *testing.T) {
	env := startSandbox(t, nil)
	l := env.requestLink(t, func(r *signing.Request) { r.AllowOverwrite = true })
	with := func(extra ...formPart) []formPart {
		return append(linkForm(l, "in/acme/limits.bin", ""), extra...)
	}
	big := func(n int) string { return strings.Repeat("v", n) }
	tests := []struct {
		name    string
		fields  []formPart
		status  int
		code    string
		message string
	}{
		{"value at the limit", with(formPart{"x-pad", big(maxFormField)}), 200, "", ""},
		{"value too large", with(formPart{"x-pad", big(maxFormField + 1)}), 400, CodeInvalidArgument, "larger than 2 MB"},
		{"name at the limit", with(formPart{"x-" + big(maxFieldName-2), "v"}), 200, "", ""},
		{"name too long", with(formPart{"x-" + big(maxFieldName-1), "v"}), 400, CodeInvalidArgument, "longer than 8 KB"},
		{"too much in all", with(formPart{"x-a", big(maxFormField)}, formPart{"x-b", big(maxFormField)},
			formPart{"x-c", big(maxFormField)}, formPart{"x-d", big(maxFormField)}), 400, CodeInvalidArgument, "more than 8 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.postForm(t, l.URL, tt.fields, "limits.bin", "", []byte("x"))
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				return
			}
			e := ossError(t, resp, body, tt.status, tt.code)
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
		})
	}
	t.Run("header too large", func(t *testing.T) {
		body, ct := multipartBody(t, linkForm(l, "in/acme/limits.bin", ""), "limits.bin", "", []byte("x"))
		body = bytes.Replace(body, []byte("Content-Disposition: form-data; name=\"key\""),
			[]byte("X-Long: "+big(formHeaderMax)+"\r\nContent-Disposition: form-data; name=\"key\""), 1)
		resp, got := env.send(t, http.MethodPost, l.URL, http.Header{"Content-Type": {ct}}, body)
		e := ossError(t, resp, got, 400, CodeInvalidArgument)
		if !strings.Contains(e.Message, "header larger than") {
			t.Errorf("message %q", e.Message)
		}
	})
	t.Run("boundary too long", func(t *testing.T) {
		long := big(71)
		body := "--" + long + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--" + long + "--\r\n"
		resp, got := env.send(t, http.MethodPost, l.URL, http.Header{"Content-Type": {"multipart/form-data; boundary=" + long}}, []byte(body))
		ossError(t, resp, got, 400, CodeMalformedPOSTRequest)
	})
	env.noObjectsBut(t, "in/acme/limits.bin")
}
