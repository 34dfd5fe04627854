package upload

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// TestNextStep: what each failure offers next, as OSS answers it (through
// explain) or as the uploader reports it. Only a failure a retry can
// change offers Try again; a refused link offers another link; a refused
// file, nothing (another file may go). The upload page decides the same
// way (refusal in assets/web/upload.html).
func TestNextStep(t *testing.T) {
	p := &Plan{Link: &signing.Inspection{Key: "in/q3.pdf", ExpiresAt: time.Now().Add(-time.Hour)}, Key: "in/q3.pdf", now: time.Now}
	answer := func(status int, code, msg string) error {
		return p.explain(responseFailure{status: status, isXML: code != "", xml: ossError{Code: code, Message: msg}}, 1, false)
	}
	tests := []struct {
		name string
		err  error
		want Next
	}{
		{"none", nil, NextNone},
		{"no answer", &Error{Kind: ErrNetwork, Err: ErrNotAnswering}, NextRetry},
		{"cancelled", canceled(context.Canceled, 1), NextRetry},
		{"500", answer(500, "InternalError", "We encountered an internal error."), NextRetry},
		{"503 without a body", answer(503, "", ""), NextRetry},
		{"RequestTimeout", answer(400, "RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period."), NextRetry},
		{"RequestTimeTooSkewed", answer(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."), NextRetry},
		{"SignatureDoesNotMatch", answer(403, "SignatureDoesNotMatch", "The request signature we calculated does not match."), NextLink},
		{"expired", answer(403, "AccessDenied", "Request has expired."), NextLink},
		{"AccessDenied", answer(403, "AccessDenied", "You have no right to access this object."), NextLink},
		{"403 without a body", answer(403, "", ""), NextLink},
		{"key taken", answer(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten."), NextLink},
		{"unknown AccessKey", answer(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist."), NextLink},
		{"STS expired", answer(403, "SecurityTokenExpired", "The security token you provided has expired."), NextLink},
		{"no such bucket", answer(404, "NoSuchBucket", "The specified bucket does not exist."), NextLink},
		{"redirect", answer(301, "", ""), NextLink},
		{"unreadable policy", answer(400, "InvalidPolicyDocument", "Invalid Policy."), NextLink},
		{"policy refusal", answer(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"in/a\"]"), NextFile},
		{"too large", answer(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."), NextFile},
		{"too small", answer(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size."), NextFile},
		{"digest", answer(400, "InvalidDigest", "The Content-MD5 you specified was invalid."), NextFile},
		{"other 400", answer(400, "InvalidArgument", "Something."), NextFile},
		{"checked: file", &Error{Kind: ErrTooLarge}, NextFile},
		{"checked: type", &Error{Kind: ErrType}, NextFile},
		{"checked: expired link", &Error{Kind: ErrExpired}, NextLink},
		{"stored, callback failed", &Error{Kind: ErrCallback, Status: 203}, NextFile},
		{"wrapped", fmt.Errorf("upload q3.pdf: %w", answer(500, "InternalError", "")), NextRetry},
		{"not an upload error", errors.New("disk on fire"), NextFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextStep(tt.err); got != tt.want {
				t.Errorf("NextStep(%v) = %v, want %v", tt.err, got, tt.want)
			}
			if got := Retryable(tt.err); got != (tt.want == NextRetry) {
				t.Errorf("Retryable = %v", got)
			}
		})
	}
}
