package signing

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

var testNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// validRequest is a request that passes every rule; each case breaks one.
func validRequest() Request {
	return Request{
		Region: "cn-hangzhou", Bucket: "my-bucket", Key: "reports/q3.pdf", Expires: time.Hour,
		Credentials: Credentials{AccessKeyID: "AKIDEXAMPLE", AccessKeySecret: "example-secret"},
	}
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", 1024)
	tests := []struct {
		name   string
		change func(*Request)
		field  string
		want   error
	}{
		{"valid", func(*Request) {}, "", nil},
		{"region with oss- prefix", func(r *Request) { r.Region = "oss-cn-beijing" }, "", nil},
		{"empty region", func(r *Request) { r.Region = "" }, FieldRegion, ErrRegion},
		{"bad region", func(r *Request) { r.Region = "Hangzhou!" }, FieldRegion, ErrRegion},
		{"custom endpoint", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "http://127.0.0.1:9000" }, "", nil},
		{"custom domain", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "files.example.com" }, "", nil},
		{"empty custom endpoint", func(r *Request) { r.EndpointKind = EndpointCustom }, FieldEndpoint, ErrEndpoint},
		{"endpoint with path", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "https://x.example.com/path" }, FieldEndpoint, ErrEndpoint},
		{"endpoint ftp", func(r *Request) { r.EndpointKind, r.Endpoint = EndpointCustom, "ftp://x.example.com" }, FieldEndpoint, ErrEndpoint},
		{"endpoint of other region", func(r *Request) {
			r.EndpointKind, r.Endpoint = EndpointCustom, "oss-cn-beijing.aliyuncs.com"
		}, FieldEndpoint, ErrRegionMismatch},
		{"internal endpoint of same region", func(r *Request) {
			r.EndpointKind, r.Endpoint = EndpointCustom, "https://oss-cn-hangzhou-internal.aliyuncs.com"
		}, "", nil},
		{"unknown endpoint kind", func(r *Request) { r.EndpointKind = 9 }, FieldEndpoint, ErrEndpoint},
		{"empty bucket", func(r *Request) { r.Bucket = "" }, FieldBucket, ErrBucketName},
		{"short bucket", func(r *Request) { r.Bucket = "ab" }, FieldBucket, ErrBucketName},
		{"long bucket", func(r *Request) { r.Bucket = strings.Repeat("b", 64) }, FieldBucket, ErrBucketName},
		{"63-char bucket", func(r *Request) { r.Bucket = strings.Repeat("b", 63) }, "", nil},
		{"uppercase bucket", func(r *Request) { r.Bucket = "MyBucket" }, FieldBucket, ErrBucketName},
		{"bucket leading hyphen", func(r *Request) { r.Bucket = "-bucket" }, FieldBucket, ErrBucketName},
		{"bucket trailing hyphen", func(r *Request) { r.Bucket = "bucket-" }, FieldBucket, ErrBucketName},
		{"bucket underscore", func(r *Request) { r.Bucket = "my_bucket" }, FieldBucket, ErrBucketName},
		{"empty key", func(r *Request) { r.Key = "" }, FieldKey, ErrKey},
		{"1023-byte key", func(r *Request) { r.Key = long[:1023] }, "", nil},
		{"1024-byte key", func(r *Request) { r.Key = long }, FieldKey, ErrKey},
		{"341 Chinese characters is 1023 bytes", func(r *Request) { r.Key = strings.Repeat("中", 341) }, "", nil},
		{"342 Chinese characters is too long", func(r *Request) { r.Key = strings.Repeat("中", 342) }, FieldKey, ErrKey},
		{"key leading slash", func(r *Request) { r.Key = "/a" }, FieldKey, ErrKey},
		{"key leading backslash", func(r *Request) { r.Key = `\a` }, FieldKey, ErrKey},
		{"key NUL", func(r *Request) { r.Key = "a\x00b" }, FieldKey, ErrKey},
		{"key newline", func(r *Request) { r.Key = "a\nb" }, FieldKey, ErrKey},
		{"key invalid UTF-8", func(r *Request) { r.Key = "a\xffb" }, FieldKey, ErrKey},
		{"key with odd characters", func(r *Request) { r.Key = "a b/中文/文件 x+y~z%.txt/" }, "", nil},
		{"GET", func(r *Request) { r.Method = MethodGet }, "", nil},
		{"DELETE", func(r *Request) { r.Method = "DELETE" }, FieldMethod, ErrMethod},
		{"GET with content type", func(r *Request) { r.Method, r.ContentType = MethodGet, "text/plain" }, FieldMethod, errGetWithPutOptions},
		{"1 second", func(r *Request) { r.Expires = time.Second }, "", nil},
		{"half a second", func(r *Request) { r.Expires = time.Second / 2 }, FieldExpiry, ErrExpiryTooShort},
		{"negative", func(r *Request) { r.Expires = -time.Minute }, FieldExpiry, ErrExpiryTooShort},
		{"7 days", func(r *Request) { r.Expires = MaxExpiry }, "", nil},
		{"7 days 1 second", func(r *Request) { r.Expires = MaxExpiry + time.Second }, FieldExpiry, ErrExpiryTooLong},
		{"instant in the past", func(r *Request) { r.ExpiresAt = testNow.Add(-time.Minute) }, FieldExpiry, ErrExpiryTooShort},
		{"instant in 8 days", func(r *Request) { r.ExpiresAt = testNow.Add(8 * 24 * time.Hour) }, FieldExpiry, ErrExpiryTooLong},
		{"STS link within token", func(r *Request) {
			r.Credentials.SecurityToken, r.Credentials.TokenExpires = "tok", testNow.Add(2*time.Hour)
		}, "", nil},
		{"STS link past token", func(r *Request) {
			r.Credentials.SecurityToken, r.Credentials.TokenExpires = "tok", testNow.Add(30*time.Minute)
		}, FieldExpiry, ErrExpiryPastToken},
		{"STS token expired", func(r *Request) {
			r.Credentials.SecurityToken, r.Credentials.TokenExpires = "tok", testNow.Add(-time.Minute)
		}, FieldCredentials, ErrTokenExpired},
		{"no secret", func(r *Request) { r.Credentials.AccessKeySecret = "" }, FieldCredentials, ErrCredentials},
		{"no AccessKey ID", func(r *Request) { r.Credentials.AccessKeyID = " " }, FieldCredentials, ErrCredentials},
		{"content type", func(r *Request) { r.ContentType = "application/pdf" }, "", nil},
		{"content type with parameter", func(r *Request) { r.ContentType = "text/plain; charset=utf-8" }, "", nil},
		{"content type newline", func(r *Request) { r.ContentType = "text/plain\r\nx: y" }, FieldContentType, ErrContentType},
		{"content type without slash", func(r *Request) { r.ContentType = "pdf" }, FieldContentType, ErrContentType},
		{"Content-MD5", func(r *Request) { r.ContentMD5 = "1B2M2Y8AsgTpgAmY7PhCfg==" }, "", nil},
		{"Content-MD5 hex", func(r *Request) { r.ContentMD5 = "d41d8cd98f00b204e9800998ecf8427e" }, FieldContentMD5, ErrContentMD5},
		{"storage class", func(r *Request) { r.StorageClass = "IA" }, "", nil},
		{"storage class lower case", func(r *Request) { r.StorageClass = "standard" }, FieldStorageClass, ErrStorageClass},
		{"ACL", func(r *Request) { r.ACL = "public-read" }, "", nil},
		{"unknown ACL", func(r *Request) { r.ACL = "public" }, FieldACL, ErrACL},
		{"metadata", func(r *Request) { r.Metadata = map[string]string{"Project-ID": "42", "owner": "Ada L"} }, "", nil},
		{"metadata name with space", func(r *Request) { r.Metadata = map[string]string{"a b": "1"} }, FieldMetadata, ErrMetaName},
		{"metadata name underscore", func(r *Request) { r.Metadata = map[string]string{"a_b": "1"} }, FieldMetadata, ErrMetaName},
		{"metadata value newline", func(r *Request) { r.Metadata = map[string]string{"a": "1\n2"} }, FieldMetadata, ErrMetaValue},
		{"metadata value Chinese", func(r *Request) { r.Metadata = map[string]string{"a": "中文"} }, FieldMetadata, ErrMetaValue},
		{"metadata over 8 KB", func(r *Request) { r.Metadata = map[string]string{"a": strings.Repeat("v", 8200)} }, FieldMetadata, ErrMetaTooLarge},
		{"callback", func(r *Request) { r.Callback = validCallback() }, "", nil},
		{"callback without URL", func(r *Request) { cb := validCallback(); cb.URLs = nil; r.Callback = cb }, FieldCallback, ErrCallbackURL},
		{"callback six URLs", func(r *Request) {
			cb := validCallback()
			cb.URLs = strings.Split(strings.Repeat("https://a.example/,", 6), ",")[:6]
			r.Callback = cb
		}, FieldCallback, ErrCallbackURL},
		{"callback relative URL", func(r *Request) { cb := validCallback(); cb.URLs = []string{"/cb"}; r.Callback = cb }, FieldCallback, ErrCallbackURL},
		{"callback ftp URL", func(r *Request) { cb := validCallback(); cb.URLs = []string{"ftp://a/cb"}; r.Callback = cb }, FieldCallback, ErrCallbackURL},
		{"callback empty body", func(r *Request) { cb := validCallback(); cb.Body = " "; r.Callback = cb }, FieldCallback, ErrCallbackBody},
		{"callback bad body type", func(r *Request) { cb := validCallback(); cb.BodyType = "text/xml"; r.Callback = cb }, FieldCallback, ErrCallbackBodyType},
		{"callback bad host", func(r *Request) { cb := validCallback(); cb.Host = "http://x/"; r.Callback = cb }, FieldCallback, ErrCallbackHost},
		{"callback var upper case", func(r *Request) {
			cb := validCallback()
			cb.Vars = map[string]string{"x:Name": "1"}
			r.Callback = cb
		}, FieldCallback, ErrCallbackVarName},
		{"callback var without x:", func(r *Request) {
			cb := validCallback()
			cb.Vars = map[string]string{"name": "1"}
			r.Callback = cb
		}, FieldCallback, ErrCallbackVarName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.change(&r)
			err := r.Validate(testNow)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			fes := FieldErrors(err)
			if len(fes) != 1 || fes[0].Field != tt.field {
				t.Fatalf("FieldErrors = %+v, want one for %q", fes, tt.field)
			}
			msg := fes[0].Msg
			if strings.Contains(msg, "\n") || !strings.HasSuffix(msg, ".") || strings.Contains(msg, "example-secret") {
				t.Errorf("message %q should be one sentence without the secret", msg)
			}
		})
	}
}

func validCallback() *Callback {
	return &Callback{URLs: []string{"https://cb.example.com/oss"}, Body: "object=${object}&size=${size}", Vars: map[string]string{"x:project": "apollo"}}
}

func TestValidateReportsEveryField(t *testing.T) {
	r := Request{Key: "/x", Expires: 8 * 24 * time.Hour}
	fields := map[string]bool{}
	for _, fe := range FieldErrors(r.Validate(testNow)) {
		fields[fe.Field] = true
	}
	for _, f := range []string{FieldRegion, FieldBucket, FieldKey, FieldExpiry, FieldCredentials} {
		if !fields[f] {
			t.Errorf("no error for field %s; got %v", f, fields)
		}
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", AccessKeySecret: "very-secret-value", SecurityToken: "token-value"}
	for _, s := range []string{c.String(), c.GoString(), c.LogValue().String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, "very-secret-value") || strings.Contains(s, "token-value") {
			t.Errorf("secret leaked: %q", s)
		}
		if !strings.Contains(s, "AKIDEXAMPLE") && !strings.Contains(s, "access_key_id") {
			t.Errorf("AccessKey ID missing: %q", s)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "90s", want: testNow.Add(90 * time.Second)},
		{in: "15m", want: testNow.Add(15 * time.Minute)},
		{in: "1h", want: testNow.Add(time.Hour)},
		{in: "1h30m", want: testNow.Add(90 * time.Minute)},
		{in: "7d", want: testNow.Add(MaxExpiry)},
		{in: "1d12h", want: testNow.Add(36 * time.Hour)},
		{in: "2026-12-01T18:00:00+08:00", want: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{in: "", bad: true},
		{in: "soon", bad: true},
		{in: "7 days", bad: true},
		{in: "xd", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseExpiry(tt.in, testNow)
			if tt.bad {
				if err == nil {
					t.Fatalf("ParseExpiry(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParseExpiry(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestParseValidity: durations stay durations (counted from the signing
// instant), instants stay instants.
func TestParseValidity(t *testing.T) {
	d, at, err := ParseValidity("1s")
	if err != nil || d != time.Second || !at.IsZero() {
		t.Errorf("1s = %v, %v, %v", d, at, err)
	}
	d, at, err = ParseValidity("2026-12-01T18:00:00+08:00")
	if err != nil || d != 0 || !at.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339 = %v, %v, %v", d, at, err)
	}
	// Zero is not "the default hour", and a negative duration is quoted
	// as it was typed, not as Go writes it ("-5m0s").
	for in, says := range map[string]string{
		"0s":     "the expiry 0s is no time at all",
		"0":      "the expiry 0 is no time at all",
		"-5m":    "the expiry -5m is negative",
		"-1h30m": "the expiry -1h30m is negative",
		" -2d ":  "the expiry -2d is negative",
	} {
		if d, at, err := ParseValidity(in); err == nil || !strings.HasPrefix(err.Error(), says) || d != 0 || !at.IsZero() {
			t.Errorf("ParseValidity(%q) = %v, %v, %v; want an error saying %q", in, d, at, err, says)
		}
	}
}

// TestTypedDuration: durations in sentences read as people type them.
func TestTypedDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-5 * time.Minute: "-5m", time.Hour: "1h", 90 * time.Minute: "1h30m", 500 * time.Millisecond: "500ms",
		-time.Hour - 30*time.Second: "-1h0m30s", 0: "0s", 3 * time.Second: "3s",
	} {
		if got := TypedDuration(d); got != want {
			t.Errorf("TypedDuration(%v) = %q, want %q", d, got, want)
		}
	}
	r := validRequest()
	r.Expires = -5 * time.Minute
	if fes := FieldErrors(r.Validate(testNow)); len(fes) != 1 || !strings.Contains(fes[0].Msg, "The expiry -5m is negative") {
		t.Errorf("negative expiry: %v", fes)
	}
}

// FuzzParseValidity: any text is a duration, an instant or an error, and
// ParseExpiry agrees with it.
func FuzzParseValidity(f *testing.F) {
	for _, s := range []string{"90s", "1s", "7d", "1d12h", "2026-12-01T18:00:00+08:00", "", "xd", "-1h", "9999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, at, err := ParseValidity(s)
		if err != nil {
			if d != 0 || !at.IsZero() {
				t.Fatalf("%q: error %v with a value %v %v", s, err, d, at)
			}
			return
		}
		if d != 0 && !at.IsZero() {
			t.Fatalf("%q: both a duration and an instant", s)
		}
		got, err := ParseExpiry(s, testNow)
		if err != nil || (at.IsZero() && !got.Equal(testNow.Add(d))) || (!at.IsZero() && !got.Equal(at)) {
			t.Fatalf("ParseExpiry(%q) = %v, %v; ParseValidity %v %v", s, got, err, d, at)
		}
	})
}

func TestHumanDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                                "0 seconds",
		time.Second:                      "1 second",
		59 * time.Minute:                 "59 minutes",
		59*time.Minute + 59*time.Second:  "59 minutes 59 seconds",
		90 * time.Minute:                 "1 hour 30 minutes",
		MaxExpiry:                        "7 days",
		24*time.Hour + 5*time.Minute:     "1 day",
		2*time.Hour + 3*time.Minute + 9:  "2 hours 3 minutes",
		-(3*time.Minute + 2*time.Second): "3 minutes 2 seconds",
	}
	for d, want := range tests {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestEndpointSentences: an empty custom endpoint says so without empty
// quotes, and a bad one says what is wrong with it in a translatable
// clause.
func TestEndpointSentences(t *testing.T) {
	for endpoint, want := range map[string]string{
		"":                     "The endpoint is empty: enter a host such as",
		"   ":                  "The endpoint is empty: enter a host such as",
		"ftp://x.example.com":  `The endpoint "ftp://x.example.com" is not usable: the scheme "ftp" is neither http nor https. Enter`,
		"https://x.example/p?": `The endpoint "https://x.example/p?" is not usable: an endpoint is a host only`,
	} {
		r := validRequest()
		r.EndpointKind, r.Endpoint = EndpointCustom, endpoint
		fes := FieldErrors(r.Validate(testNow))
		if len(fes) != 1 || !strings.HasPrefix(fes[0].Msg, want) || strings.Contains(fes[0].Msg, `""`) {
			t.Errorf("endpoint %q: %v, want %q…", endpoint, fes, want)
		}
		if len(fes) == 1 && endpoint != "" && strings.TrimSpace(endpoint) != "" {
			if _, ok := fes[0].Text.Args[1].(message.Text); !ok {
				t.Errorf("endpoint %q: the reason %v is not a Text to translate", endpoint, fes[0].Text.Args[1])
			}
		}
	}
}
