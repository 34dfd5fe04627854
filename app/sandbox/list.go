package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits OSS puts on one ListObjectsV2 page.
const (
	// DefaultMaxKeys is the page size when max-keys is absent.
	DefaultMaxKeys = 100
	// MaxMaxKeys is the largest max-keys OSS accepts.
	MaxMaxKeys = 1000
	// maxListParam is OSS's limit on prefix, start-after and delimiter.
	maxListParam = 1024
)

// listQuery is a ListObjectsV2 request's parameters, decoded and checked.
type listQuery struct {
	prefix, delimiter, startAfter string
	// token is the continuation-token as sent; after is the key it stands for.
	token, after string
	maxKeys      int
	encodeURL    bool
	fetchOwner   bool
}

// parseListQuery reads GET /bucket/?list-type=2's parameters as OSS does;
// a value OSS refuses is an InvalidArgument error naming it.
func parseListQuery(q url.Values) (*listQuery, *Error) {
	lq := &listQuery{
		prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), startAfter: q.Get("start-after"),
		token: q.Get("continuation-token"), maxKeys: DefaultMaxKeys,
		fetchOwner: q.Get("fetch-owner") == "true",
	}
	for name, v := range map[string]string{"prefix": lq.prefix, "delimiter": lq.delimiter, "start-after": lq.startAfter} {
		if len(v) >= maxListParam || !utf8.ValidString(v) {
			return nil, invalidArgument("", "The %s must be valid UTF-8 shorter than %d bytes.", name, maxListParam)
		}
	}
	if v, ok := q["max-keys"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > MaxMaxKeys {
			return nil, invalidArgument("", "The max-keys %q is invalid: it must be a number from 1 to %d.", truncate(v[0], 32), MaxMaxKeys)
		}
		lq.maxKeys = n
	}
	switch v := q.Get("encoding-type"); v {
	case "":
	case "url":
		lq.encodeURL = true
	default:
		return nil, invalidArgument("", "The encoding-type %q is invalid: the only valid value is url.", truncate(v, 32))
	}
	lq.after = lq.startAfter
	if _, ok := q["continuation-token"]; ok {
		// The token wins over start-after: it already lies past it.
		after, err := base64.RawURLEncoding.DecodeString(lq.token)
		if err != nil || lq.token == "" || !utf8.Valid(after) {
			return nil, invalidArgument("", "The continuation-token is not valid: pass the NextContinuationToken of the previous page unchanged.")
		}
		lq.after = string(after)
	}
	return lq, nil
}

// listPage is one page of a listing.
type listPage struct {
	objects   []ObjectInfo
	prefixes  []string
	truncated bool
	// next is the last key or common prefix on the page, when truncated.
	next string
}

// page cuts one page out of a bucket's objects, sorted by key. With a
// delimiter, keys sharing the part up to the delimiter after the prefix
// roll up into one common prefix, which counts as one entry, and a page
// that ends on a common prefix resumes after every key under it.
func (lq *listQuery) page(sorted []ObjectInfo) listPage {
	var p listPage
	count := 0
	lastPrefix := ""
	for _, o := range sorted {
		if !strings.HasPrefix(o.Key, lq.prefix) || o.Key <= lq.after {
			continue
		}
		common := ""
		if lq.delimiter != "" {
			if i := strings.Index(o.Key[len(lq.prefix):], lq.delimiter); i >= 0 {
				common = o.Key[:len(lq.prefix)+i+len(lq.delimiter)]
			}
		}
		if common != "" && (common == lastPrefix || common <= lq.after) {
			continue // rolled up already, here or on an earlier page
		}
		if count == lq.maxKeys {
			p.truncated = true
			break
		}
		count++
		if common != "" {
			p.prefixes = append(p.prefixes, common)
			lastPrefix, p.next = common, common
			continue
		}
		p.objects = append(p.objects, o)
		p.next = o.Key
	}
	if !p.truncated {
		p.next = ""
	}
	return p
}

// listBucketResult is ListObjectsV2's answer, in OSS's element order.
type listBucketResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	Contents              []listContents `xml:"Contents"`
	CommonPrefixes        []listPrefix   `xml:"CommonPrefixes"`
	KeyCount              int            `xml:"KeyCount"`
}

type listContents struct {
	Key          string     `xml:"Key"`
	LastModified string     `xml:"LastModified"`
	ETag         string     `xml:"ETag"`
	Type         string     `xml:"Type"`
	Size         int64      `xml:"Size"`
	StorageClass string     `xml:"StorageClass"`
	Owner        *listOwner `xml:"Owner,omitempty"`
}

type listOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type listPrefix struct {
	Prefix string `xml:"Prefix"`
}

// sandboxOwner stands for the account that owns every sandbox object.
const sandboxOwner = "ossdrop-sandbox"

// listObjectsV2 answers GET /bucket/?list-type=2 (ListObjectsV2).
func (s *Server) listObjectsV2(w http.ResponseWriter, _ *http.Request, c *call) *Error {
	lq, e := parseListQuery(c.url.Query())
	if e != nil {
		return e
	}
	objects, err := s.store.listBucket(c.bucket)
	if err != nil {
		s.log.Error("sandbox list failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Listing the bucket failed.")
	}
	p := lq.page(objects)
	// With encoding-type=url, every key-like value is query-escaped, so
	// keys with control characters survive XML; the SDK unescapes them.
	enc := func(v string) string { return v }
	if lq.encodeURL {
		enc = url.QueryEscape
	}
	res := listBucketResult{
		Name: c.bucket, Prefix: enc(lq.prefix), StartAfter: enc(lq.startAfter), ContinuationToken: enc(lq.token),
		MaxKeys: lq.maxKeys, Delimiter: enc(lq.delimiter), IsTruncated: p.truncated,
		KeyCount: len(p.objects) + len(p.prefixes),
	}
	if lq.encodeURL {
		res.EncodingType = "url"
	}
	if p.truncated {
		res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(p.next))
	}
	for _, o := range p.objects {
		item := listContents{
			Key: enc(o.Key), LastModified: isoTime(o.LastModified), ETag: o.ETag,
			Type: "Normal", Size: o.Size, StorageClass: o.StorageClass,
		}
		if lq.fetchOwner {
			item.Owner = &listOwner{ID: sandboxOwner, DisplayName: sandboxOwner}
		}
		res.Contents = append(res.Contents, item)
	}
	for _, cp := range p.prefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, listPrefix{Prefix: enc(cp)})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	xe := xml.NewEncoder(&buf)
	xe.Indent("", "  ")
	// Encoding a struct of strings and numbers into memory cannot fail;
	// characters XML cannot carry become U+FFFD, which is why clients ask
	// for encoding-type=url.
	_ = xe.Encode(res)
	buf.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}
