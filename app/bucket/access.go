package bucket

import (
	"context"
	"errors"
	"net/http"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/signing/message"
)

// Access is what OSS said when asked whether it takes the client's
// AccessKey for its bucket.
type Access struct {
	// CanList is false when OSS took the AccessKey but the key may not
	// list the bucket (403 AccessDenied): OSS checks the signature before
	// the permission, so the ID and secret are right all the same.
	CanList bool
	// RequestID is OSS's, for support.
	RequestID string
}

// CheckAccess asks OSS, with the cheapest signed request there is (a
// ListObjectsV2 of at most one key), whether it takes the client's
// AccessKey for its bucket. A wrong ID (InvalidAccessKeyId), a wrong
// secret (SignatureDoesNotMatch), a missing bucket or an endpoint that does
// not answer is an *Error with a sentence and a hint; a key that may not
// list is not an error (Access.CanList is false).
func (c *Client) CheckAccess(ctx context.Context) (Access, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	res, err := c.sdk.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(c.bucket), MaxKeys: 1})
	if err == nil {
		return Access{CanList: true, RequestID: res.Headers.Get("X-Oss-Request-Id")}, nil
	}
	var se *oss.ServiceError
	if errors.As(err, &se) && se.StatusCode == http.StatusForbidden && se.Code == "AccessDenied" {
		return Access{RequestID: se.RequestID}, nil
	}
	return Access{}, c.explain(message.New("list %s", c.bucket), err)
}
