// Package bucket makes the owner's own requests to a bucket with the OSS Go
// SDK v2 client (header-signed V4, as the SDK sends them): object status,
// listings, downloads and bucket settings such as CORS. It reaches the same
// endpoint the owner's links point at (signing.SDKConfig), the cloud or the
// sandbox alike, and turns the SDK's errors into sentences with a hint.
// It never imports Fyne.
package bucket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// Target is where requests go and who signs them: the endpoint fields and
// credentials of a signing.Request (its key, expiry and headers are unused).
type Target = signing.Request

// Client is an SDK client bound to one bucket.
type Client struct {
	sdk    *oss.Client
	bucket string
	target Target
}

// requestTimeout bounds one owner request that moves no object body; a
// download sets its own, longer limits.
const requestTimeout = 30 * time.Second

// New makes a client for t.Bucket. It sends nothing yet.
func New(t Target) (*Client, error) { return newClient(t, nil) }

// newClient is New with another HTTP client, for tests that change what
// travels on the wire; nil keeps the SDK's own.
func newClient(t Target, hc *http.Client) (*Client, error) {
	if t.Bucket == "" {
		return nil, &Error{Sentence: message.New("No bucket is set."), Hint: message.New("Choose the bucket in the profile or the form.")}
	}
	cfg := signing.SDKConfig(&t).
		WithConnectTimeout(10 * time.Second).
		WithRetryMaxAttempts(2)
	if hc != nil {
		cfg = cfg.WithHttpClient(hc)
	}
	return &Client{sdk: oss.NewClient(cfg), bucket: t.Bucket, target: t}, nil
}

// SDK returns the underlying client, for operations this package does not wrap.
func (c *Client) SDK() *oss.Client { return c.sdk }

// Bucket is the bucket the client is bound to.
func (c *Client) Bucket() string { return c.bucket }

// ObjectInfo is what HeadObject says about an object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string // quotes removed
	CRC64        string // decimal, as x-oss-hash-crc64ecma
	ContentType  string
	LastModified time.Time
}

// Head returns an object's information; the error wraps ErrNotFound when
// there is no such object.
func (c *Client) Head(ctx context.Context, key string) (*ObjectInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	res, err := c.sdk.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(c.bucket), Key: oss.Ptr(key)})
	if err != nil {
		return nil, c.explainObject(message.New("look up %s/%s", c.bucket, key), key, err)
	}
	info := &ObjectInfo{Key: key, Size: res.ContentLength, ETag: trimQuotes(oss.ToString(res.ETag)),
		CRC64: oss.ToString(res.HashCRC64), ContentType: oss.ToString(res.ContentType)}
	if res.LastModified != nil {
		info.LastModified = *res.LastModified
	}
	return info, nil
}

func trimQuotes(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// ErrNotFound is wrapped by errors for an object or bucket that does not exist.
var ErrNotFound = errors.New("not found")

// Error is an owner request that failed, as a sentence and a hint. It
// never holds a secret: the SDK's messages name the AccessKey ID at most.
type Error struct {
	// Status and Code are OSS's, when the server answered.
	Status    int
	Code      string
	RequestID string
	Sentence  message.Text
	Hint      message.Text
	Err       error
}

func (e *Error) Error() string {
	if e.Hint.IsZero() {
		return e.Sentence.String()
	}
	return e.Sentence.String() + " " + e.Hint.String()
}

func (e *Error) Unwrap() error { return e.Err }

// explainObject is explain for a request about one object: a missing
// object is named, with what to do about it.
func (c *Client) explainObject(what message.Text, key string, err error) error {
	e := c.explain(what, err)
	var be *Error
	if errors.As(e, &be) && be.Status == http.StatusNotFound && be.Code != "NoSuchBucket" {
		be.Sentence = message.New("There is no object %s in the bucket %s yet.", key, c.bucket)
		be.Hint = message.New("Check the key; an object appears once its upload has finished.")
	}
	return e
}

// explain turns an SDK error into an *Error; what says what was attempted,
// as a verb phrase ("list reports/in/"). A refused key is fixed where the
// credentials came from: the profile, or the OSS_ACCESS_KEY_* variables.
func (c *Client) explain(what message.Text, err error) error {
	fromEnv := c.target.Credentials.FromEnvironment
	var se *oss.ServiceError
	if errors.As(err, &se) {
		e := &Error{Status: se.StatusCode, Code: se.Code, RequestID: se.RequestID, Err: err}
		switch {
		case se.StatusCode == http.StatusNotFound && se.Code == "NoSuchBucket":
			e.Err = fmt.Errorf("%w: %w", ErrNotFound, err)
			e.Sentence, e.Hint = message.New("The bucket does not exist."), message.New("Check the bucket name and region in the profile.")
			if fromEnv {
				e.Hint = message.New("Check the bucket name and region.")
			}
		case se.StatusCode == http.StatusNotFound:
			e.Err = fmt.Errorf("%w: %w", ErrNotFound, err)
			e.Sentence, e.Hint = message.New("There is no such object yet."), message.Text{}
		case se.Code == "InvalidAccessKeyId" && fromEnv:
			e.Sentence, e.Hint = message.New("OSS does not know the AccessKey ID in OSS_ACCESS_KEY_ID."), message.New("Set OSS_ACCESS_KEY_ID to an AccessKey ID of the bucket's account, and OSS_ACCESS_KEY_SECRET to its secret.")
		case se.Code == "InvalidAccessKeyId":
			e.Sentence, e.Hint = message.New("OSS does not know this AccessKey ID."), message.New("Check the profile's AccessKey, or rotate it.")
		case se.Code == "SignatureDoesNotMatch" && fromEnv:
			e.Sentence, e.Hint = message.New("OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET."), message.New("Set OSS_ACCESS_KEY_SECRET to the current secret of the AccessKey in OSS_ACCESS_KEY_ID.")
		case se.Code == "SignatureDoesNotMatch":
			e.Sentence, e.Hint = message.New("OSS refused the profile's AccessKey secret."), message.New("Give the profile its current secret (Profiles… → New secret…, or ossdrop profile rotate).")
		case se.Code == "RequestTimeTooSkewed":
			e.Sentence, e.Hint = message.New("This computer's clock is more than 15 minutes off."), message.New("Set the date and time automatically, then try again.")
		case se.StatusCode == http.StatusForbidden && fromEnv:
			e.Sentence, e.Hint = message.New("The AccessKey in OSS_ACCESS_KEY_ID is not allowed to %s (%s).", what, se.Code), message.New("Grant it the permission in RAM, or use another AccessKey.")
		case se.StatusCode == http.StatusForbidden:
			e.Sentence, e.Hint = message.New("The profile's AccessKey is not allowed to %s (%s).", what, se.Code), message.New("Grant it the permission in RAM, or use another profile.")
		case fromEnv:
			e.Sentence, e.Hint = message.New("OSS refused to %s: %s (%s).", what, se.Message, se.Code), message.New("Try again later; if it persists, check the endpoint and the OSS_ACCESS_KEY_* variables.")
		default:
			e.Sentence, e.Hint = message.New("OSS refused to %s: %s (%s).", what, se.Message, se.Code), message.New("Try again later; if it persists, check the profile.")
		}
		return e
	}
	e := &Error{Err: err}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		e.Sentence = message.New("Stopped before it could %s.", what)
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		e.Sentence, e.Hint = message.New("The endpoint did not answer in time to %s.", what), message.New("Check the network connection and the profile's endpoint.")
	default:
		e.Sentence, e.Hint = message.New("Could not %s: the endpoint is not reachable.", what), message.New("Check the network connection and the profile's endpoint.")
	}
	if fromEnv && !e.Hint.IsZero() {
		e.Hint = message.New("Check the network connection and the endpoint.")
	}
	return e
}
