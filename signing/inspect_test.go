package signing

import (
	"bytes"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
)

// A V4 URL signed at testNow-5m for one hour, with fixed parameters so the
// tests need no SDK and no clock.
const (
	v4URL = "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/a%20b/%E4%B8%AD%E6%96%87.txt" +
		"?x-oss-credential=AKIDEXAMPLE%2F20261124%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20261124T095500Z" +
		"&x-oss-expires=3600&x-oss-signature=" + sig64 + "&x-oss-signature-version=OSS4-HMAC-SHA256"
	sig64     = "4fd0589c3a77c509703705db67936355d8524c647efeb9d01a49b398106e2d96"
	stsV4URL  = v4URL + "&x-oss-security-token=CAIS%2Btoken"
	pathV4URL = "http://127.0.0.1:9000/demo/hello.txt?x-oss-credential=SANDBOX1%2F20261124%2Fcn-hangzhou%2Foss%2Faliyun_v4_request" +
		"&x-oss-date=20261124T095500Z&x-oss-expires=60&x-oss-signature=" + sig64 + "&x-oss-signature-version=OSS4-HMAC-SHA256"
	v1URL = "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/old.bin?OSSAccessKeyId=AKIDEXAMPLE&Expires=1795600000&Signature=abc%2Bdef%3D"
	s3URL = "https://b.s3.us-east-1.amazonaws.com/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261124%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20261124T095500Z&X-Amz-Expires=900&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature=" + sig64
)

var testHeaders = Headers{
	{Name: "content-type", Value: "text/plain; charset=utf-8"},
	{Name: "x-oss-forbid-overwrite", Value: "true"},
	{Name: "x-oss-meta-note", Value: `it's "quoted" & spaced $HOME`},
}

func testLink() *Link {
	signed := time.Date(2026, 11, 24, 9, 55, 0, 0, time.UTC)
	return &Link{Method: MethodPut, URL: v4URL, Headers: testHeaders, SignedAt: signed, ExpiresAt: signed.Add(time.Hour)}
}

func TestInspect(t *testing.T) {
	share := testLink().ShareLink()
	tests := []struct {
		name  string
		text  string
		check func(*testing.T, *Inspection)
	}{
		{"share link", share, func(t *testing.T, in *Inspection) {
			want(t, "source", in.Source, SourceShareLink)
			want(t, "headers", in.Headers, testHeaders)
			want(t, "headers known", in.HeadersKnown, true)
			want(t, "method known", in.MethodKnown, true)
			want(t, "url", in.URL, v4URL)
			want(t, "warnings", len(in.Warnings), 0)
		}},
		{"bare V4 URL", v4URL, func(t *testing.T, in *Inspection) {
			want(t, "format", in.Format, FormatOSSV4)
			want(t, "source", in.Source, SourceURL)
			want(t, "bucket", in.Bucket, "my-bucket")
			want(t, "key", in.Key, "a b/中文.txt")
			want(t, "host", in.Host, "my-bucket.oss-cn-hangzhou.aliyuncs.com")
			want(t, "region", in.Region, "cn-hangzhou")
			want(t, "access key", in.AccessKeyID, "AKIDEXAMPLE")
			want(t, "signed", in.SignedAt, time.Date(2026, 11, 24, 9, 55, 0, 0, time.UTC))
			want(t, "expires", in.ExpiresAt, time.Date(2026, 11, 24, 10, 55, 0, 0, time.UTC))
			want(t, "headers known", in.HeadersKnown, false)
			want(t, "sts", in.HasSTSToken, false)
			warned(t, in, "does not say which headers")
		}},
		{"bare URL wrapped by a mail client", "<" + v4URL[:60] + "\n  " + v4URL[60:] + ">", func(t *testing.T, in *Inspection) {
			want(t, "url", in.URL, v4URL)
		}},
		{"STS token", stsV4URL, func(t *testing.T, in *Inspection) { want(t, "sts", in.HasSTSToken, true) }},
		{"path style", pathV4URL, func(t *testing.T, in *Inspection) {
			want(t, "bucket", in.Bucket, "demo")
			want(t, "key", in.Key, "hello.txt")
			want(t, "host", in.Host, "127.0.0.1:9000")
		}},
		{"V1", v1URL, func(t *testing.T, in *Inspection) {
			want(t, "format", in.Format, FormatOSSV1)
			want(t, "expires", in.ExpiresAt, time.Unix(1795600000, 0).UTC())
			want(t, "access key", in.AccessKeyID, "AKIDEXAMPLE")
			want(t, "key", in.Key, "old.bin")
		}},
		{"S3", s3URL, func(t *testing.T, in *Inspection) {
			want(t, "format", in.Format, FormatS3V4)
			want(t, "bucket", in.Bucket, "b")
			want(t, "additional", in.AdditionalHeaders, []string{"content-type"})
			warned(t, in, "S3 link")
		}},
		{"curl command", testLink().Curl("my file.txt"), func(t *testing.T, in *Inspection) {
			want(t, "source", in.Source, SourceCurl)
			want(t, "method", in.Method, MethodPut)
			want(t, "headers", in.Headers, testHeaders)
			want(t, "file", in.File, "my file.txt")
			want(t, "url", in.URL, v4URL)
		}},
		{"curl with continuation lines and prompt", "$ curl -sS -X PUT \\\n  -T report.pdf \\\n  -H 'Content-Type: application/pdf' \\\n  '" + v4URL + "'", func(t *testing.T, in *Inspection) {
			want(t, "headers", in.Headers, Headers{{Name: "content-type", Value: "application/pdf"}})
			want(t, "file", in.File, "report.pdf")
		}},
		{"curl attached options", "curl -XPUT -T./f -H'x-oss-meta-a: 1' --url='" + v4URL + "'", func(t *testing.T, in *Inspection) {
			want(t, "method", in.Method, MethodPut)
			want(t, "headers", in.Headers, Headers{{Name: "x-oss-meta-a", Value: "1"}})
			want(t, "url", in.URL, v4URL)
		}},
		{"curl with a share link keeps its fragment headers", "curl -T f '" + share + "'", func(t *testing.T, in *Inspection) {
			want(t, "headers", in.Headers, testHeaders)
		}},
		{"curl GET", "curl -o out '" + v4URL + "'", func(t *testing.T, in *Inspection) {
			want(t, "method", in.Method, MethodGet)
			warned(t, in, "not for uploading")
		}},
		{"callback", (&Link{Method: MethodPut, URL: v4URL, Headers: callbackHeaders(t)}).ShareLink(), func(t *testing.T, in *Inspection) {
			if !strings.Contains(in.Callback, `"callbackUrl": "https://cb.example.com/oss"`) || !strings.Contains(in.CallbackVars, `"x:project": "apollo"`) {
				t.Errorf("callback not decoded: %s / %s", in.Callback, in.CallbackVars)
			}
			want(t, "callback urls", in.CallbackURLs(), []string{"https://cb.example.com/oss"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Inspect(tt.text, testNow)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			tt.check(t, in)
		})
	}
}

func callbackHeaders(t *testing.T) Headers {
	cb, vars, err := EncodeCallback(*validCallback())
	if err != nil {
		t.Fatal(err)
	}
	return Headers{{Name: "x-oss-callback", Value: cb}, {Name: "x-oss-callback-var", Value: vars}}
}

func TestInspectWarnsOnTime(t *testing.T) {
	in, err := Inspect(v4URL, testNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !in.Expired(testNow.Add(2 * time.Hour)) {
		t.Error("not expired after two hours")
	}
	warned(t, in, "expired at")
	in, err = Inspect(v4URL, testNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	warned(t, in, "ahead of this computer's clock")
	in, err = Inspect(v4URL, testNow.Add(-10*time.Minute)) // within the 15-minute allowance
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range in.Warnings {
		if strings.Contains(w.String(), "clock") {
			t.Errorf("warned within the allowance: %s", w)
		}
	}
}

func TestInspectRejects(t *testing.T) {
	tests := []struct{ name, text, says string }{
		{"empty", "  ", "nothing to read"},
		{"no signature version", strings.Replace(v4URL, "&x-oss-signature-version=OSS4-HMAC-SHA256", "", 1) + "&x-oss-signature-version=", "has no x-oss-signature-version"},
		{"no expiry", strings.Replace(v4URL, "x-oss-expires=3600&", "", 1), "no x-oss-expires"},
		{"prose", "hello there", "neither a link nor a curl command"},
		{"ftp", "ftp://x/y", "neither a link nor a curl command"},
		{"unsigned URL", "https://example.com/file.txt?a=1", "no signature"},
		{"damaged signature", strings.Replace(v4URL, sig64, "zz", 1), "signature (x-oss-signature) is missing or damaged"},
		{"damaged date", strings.Replace(v4URL, "20261124T095500Z", "yesterday", 1), "x-oss-date"},
		{"credential day differs", strings.Replace(v4URL, "%2F20261124%2F", "%2F20261123%2F", 1), "credential day"},
		{"expires too long", strings.Replace(v4URL, "x-oss-expires=3600", "x-oss-expires=604801", 1), "x-oss-expires"},
		{"expires zero", strings.Replace(v4URL, "x-oss-expires=3600", "x-oss-expires=0", 1), "x-oss-expires"},
		{"wrong version", strings.Replace(v4URL, "OSS4-HMAC-SHA256", "OSS5", 1), "x-oss-signature-version"},
		{"no key", "https://b.oss-cn-hangzhou.aliyuncs.com/?" + strings.SplitN(v4URL, "?", 2)[1], "names no object"},
		{"V1 without expires", "https://b.oss-cn-hangzhou.aliyuncs.com/k?OSSAccessKeyId=A&Signature=x", "Expires"},
		{"future share format", v4URL + "#ossdrop=3&method=PUT", "newer OSS Drop"},
		{"damaged fragment", v4URL + "#ossdrop=1&a=%zz", "damaged"},
		{"bad header in fragment", v4URL + "#ossdrop=1&bad%20name=1", "not valid"},
		{"header twice in fragment", v4URL + "#ossdrop=1&x-oss-meta-a=1&X-Oss-Meta-A=2", "twice"},
		{"method twice in fragment", v4URL + "#ossdrop=1&method=PUT&Method=GET", "twice"},
		{"curl without URL", "curl -X PUT -T file", "no https:// address"},
		{"curl header without name", "curl -H ':e' '" + v4URL + "'", "header \":e\" that is not valid"},
		{"curl unbalanced quote", "curl -H 'x: y " + v4URL, "could not be read"},
		{"curl option without value", "curl '" + v4URL + "' -H", "has no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Inspect(tt.text, testNow)
			if err == nil {
				t.Fatalf("Inspect accepted it: %+v", in)
			}
			if !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Inspect error %q, want ErrNotALink saying %q", err, tt.says)
			}
			checkLinkError(t, err)
		})
	}
}

// checkLinkError: a link that cannot be read is a *LinkError whose sentence
// and hint are each a whole sentence (a capital, a full stop), with no
// empty quotes where a missing value would be, so the app can translate
// both and the command line print them as they are.
func checkLinkError(t *testing.T, err error) {
	t.Helper()
	le, ok := AsLinkError(err)
	if !ok {
		t.Fatalf("%v (%T) is not a *LinkError", err, err)
	}
	for what, text := range map[string]string{"sentence": le.Sentence.String(), "hint": le.Hint.String()} {
		if text == "" || !unicode.IsUpper([]rune(text)[0]) || !strings.HasSuffix(text, ".") || strings.Contains(text, `""`) {
			t.Errorf("the %s %q is not a whole sentence", what, text)
		}
	}
}

// TestLinkErrorHints: each kind of unreadable link says the one thing to
// do about it: update the app for a newer format, copy the link again
// for a damaged one.
func TestLinkErrorHints(t *testing.T) {
	tests := []struct{ name, text, hint string }{
		{"newer share link", v4URL + "#ossdrop=9", "Update OSS Drop"},
		{"newer page link", testPage + "#ossdrop-page=9&kind=put&link=x", "Update OSS Drop"},
		{"damaged link", strings.Replace(v4URL, sig64, "zz", 1), "Copy the whole link again"},
		{"damaged curl command", "curl -H 'x: y " + v4URL, "Copy the whole command again"},
		{"prose", "garbage", "Paste the whole link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.text, testNow)
			le, ok := AsLinkError(err)
			if !ok || !strings.Contains(le.Hint.String(), tt.hint) {
				t.Fatalf("Inspect = %v, want the hint %q", err, tt.hint)
			}
			if strings.Contains(le.Sentence.String(), tt.hint) {
				t.Errorf("the sentence %q repeats the hint", le.Sentence)
			}
		})
	}
}

func TestShareLinkRoundTrip(t *testing.T) {
	link := testLink()
	share := link.ShareLink()
	if !strings.HasPrefix(share, v4URL+"#ossdrop=1&method=PUT&") {
		t.Fatalf("share link %q does not start with the URL and version", share)
	}
	in, err := Inspect(share, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if in.ShareLink() != share {
		t.Errorf("share link did not survive a round trip:\n%s\n%s", in.ShareLink(), share)
	}
	if got := in.Link(); !reflect.DeepEqual(got, link) {
		t.Errorf("Link() = %+v, want %+v", got, link)
	}
}

func TestCurlGolden(t *testing.T) {
	tests := []struct {
		name, file, want string
		link             *Link
	}{
		{"placeholder file", "", "curl -X PUT -T ./FILE -H 'content-type: text/plain; charset=utf-8' -H 'x-oss-forbid-overwrite: true' " +
			`-H "x-oss-meta-note: it's \"quoted\" & spaced \$HOME" '` + v4URL + "'", testLink()},
		{"path with spaces and quote", "/tmp/Q3 report's.pdf", `curl -X PUT -T "/tmp/Q3 report's.pdf" -H 'content-type: text/plain; charset=utf-8' ` +
			`-H 'x-oss-forbid-overwrite: true' -H "x-oss-meta-note: it's \"quoted\" & spaced \$HOME" '` + v4URL + "'", testLink()},
		{"no headers", "a.txt", "curl -X PUT -T a.txt '" + v4URL + "'", &Link{Method: MethodPut, URL: v4URL}},
		{"download", "", "curl -o ./FILE '" + v4URL + "'", &Link{Method: MethodGet, URL: v4URL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.link.Curl(tt.file)
			if got != tt.want {
				t.Fatalf("Curl() =\n%s\nwant\n%s", got, tt.want)
			}
			in, err := Inspect(got, testNow)
			if err != nil {
				t.Fatal(err)
			}
			want(t, "url", in.URL, tt.link.URL)
			want(t, "method", in.Method, tt.link.Method)
			if tt.link.Method == MethodPut {
				want(t, "headers", in.Headers, append(Headers{}, tt.link.Headers...))
			}
		})
	}
}

// TestCurlQuotingInRealShell runs the command's words through /bin/sh,
// with printf in curl's place, and checks each argument arrives intact.
func TestCurlQuotingInRealShell(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	file := `it's a "file" $x \ ` + "`y`.txt"
	cmd := testLink().Curl(file)
	out, err := exec.Command("sh", "-c", "printf '%s\\0' "+strings.TrimPrefix(cmd, "curl ")).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	wantArgs := []string{"-X", "PUT", "-T", file}
	for _, h := range testHeaders {
		wantArgs = append(wantArgs, "-H", h.Name+": "+h.Value)
	}
	wantArgs = append(wantArgs, v4URL)
	want(t, "shell words", got, wantArgs)
}

func want(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func warned(t *testing.T, in *Inspection, part string) {
	t.Helper()
	for _, w := range in.Warnings {
		if strings.Contains(w.String(), part) {
			return
		}
	}
	t.Errorf("no warning containing %q in %q", part, in.Warnings)
}

// FuzzInspect checks that no pasted text makes Inspect panic, and that any
// accepted link survives a share-link round trip.
func FuzzInspect(f *testing.F) {
	for _, seed := range []string{v4URL, stsV4URL, pathV4URL, v1URL, s3URL, testLink().ShareLink(), testLink().Curl("a b"),
		"curl -XPUT -T./f -H'x-oss-meta-a: 1' --url='" + v4URL + "'", "", "hello", v4URL + "#ossdrop=1&a=%zz"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in, err := Inspect(text, testNow)
		if err != nil {
			if !errors.Is(err, ErrNotALink) {
				t.Fatalf("error %v does not wrap ErrNotALink", err)
			}
			return
		}
		again, err := Inspect(in.ShareLink(), testNow)
		if err != nil {
			t.Fatalf("share link of an accepted link rejected: %v", err)
		}
		if again.URL != in.URL || !bytes.Equal([]byte(again.ShareLink()), []byte(in.ShareLink())) {
			t.Fatalf("round trip changed the link:\n%s\n%s", in.ShareLink(), again.ShareLink())
		}
	})
}

// FuzzShareFragment checks the fragment parser alone.
func FuzzShareFragment(f *testing.F) {
	f.Add("ossdrop=1&method=PUT&content-type=text%2Fplain")
	f.Add("ossdrop=1&a=%zz")
	f.Add("ossdrop=2")
	f.Add("other")
	f.Fuzz(func(t *testing.T, fragment string) {
		frag, ok, err := parseShareFragment(fragment)
		if err != nil || !ok {
			return
		}
		back := strings.TrimPrefix(buildShareLink("", frag.method, frag.headers), "#")
		frag2, ok2, err := parseShareFragment(back)
		if err != nil || !ok2 || !reflect.DeepEqual(frag2.headers, frag.headers) {
			t.Fatalf("fragment %q rebuilt as %q: %v %v", fragment, back, err, frag2)
		}
	})
}
