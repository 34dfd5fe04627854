package bucket

import (
	"context"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/ossdrop/ossdrop/signing/message"
)

// MaxListed caps one listing: a request link's folder is read whole on
// every check, and past this many files a list in a window stops helping.
const MaxListed = 1000

// Listing is the objects under a prefix, sorted by key.
type Listing struct {
	Objects []ObjectInfo
	// Truncated says there were more than MaxListed objects; the first
	// MaxListed are listed.
	Truncated bool
}

// List returns the objects whose keys start with prefix (ListObjectsV2,
// page by page), without the folder placeholder object "prefix" itself.
func (c *Client) List(ctx context.Context, prefix string) (*Listing, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	p := c.sdk.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr(c.bucket), Prefix: oss.Ptr(prefix)},
		func(o *oss.PaginatorOptions) { o.Limit = 1000 })
	l := &Listing{}
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.explain(message.New("list %s/%s", c.bucket, prefix), err)
		}
		for _, o := range page.Contents {
			key := oss.ToString(o.Key)
			if key == prefix {
				continue // the console's "folder" object, not a file
			}
			if len(l.Objects) == MaxListed {
				l.Truncated = true
				return l, nil
			}
			info := ObjectInfo{Key: key, Size: o.Size, ETag: trimQuotes(oss.ToString(o.ETag))}
			if o.LastModified != nil {
				info.LastModified = *o.LastModified
			}
			l.Objects = append(l.Objects, info)
		}
	}
	return l, nil
}
