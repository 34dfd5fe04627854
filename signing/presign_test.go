package signing_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

const (
	testKeyID  = "AKIDSIGNINGTEST"
	testSecret = "signing-test-secret"
)

// TestPresignSignatures signs links with the SDK and re-derives every
// signature with the sandbox's verifier, which implements the V4 spec from
// OSS-NOTES.md on its own (it shares no code with the SDK's signer).
func TestPresignSignatures(t *testing.T) {
	base := func() signing.Request {
		return signing.Request{
			Region: "cn-hangzhou", Bucket: "my-bucket", Key: "reports/q3.pdf", Expires: time.Hour,
			Credentials: signing.Credentials{AccessKeyID: testKeyID, AccessKeySecret: testSecret},
		}
	}
	tests := []struct {
		name        string
		change      func(*signing.Request)
		wantHeaders []string
	}{
		{"plain", func(*signing.Request) {}, []string{"x-oss-forbid-overwrite"}},
		{"content type", func(r *signing.Request) { r.ContentType = "application/pdf" }, []string{"content-type", "x-oss-forbid-overwrite"}},
		{"storage class and two metadata", func(r *signing.Request) {
			r.StorageClass, r.Metadata = "IA", map[string]string{"Project": "apollo", "owner": "Ada Lovelace"}
		}, []string{"x-oss-forbid-overwrite", "x-oss-meta-owner", "x-oss-meta-project", "x-oss-storage-class"}},
		{"callback and variables", func(r *signing.Request) {
			r.Callback = &signing.Callback{URLs: []string{"https://cb.example.com/a", "http://cb2.example.com/b"}, Host: "cb.example.com",
				Body: `{"object":${object},"who":${x:who}}`, BodyType: signing.CallbackBodyJSON, SNI: true, Vars: map[string]string{"x:who": "ada"}}
		}, []string{"x-oss-callback", "x-oss-callback-var", "x-oss-forbid-overwrite"}},
		{"overwrite allowed", func(r *signing.Request) { r.AllowOverwrite = true }, nil},
		{"ACL and Content-MD5", func(r *signing.Request) { r.ACL, r.ContentMD5 = "private", "XUFAKrxLKna5cZ2REBfFkg==" },
			[]string{"content-md5", "x-oss-forbid-overwrite", "x-oss-object-acl"}},
		{"STS token", func(r *signing.Request) {
			r.Credentials.SecurityToken, r.Credentials.TokenExpires = "CAIS+token/value=", time.Now().Add(2*time.Hour)
		}, []string{"x-oss-forbid-overwrite"}},
		{"odd key", func(r *signing.Request) { r.Key = "a b/中文/文件 x+y~z.txt" }, []string{"x-oss-forbid-overwrite"}},
		{"sandbox endpoint", func(r *signing.Request) {
			r.EndpointKind, r.Endpoint, r.Key = signing.EndpointCustom, "http://127.0.0.1:9000", "a b/中文/文件 x+y~z.txt"
		}, []string{"x-oss-forbid-overwrite"}},
		{"internal endpoint", func(r *signing.Request) { r.EndpointKind = signing.EndpointInternal }, []string{"x-oss-forbid-overwrite"}},
		{"7 days", func(r *signing.Request) { r.Expires = signing.MaxExpiry }, []string{"x-oss-forbid-overwrite"}},
		{"download link", func(r *signing.Request) { r.Method = signing.MethodGet }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base()
			tt.change(&req)
			link, err := signing.Presign(context.Background(), req)
			if err != nil {
				t.Fatalf("Presign: %v", err)
			}
			var names []string
			for _, h := range link.Headers {
				names = append(names, h.Name)
			}
			if !slices.Equal(names, tt.wantHeaders) {
				t.Errorf("headers %v, want %v", names, tt.wantHeaders)
			}
			u, err := url.Parse(link.URL)
			if err != nil {
				t.Fatal(err)
			}
			header := http.Header{}
			for _, h := range link.Headers {
				header.Set(h.Name, h.Value)
			}
			keys := sandbox.Keys(sandbox.Key{ID: testKeyID, Secret: testSecret, RequireToken: req.Credentials.SecurityToken != ""})
			signed, err := sandbox.Verify(link.Method, u, header, keys, time.Now())
			if err != nil {
				t.Fatalf("the signature does not re-derive: %v", err)
			}
			if signed.Bucket != req.Bucket || signed.Key != req.Key || signed.Region != "cn-hangzhou" || signed.Token != (req.Credentials.SecurityToken != "") {
				t.Errorf("verified %+v, want bucket %s key %q", signed, req.Bucket, req.Key)
			}
			if d := link.ExpiresAt.Sub(link.SignedAt); d <= 0 || d > signing.MaxExpiry || !signed.ExpiresAt.Equal(link.ExpiresAt) {
				t.Errorf("expiry %v after signing; verifier says %v, link %v", d, signed.ExpiresAt, link.ExpiresAt)
			}
			// The same link with any signed header changed or left out fails.
			for _, h := range link.Headers {
				changed := header.Clone()
				changed.Set(h.Name, h.Value+"x")
				if _, err := sandbox.Verify(link.Method, u, changed, keys, time.Now()); err == nil {
					t.Errorf("changing %s still verifies", h.Name)
				}
				changed.Del(h.Name)
				if _, err := sandbox.Verify(link.Method, u, changed, keys, time.Now()); err == nil {
					t.Errorf("leaving out %s still verifies", h.Name)
				}
			}
		})
	}
}

func TestPresignRefusesWithoutURL(t *testing.T) {
	req := signing.Request{Region: "cn-hangzhou", Bucket: "my-bucket", Key: "k", Expires: 8 * 24 * time.Hour,
		Credentials: signing.Credentials{AccessKeyID: testKeyID, AccessKeySecret: testSecret}}
	link, err := signing.Presign(context.Background(), req)
	if link != nil || !errors.Is(err, signing.ErrExpiryTooLong) {
		t.Fatalf("Presign over 7 days = %v, %v; want no link and ErrExpiryTooLong", link, err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Error("the error shows the secret")
	}
}
