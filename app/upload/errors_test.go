package upload

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var parseErrorTests = []struct {
	name string
	body string
	ok   bool
	want ossError
}{
	{"signature", `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature we calculated does not match the signature you provided.</Message>
  <RequestId>65A0B1C2D3E4F5A6B7C8D9E0</RequestId>
  <HostId>demo.oss-cn-hangzhou.aliyuncs.com</HostId>
  <OSSAccessKeyId>AKID</OSSAccessKeyId>
  <StringToSign>OSS4-HMAC-SHA256
20260101T000000Z</StringToSign>
  <EC>0002-00000040</EC>
</Error>`, true, ossError{Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided.",
		RequestID: "65A0B1C2D3E4F5A6B7C8D9E0", HostID: "demo.oss-cn-hangzhou.aliyuncs.com", EC: "0002-00000040"}},
	{"expired", `<Error><Code>AccessDenied</Code><Message>Request has expired.</Message><RequestId>R</RequestId><Expires>2026-01-01T00:00:00.000Z</Expires><ServerTime>2026-01-01T01:00:00.000Z</ServerTime><EC>0002-00000236</EC></Error>`,
		true, ossError{Code: "AccessDenied", Message: "Request has expired.", RequestID: "R", EC: "0002-00000236", Expires: "2026-01-01T00:00:00.000Z", ServerTime: "2026-01-01T01:00:00.000Z"}},
	{"message on several lines", "<Error><Code>X</Code><Message>a\n\tb\u200b</Message></Error>", true, ossError{Code: "X", Message: "a b"}},
	{"no code", `<Error><Message>m</Message></Error>`, false, ossError{}},
	{"other root", `<ListBucketResult><Code>X</Code></ListBucketResult>`, false, ossError{}},
	{"html", `<html><body>502 Bad Gateway</body></html>`, false, ossError{}},
	{"json", `{"Code":"X"}`, false, ossError{}},
	{"empty", ``, false, ossError{}},
	{"truncated", `<Error><Code>InternalError</Code><Mess`, false, ossError{}},
}

func TestParseError(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseError([]byte(tt.body))
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseError = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseError(f *testing.F) {
	for _, tt := range parseErrorTests {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, ok := parseError(body)
		if ok && e.Code == "" {
			t.Fatal("ok without a code")
		}
		// Whatever the server sends ends up in one line of a sentence.
		for _, s := range []string{e.Code, e.Message, e.RequestID, e.HostID, e.EC, e.Expires, e.ServerTime} {
			if strings.ContainsAny(s, "\r\n\t") || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 301 {
				t.Fatalf("unsafe field %q", s)
			}
		}
		failure := responseFailure{status: 400, xml: e, isXML: ok, body: body}
		if s := orStatus(failure); strings.ContainsAny(s.String(), "\r\n") {
			t.Fatalf("orStatus %q spans lines", s)
		}
	})
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 30: "5.0 GiB", 3 << 20: "3.0 MiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
