package bucket

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestCheckAccess: one signed request tells a working AccessKey from a
// wrong ID, a wrong secret and a missing bucket, each with its sentence;
// the secret is never part of it.
func TestCheckAccess(t *testing.T) {
	_, target := startSandbox(t)
	tests := []struct {
		name   string
		change func(*Target)
		code   string // "" for accepted
		says   string
	}{
		{"the right key", func(*Target) {}, "", ""},
		{"a wrong secret", func(t *Target) { t.Credentials.AccessKeySecret = "not-the-secret" }, "SignatureDoesNotMatch", "refused the profile's AccessKey secret"},
		{"an unknown ID", func(t *Target) { t.Credentials.AccessKeyID = "SANDBOXNOBODY" }, "InvalidAccessKeyId", "does not know this AccessKey ID"},
		{"a missing bucket", func(t *Target) { t.Bucket = "nobody-here" }, "NoSuchBucket", "bucket does not exist"},
		{"an endpoint that does not answer", func(t *Target) { t.Endpoint = "http://127.0.0.1:1" }, "", "not reachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target
			tt.change(&tg)
			c, err := New(tg)
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.CheckAccess(context.Background())
			if tt.says == "" {
				if err != nil || !a.CanList {
					t.Fatalf("CheckAccess = %+v, %v", a, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !strings.Contains(e.Sentence.String(), tt.says) || e.Hint.IsZero() {
				t.Fatalf("CheckAccess = %+v, %#v; want %s saying %q", a, err, tt.code, tt.says)
			}
			if strings.Contains(err.Error(), "not-the-secret") {
				t.Errorf("the error names the secret: %v", err)
			}
		})
	}
}
