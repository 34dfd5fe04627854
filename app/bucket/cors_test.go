package bucket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/assets/web"
)

func TestMergePageRule(t *testing.T) {
	page := PageRule("https://files.example.com")
	other := CORSRule{Origins: []string{"https://app.example.com"}, Methods: []string{"GET"}}
	wider := CORSRule{Origins: []string{"https://files.example.com", "https://b.test"}, Methods: []string{"GET", "PUT", "POST"},
		Headers: []string{"Content-Type", "content-md5", "x-oss-*", "x-extra"}, ExposeHeaders: []string{"etag", "x-oss-request-id", "x-oss-hash-crc64ecma"}}
	narrower := page
	narrower.ExposeHeaders = []string{"ETag"}
	tests := []struct {
		name    string
		rules   []CORSRule
		want    []CORSRule
		changed bool
	}{
		{"none yet", nil, []CORSRule{page}, true},
		{"others are kept, the page rule goes first", []CORSRule{other}, []CORSRule{page, other}, true},
		{"already first", []CORSRule{page, other}, []CORSRule{page, other}, false},
		{"a wider rule further down moves first", []CORSRule{other, wider}, []CORSRule{wider, other}, true},
		{"a narrower rule does not count", []CORSRule{narrower}, []CORSRule{page, narrower}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := mergePageRule(tt.rules, page)
			if changed != tt.changed || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("merge = %v, %v; want %v, %v", got, changed, tt.want, tt.changed)
			}
		})
	}
}

// TestAllowOriginWithTheSDK drives the sandbox's CORS with the SDK client:
// the rule is added once, others survive, and the sandbox then answers a
// browser's preflight for the page.
func TestAllowOriginWithTheSDK(t *testing.T) {
	srv, target := startSandbox(t)
	c, err := New(target)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if rules, err := c.CORSRules(ctx); err != nil || len(rules) != 0 {
		t.Fatalf("CORSRules of a new bucket = %v, %v", rules, err)
	}
	owners := oss.CORSRule{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"*"}}
	if _, err := c.SDK().PutBucketCors(ctx, &oss.PutBucketCorsRequest{Bucket: oss.Ptr("demo"),
		CORSConfiguration: &oss.CORSConfiguration{CORSRules: []oss.CORSRule{owners}}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.AllowOrigin(ctx, "https://files.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Added || len(res.Rules) != 2 || !res.Rules[0].covers(PageRule("https://files.example.com")) || res.Rules[1].Origins[0] != "https://app.example.com" {
		t.Fatalf("AllowOrigin = %+v", res)
	}
	again, err := c.AllowOrigin(ctx, "https://files.example.com")
	if err != nil || again.Added || len(again.Rules) != 2 {
		t.Fatalf("AllowOrigin again = %+v, %v", again, err)
	}

	req, _ := http.NewRequest(http.MethodOptions, srv.URL()+"/demo/in/a.txt", nil)
	req.Header.Set("Origin", "https://files.example.com")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-oss-forbid-overwrite")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "x-oss-hash-crc64ecma") {
		t.Fatalf("preflight after AllowOrigin: %d %v", resp.StatusCode, resp.Header)
	}

	t.Run("full", func(t *testing.T) {
		var rules []oss.CORSRule
		for i := range MaxCORSRules {
			rules = append(rules, oss.CORSRule{AllowedOrigins: []string{fmt.Sprintf("https://%d.test", i)}, AllowedMethods: []string{"GET"}})
		}
		if _, err := c.SDK().PutBucketCors(ctx, &oss.PutBucketCorsRequest{Bucket: oss.Ptr("demo"), CORSConfiguration: &oss.CORSConfiguration{CORSRules: rules}}); err != nil {
			t.Fatal(err)
		}
		_, err := c.AllowOrigin(ctx, "https://files.example.com")
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Sentence.String(), "10 CORS rules") || e.Hint.IsZero() {
			t.Fatalf("AllowOrigin on a full bucket = %v", err)
		}
		if back, _ := c.CORSRules(ctx); len(back) != MaxCORSRules {
			t.Fatalf("a refused AllowOrigin changed the rules: %d", len(back))
		}
	})
	t.Run("not an origin", func(t *testing.T) {
		for _, o := range []string{"https://files.example.com/upload.html", "files.example.com", "https://files.example.com:443"} {
			if _, err := c.AllowOrigin(ctx, o); err == nil || !strings.Contains(err.Error(), "not an origin") {
				t.Errorf("AllowOrigin(%q) = %v", o, err)
			}
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		wrong := target
		wrong.Credentials.AccessKeySecret = "not-the-secret"
		cw, _ := New(wrong)
		_, err := cw.AllowOrigin(ctx, "https://files.example.com")
		var e *Error
		if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" || strings.Contains(err.Error(), "not-the-secret") {
			t.Fatalf("AllowOrigin with a wrong secret = %v", err)
		}
	})
}

// TestPublishPage puts the page into the sandbox's bucket with the SDK:
// anyone can then read it (public-read), publishing again replaces it, and
// an object that is not OSS Drop's page is never replaced.
func TestPublishPage(t *testing.T) {
	srv, target := startSandbox(t)
	c, _ := New(target)
	ctx := context.Background()
	page := web.UploadPage()
	pub, err := c.PublishPage(ctx, page, web.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if pub.URL != srv.URL()+"/demo/"+PageKey || pub.DefaultDomain || pub.Replaced {
		t.Fatalf("Published = %+v", pub)
	}
	resp, err := http.Get(pub.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, page) || resp.Header.Get("Content-Type") != web.ContentType {
		t.Fatalf("GET the published page: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
	}
	if again, err := c.PublishPage(ctx, page, web.ContentType); err != nil || !again.Replaced {
		t.Fatalf("publish again = %+v, %v", again, err)
	}

	other := target
	other.Bucket = "other"
	co, _ := New(other)
	put(t, other, PageKey, "someone's own file")
	_, err = co.PublishPage(ctx, page, web.ContentType)
	if err == nil || !strings.Contains(err.Error(), "did not put there") {
		t.Fatalf("publish over a foreign object = %v", err)
	}
	if info, err := co.Head(ctx, PageKey); err != nil || info.Size != int64(len("someone's own file")) {
		t.Fatalf("the foreign object changed: %+v, %v", info, err)
	}
}
