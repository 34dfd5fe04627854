package bucket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// PageKey is where PublishPage stores the upload page. On a custom domain
// bound to the bucket its address is https://DOMAIN/_ossdrop/upload.html,
// the same path the sandbox serves the page at.
const PageKey = "_ossdrop/upload.html"

// The page carries this user metadata, so that publishing again replaces
// OSS Drop's own page but never an object someone else put at PageKey.
const (
	pageMarkerName  = "ossdrop"
	pageMarkerValue = "upload-page"
)

// Published says where the upload page now is.
type Published struct {
	// URL is the page's plain address on the endpoint the client talks to.
	URL string
	// DefaultDomain is true when URL is on one of OSS's own domains
	// (*.aliyuncs.com). Since 2018 OSS answers HTML there with
	// Content-Disposition: attachment, so a browser downloads the page
	// instead of showing it; it renders only on a custom domain bound to the
	// bucket (or any other web host).
	DefaultDomain bool
	// Replaced is true when an earlier copy of the page was there.
	Replaced bool
}

// PublishPage puts the upload page (page, the bytes of web.UploadPage) into
// the bucket at PageKey, readable by anyone: it holds no link and no secret;
// links travel in its address's fragment.
func (c *Client) PublishPage(ctx context.Context, page []byte, contentType string) (*Published, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	what := message.New("publish the upload page to %s/%s", c.bucket, PageKey)
	head, err := c.sdk.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(c.bucket), Key: oss.Ptr(PageKey)})
	replaced := err == nil
	var se *oss.ServiceError
	switch {
	case err == nil && head.Metadata[pageMarkerName] != pageMarkerValue:
		return nil, &Error{Sentence: message.New("The bucket %s already has an object named %s that OSS Drop did not put there, so it is left alone.", c.bucket, PageKey),
			Hint: message.New("Move or delete that object if it is not needed, then publish again.")}
	case err != nil && !(errors.As(err, &se) && se.StatusCode == 404):
		return nil, c.explain(what, err)
	}
	_, err = c.sdk.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr(c.bucket), Key: oss.Ptr(PageKey), Body: bytes.NewReader(page),
		ContentType: oss.Ptr(contentType), CacheControl: oss.Ptr("no-cache"),
		Acl: oss.ObjectACLPublicRead, Metadata: map[string]string{pageMarkerName: pageMarkerValue},
	})
	if err != nil {
		return nil, c.explain(what, err)
	}
	t := c.target
	t.Key = PageKey
	addr, err := signing.ObjectURL(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("address of the published page: %w", err)
	}
	u, err := url.Parse(addr)
	if err != nil {
		return nil, fmt.Errorf("address of the published page: %w", err)
	}
	return &Published{URL: addr, DefaultDomain: strings.HasSuffix(u.Hostname(), ".aliyuncs.com"), Replaced: replaced}, nil
}
