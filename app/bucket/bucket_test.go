package bucket

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

var testKey = sandbox.Key{ID: "SANDBOXBUCKETTEST01", Secret: "sandbox-bucket-test-secret"}

// startSandbox runs a sandbox on 127.0.0.1 and returns a Target for bucket demo.
func startSandbox(t *testing.T) (*sandbox.Server, Target) {
	t.Helper()
	srv := sandboxtest.Start(t, func(c *sandbox.Config) { c.Buckets = []string{"demo", "other"} }, testKey)
	return srv, Target{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), PathStyle: true, Bucket: "demo",
		Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
}

// put stores an object through a presigned link, as a partner would.
func put(t *testing.T, target Target, key, content string) {
	t.Helper()
	req := target
	req.Key, req.Expires = key, time.Minute
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/f"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: link.ShareLink(), File: path}); err != nil {
		t.Fatal(err)
	}
}

// TestHeadWithTheSDK drives the sandbox with the SDK client itself
// (header-signed V4), so what works here works against OSS.
func TestHeadWithTheSDK(t *testing.T) {
	_, target := startSandbox(t)
	put(t, target, "in/报告 1.txt", "hello, bucket")
	c, err := New(target)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Head(context.Background(), "in/报告 1.txt")
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	if info.Size != 13 || info.CRC64 == "" || len(info.ETag) != 32 || info.LastModified.IsZero() {
		t.Fatalf("Head = %+v", info)
	}

	_, err = c.Head(context.Background(), "in/missing.txt")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Head of a missing key = %v, want ErrNotFound", err)
	}

	wrong := target
	wrong.Credentials.AccessKeySecret = "not-the-secret"
	cw, _ := New(wrong)
	_, err = cw.Head(context.Background(), "in/报告 1.txt")
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusForbidden || e.Code != "SignatureDoesNotMatch" || e.Sentence.IsZero() {
		t.Fatalf("Head with a wrong secret = %#v", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("the error names the secret: %v", err)
	}
}

// TestRefusedKeyHints: a refused key is fixed where the credentials came
// from. Credentials read from OSS_ACCESS_KEY_* are fixed in those
// variables: their hints never send the owner to a profile.
func TestRefusedKeyHints(t *testing.T) {
	_, target := startSandbox(t)
	tests := []struct {
		name       string
		id, secret string
		fromEnv    bool
		code       string
		hint, not  string
	}{
		{"profile, wrong secret", testKey.ID, "not-the-secret", false, "SignatureDoesNotMatch", "New secret", "OSS_ACCESS_KEY"},
		{"environment, wrong secret", testKey.ID, "not-the-secret", true, "SignatureDoesNotMatch", "OSS_ACCESS_KEY_SECRET", "profile"},
		{"profile, unknown ID", "SANDBOXNOSUCHKEY0001", testKey.Secret, false, "InvalidAccessKeyId", "profile", "OSS_ACCESS_KEY"},
		{"environment, unknown ID", "SANDBOXNOSUCHKEY0001", testKey.Secret, true, "InvalidAccessKeyId", "OSS_ACCESS_KEY_ID", "profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target
			tg.Credentials = signing.Credentials{AccessKeyID: tt.id, AccessKeySecret: tt.secret, FromEnvironment: tt.fromEnv}
			c, _ := New(tg)
			_, err := c.Head(context.Background(), "in/anything.txt")
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("Head = %v, want %s", err, tt.code)
			}
			if text := e.Error(); !strings.Contains(text, tt.hint) || strings.Contains(text, tt.not) {
				t.Errorf("error = %q: want %q in it and no %q", text, tt.hint, tt.not)
			}
		})
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	_, target := startSandbox(t)
	target.Endpoint = "http://127.0.0.1:1"
	c, _ := New(target)
	_, err := c.Head(context.Background(), "k")
	var e *Error
	if !errors.As(err, &e) || e.Status != 0 || !strings.Contains(e.Sentence.String(), "not reachable") {
		t.Fatalf("Head at a closed port = %v", err)
	}
}
