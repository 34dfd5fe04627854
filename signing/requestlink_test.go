package signing

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSignPolicyVectors checks the PostObject V4 signature against vectors
// computed by others from the same specification, so a mistake in the key
// derivation or the string to sign cannot pass by agreeing with itself.
func TestSignPolicyVectors(t *testing.T) {
	tests := []struct {
		name, secret, day, region, policy, want string
	}{
		{
			// cozy-elixir/alibaba_cloud_kit test/alibaba_cloud_kit/oss/object_test.exs
			// (presign_post_object, 2024-07-13T13:34:14Z, us-west-1).
			name: "alibaba_cloud_kit", secret: "access_key_secret", day: "20240713", region: "us-west-1",
			policy: "eyJjb25kaXRpb25zIjpbeyJidWNrZXQiOiJleGFtcGxlLWJ1Y2tldCJ9LHsieC1vc3Mtc2lnbmF0dXJlLXZlcnNpb24iOiJPU1M0LUhNQUMtU0hBMjU2In0seyJ4LW9zcy1jcmVkZW50aWFsIjoiYWNjZXNzX2tleV9pZC8yMDI0MDcxMy91cy13ZXN0LTEvb3NzL2FsaXl1bl92NF9yZXF1ZXN0In0seyJ4LW9zcy1kYXRlIjoiMjAyNDA3MTNUMTMzNDE0WiJ9LFsiZXEiLCIka2V5Iiwib2JqZWN0L3ByZXNpZ25fcG9zdF9vYmplY3QucG5nIl0sWyJlcSIsIiR4LW9zcy1vYmplY3QtYWNsIiwicHJpdmF0ZSJdLFsiY29udGVudC1sZW5ndGgtcmFuZ2UiLDEsMTA0ODU3NjAwXV0sImV4cGlyYXRpb24iOiIyMDI0LTA3LTEzVDE0OjM0OjE0WiJ9",
			want:   "43fb9eb04136cdaaab110bfb33c4c7daba4beebdad63889e7f3a460242596d04",
		},
		{
			// Our own vector, computed once with Python's hmac module from the
			// formula in OSS-NOTES.md (key chain from "aliyun_v4"+secret).
			name: "own", secret: "example-secret", day: "20261124", region: "cn-hangzhou",
			policy: base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2026-11-24T11:00:00.000Z","conditions":[{"bucket":"my-bucket"}]}`)),
			want:   ownVector,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signPolicy(tt.secret, tt.day, tt.region, tt.policy); got != tt.want {
				t.Errorf("signature %s, want %s", got, tt.want)
			}
		})
	}
}

// ownVector: python3 -c 'import hmac,hashlib,base64;k=b"aliyun_v4example-secret"
// [k:=hmac.new(k,p.encode(),hashlib.sha256).digest() for p in ["20261124","cn-hangzhou","oss","aliyun_v4_request"]]
// print(hmac.new(k,base64.b64encode(b"{...}"),hashlib.sha256).hexdigest())'
const ownVector = "e50e73c6c9c3394f76c8119b179be706b328cc1179d7d23dcac63857492239eb"

func requestLinkRequest() Request {
	r := validRequest()
	r.Method, r.Key, r.Prefix, r.MaxSize = MethodPost, "", "in/acme/", 200_000_000
	return r
}

func TestNewRequestLink(t *testing.T) {
	req := requestLinkRequest()
	req.MinSize, req.ContentTypePrefix = 1, "image/"
	req.Metadata = map[string]string{"project": "apollo"}
	req.Callback = validCallback()
	l, err := NewRequestLink(req, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "url", l.URL, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/")
	want(t, "prefix", l.Prefix, "in/acme/")
	want(t, "range", [2]int64{l.MinSize, l.MaxSize}, [2]int64{1, 200_000_000})
	want(t, "type prefix", l.ContentTypePrefix, "image/")
	want(t, "protected", l.ForbidOverwrite, true)
	want(t, "metadata", l.Metadata, map[string]string{"project": "apollo"})
	want(t, "signed", l.SignedAt, testNow)
	want(t, "expires", l.ExpiresAt, testNow.Add(time.Hour))
	want(t, "access key", l.AccessKeyID, "AKIDEXAMPLE")
	if !strings.Contains(l.Callback, "callbackUrl") {
		t.Errorf("callback %q", l.Callback)
	}
	// The signature is the one the published formula gives for this policy.
	policy, _ := l.Fields.Get(FormPolicy)
	sig, _ := l.Fields.Get(FormSignature)
	want(t, "signature", sig, signPolicy("example-secret", "20261124", "cn-hangzhou", policy))
	// Every field the form sends is bound by the policy.
	for _, f := range l.Fields {
		if f.Name == FormPolicy || f.Name == FormSignature {
			continue
		}
		if !strings.Contains(l.Policy, `"`+f.Value+`"`) {
			t.Errorf("field %s=%s is not in the policy %s", f.Name, f.Value, l.Policy)
		}
	}
	for _, cond := range []string{`{"bucket":"my-bucket"}`, `["starts-with","$key","in/acme/"]`, `["content-length-range",1,200000000]`,
		`["starts-with","$content-type","image/"]`, `["eq","$x-oss-forbid-overwrite","true"]`, `["eq","$success_action_status","200"]`,
		`{"x-oss-credential":"AKIDEXAMPLE/20261124/cn-hangzhou/oss/aliyun_v4_request"}`, `"expiration":"2026-11-24T11:00:00.000Z"`} {
		if !strings.Contains(l.Policy, cond) {
			t.Errorf("policy lacks %s:\n%s", cond, l.Policy)
		}
	}
}

func TestRequestLinkURLs(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   string
	}{
		{"public", func(*Request) {}, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/"},
		{"public path style", func(r *Request) { r.PathStyle = true }, "https://oss-cn-hangzhou.aliyuncs.com/my-bucket"},
		{"internal", func(r *Request) { r.EndpointKind = EndpointInternal }, "https://my-bucket.oss-cn-hangzhou-internal.aliyuncs.com/"},
		{"accelerate", func(r *Request) { r.EndpointKind = EndpointAccelerate }, "https://my-bucket.oss-accelerate.aliyuncs.com/"},
		{"sandbox", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "http://127.0.0.1:9000" }, "http://127.0.0.1:9000/my-bucket"},
		{"bound domain", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "files.example.com" }, "https://files.example.com/"},
		{"region endpoint", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "oss-cn-hangzhou.aliyuncs.com" }, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := requestLinkRequest()
			tt.change(&req)
			l, err := NewRequestLink(req, testNow)
			if err != nil {
				t.Fatal(err)
			}
			want(t, "url", l.URL, tt.want)
		})
	}
}

func TestValidateRequestLink(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		field  string
		want   error
	}{
		{"valid", func(*Request) {}, "", nil},
		{"one named file", func(r *Request) { r.Prefix, r.Key = "", "in/acme/contract.pdf" }, "", nil},
		{"folder and key", func(r *Request) { r.Key = "a.pdf" }, FieldPrefix, ErrPrefix},
		{"no folder", func(r *Request) { r.Prefix = "" }, FieldPrefix, ErrPrefix},
		{"folder without slash", func(r *Request) { r.Prefix = "in/acme" }, FieldPrefix, ErrPrefix},
		{"folder with leading slash", func(r *Request) { r.Prefix = "/in/" }, FieldPrefix, ErrPrefix},
		{"negative size", func(r *Request) { r.MinSize = -1 }, FieldSize, ErrSizeRange},
		{"min over max", func(r *Request) { r.MinSize, r.MaxSize = 10, 5 }, FieldSize, ErrSizeRange},
		{"max over 5 GiB", func(r *Request) { r.MaxSize = MaxObjectSize + 1 }, FieldSize, ErrSizeRange},
		{"exactly 5 GiB", func(r *Request) { r.MaxSize = MaxObjectSize }, "", nil},
		{"no max means 5 GiB", func(r *Request) { r.MaxSize = 0 }, "", nil},
		{"type and type prefix", func(r *Request) { r.ContentType, r.ContentTypePrefix = "image/png", "image/" }, FieldContentType, ErrContentType},
		{"type prefix with space", func(r *Request) { r.ContentTypePrefix = "image /" }, FieldContentType, ErrContentType},
		{"pinned MD5", func(r *Request) { r.ContentMD5 = "1B2M2Y8AsgTpgAmY7PhCfg==" }, FieldContentMD5, ErrContentMD5},
		{"expiry over 7 days", func(r *Request) { r.Expires = 8 * 24 * time.Hour }, FieldExpiry, ErrExpiryTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := requestLinkRequest()
			tt.change(&req)
			_, err := NewRequestLink(req, testNow)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			fes := FieldErrors(err)
			if len(fes) != 1 || fes[0].Field != tt.field || !errors.Is(fes[0], tt.want) {
				t.Fatalf("got %v, want one %s error wrapping %v", err, tt.field, tt.want)
			}
			if !strings.HasSuffix(fes[0].Msg, ".") || fes[0].Msg[0] < 'A' || fes[0].Msg[0] > 'Z' {
				t.Errorf("message %q is not a sentence", fes[0].Msg)
			}
		})
	}
}

func TestRequestLinkInspect(t *testing.T) {
	req := requestLinkRequest()
	req.Credentials.SecurityToken = "CAIS+token/with=chars"
	req.ContentType = "application/pdf"
	l, err := NewRequestLink(req, testNow)
	if err != nil {
		t.Fatal(err)
	}
	share := l.ShareLink()
	if strings.ContainsAny(strings.SplitN(share, "#", 2)[1], "%+/") || strings.Contains(share, "eyJ") {
		t.Errorf("the fragment needs escaping: %s", share)
	}
	for _, text := range []string{share, l.Curl("my file;1.pdf"), "  " + share + "\n"} {
		t.Run(text[:12], func(t *testing.T) {
			in, err := Inspect(text, testNow)
			if err != nil {
				t.Fatal(err)
			}
			r := in.Request
			if r == nil {
				t.Fatalf("not read as a request link: %+v", in)
			}
			want(t, "method", in.Method, MethodPost)
			want(t, "bucket", in.Bucket, "my-bucket")
			want(t, "url", in.URL, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/")
			want(t, "prefix", r.Prefix, "in/acme/")
			want(t, "type", r.ContentType, "application/pdf")
			want(t, "sts", in.HasSTSToken, true)
			want(t, "fields", r.Fields, l.Fields)
			want(t, "share link", in.ShareLink(), share)
			want(t, "warnings", len(in.Warnings), 0)
			if in.Source == SourceCurl {
				want(t, "file", in.File, "my file;1.pdf")
			}
		})
	}
	if in, _ := Inspect(share, testNow.Add(2*time.Hour)); in == nil || len(in.Warnings) == 0 || !strings.Contains(in.Warnings[0].String(), "expired") {
		t.Errorf("an expired request link is not flagged: %+v", in)
	}
}

func TestRequestLinkRejects(t *testing.T) {
	l, err := NewRequestLink(requestLinkRequest(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	share := l.ShareLink()
	swap := func(doc string) string {
		other := *l
		other.Policy = doc
		return other.ShareLink()
	}
	tests := []struct{ name, text, want string }{
		{"no signature", strings.Split(share, "&x-oss-signature=")[0], "signature"},
		{"short signature", share[:len(share)-2], "signature"},
		{"policy not Base64", strings.Replace(share, "policy=", "policy=*", 1), "Base64"},
		{"policy not compressed", strings.Replace(share, "policy=", "policy=AAAA", 1), "Base64"},
		{"policy not JSON", swap("not json"), "not valid JSON"},
		{"unknown condition", swap(strings.Replace(l.Policy, `["starts-with","$key"`, `["in","$key"`, 1)), "does not know"},
		{"no key condition", swap(strings.Replace(l.Policy, `["starts-with","$key","in/acme/"],`, "", 1)), "no object key"},
		{"free choice of a field", swap(strings.Replace(l.Policy, `["eq","$success_action_status"`, `["starts-with","$success_action_status"`, 1)), "cannot do"},
		{"inverted range", swap(strings.Replace(l.Policy, `"content-length-range",0,200000000`, `"content-length-range",5,1`, 1)), "smallest first"},
		{"future format", strings.Replace(share, "ossdrop=2", "ossdrop=3", 1), "newer OSS Drop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.text, testNow)
			if err == nil || !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Inspect: %v, want an error containing %q", err, tt.want)
			}
			checkLinkError(t, err)
		})
	}
}

// TestRequestLinkCurlInRealShell runs the curl command through sh with a
// stand-in curl that prints its arguments, so quoting is checked by a shell.
func TestRequestLinkCurlInRealShell(t *testing.T) {
	req := requestLinkRequest()
	req.Metadata = map[string]string{"note": `it's "odd"; @home <x> $HOME`}
	l, err := NewRequestLink(req, testNow)
	if err != nil {
		t.Fatal(err)
	}
	cmd := l.Curl("./my file.txt")
	out, err := exec.Command("sh", "-c", "curl() { printf '%s\\n' \"$@\"; }; "+cmd).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want(t, "last", args[len(args)-1], l.URL)
	want(t, "file", args[len(args)-2], "file=@./my file.txt")
	if !contains(args, "key=in/acme/${filename}") || !contains(args, `x-oss-meta-note=it's "odd"; @home <x> $HOME`) {
		t.Errorf("fields not passed verbatim: %q", args)
	}
	if i := indexOf(args, `x-oss-meta-note=it's "odd"; @home <x> $HOME`); i < 1 || args[i-1] != "--form-string" {
		t.Errorf("a value with ; is not sent with --form-string: %q", args)
	}
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestRequestLinkQRVersion measures the QR code of typical request links:
// a phone camera reads a code on a screen comfortably up to about version
// 25 (117 modules); past that, long links should be shared as text.
func TestRequestLinkQRVersion(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		max    int
	}{
		{"folder, size limit", func(*Request) {}, 18},
		{"folder, size and type limits, metadata", func(r *Request) {
			r.MinSize, r.ContentTypePrefix, r.Metadata = 1, "image/", map[string]string{"project": "apollo"}
		}, 19},
		{"with a callback", func(r *Request) { r.Callback = validCallback() }, 22},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := requestLinkRequest()
			req.Credentials.AccessKeyID = "TESTKYAbCdEfGhIjKlMnOpQr"
			req.Bucket = "acme-reports"
			tt.change(&req)
			l, err := NewRequestLink(req, testNow)
			if err != nil {
				t.Fatal(err)
			}
			qr, err := EncodeQR(l.ShareLink())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d characters, QR version %d, level %s", len(l.ShareLink()), qr.Version(), qr.Level)
			if qr.Version() > tt.max {
				t.Errorf("QR version %d, want at most %d", qr.Version(), tt.max)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true}, {"0", 0, true}, {"512 bytes", 512, true}, {"1 byte", 1, true}, {"200MB", 200 << 20, true},
		{"200 mb", 200 << 20, true}, {"500KB", 500 << 10, true}, {"200MiB", 200 << 20, true}, {"200M", 200 << 20, true}, {"1.5GiB", 3 << 29, true},
		{"4G", 4 << 30, true}, {"5GB", 5 << 30, true}, {"10k", 10 << 10, true}, {"10KB", 10 << 10, true}, {"1TiB", 1 << 40, true},
		{"", 0, false}, {"MB", 0, false}, {"-1", 0, false}, {"1.2.3", 0, false}, {"12 parsecs", 0, false}, {"1e9", 0, false},
		{"99999999999T", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "200MB", "1.5GiB", "4G", "512 bytes", "", "-1", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && n < 0 {
			t.Errorf("ParseSize(%q) = %d", s, n)
		}
		if err != nil && !strings.Contains(err.Error(), "size") {
			t.Errorf("ParseSize(%q): %v is not a sentence about a size", s, err)
		}
	})
}

// FuzzRequestLink feeds damaged request links to Inspect: it must never
// panic, and whatever it accepts must read back to the same link.
func FuzzRequestLink(f *testing.F) {
	l, err := NewRequestLink(requestLinkRequest(), testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(l.ShareLink())
	f.Add(l.Curl(""))
	f.Add(strings.Replace(l.ShareLink(), "policy=", "policy=e30", 1))
	doc, _ := json.Marshal(map[string]any{"expiration": "2026-11-24T11:00:00Z", "conditions": []any{[]any{"content-length-range", -1, 2}}})
	other := *l
	other.Policy = string(doc)
	f.Add(other.ShareLink())
	f.Fuzz(func(t *testing.T, text string) {
		in, err := Inspect(text, testNow)
		if err != nil {
			if !errors.Is(err, ErrNotALink) {
				t.Errorf("error %v does not wrap ErrNotALink", err)
			}
			return
		}
		if in.Request == nil {
			return
		}
		r := in.Request
		if r.MinSize > r.MaxSize || r.MinSize < 0 || (r.Key == "" && r.Prefix == "" && !strings.Contains(r.Policy, `"$key",""`)) {
			t.Errorf("accepted an impossible link: %+v", r)
		}
		again, err := Inspect(in.ShareLink(), testNow)
		if err != nil || again.Request == nil || again.Request.Policy != r.Policy {
			t.Errorf("share link %q does not read back: %v", in.ShareLink(), err)
		}
	})
}
