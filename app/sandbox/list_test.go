package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/signing"
)

// sdkClient is the OSS Go SDK's own client pointed at the sandbox: requests
// it sends are header-signed V4, as against OSS.
func (e *sandboxEnv) sdkClient(k Key, configure ...func(*oss.Config)) *oss.Client {
	cfg := signing.SDKConfig(&signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom,
		Endpoint: e.srv.URL(), PathStyle: true, Credentials: creds(k)}).WithRetryMaxAttempts(1)
	for _, f := range configure {
		f(cfg)
	}
	return oss.NewClient(cfg)
}

// putSDK stores an object with the SDK's PutObject (a header-signed PUT).
func putSDK(t *testing.T, c *oss.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}

// listAll pages through a listing with the SDK's paginator.
func listAll(t *testing.T, c *oss.Client, req *oss.ListObjectsV2Request) (keys, prefixes []string, pages int) {
	t.Helper()
	p := c.NewListObjectsV2Paginator(req)
	for p.HasNext() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListObjectsV2 page %d: %v", pages+1, err)
		}
		pages++
		if page.KeyCount != len(page.Contents)+len(page.CommonPrefixes) {
			t.Errorf("KeyCount %d for %d objects and %d prefixes", page.KeyCount, len(page.Contents), len(page.CommonPrefixes))
		}
		for _, o := range page.Contents {
			keys = append(keys, oss.ToString(o.Key))
			if o.Size == 0 || oss.ToString(o.ETag) == "" || o.LastModified == nil || oss.ToString(o.StorageClass) != "Standard" {
				t.Errorf("object %s listed as %+v", oss.ToString(o.Key), o)
			}
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, oss.ToString(cp.Prefix))
		}
	}
	return keys, prefixes, pages
}

// TestListObjectsV2WithTheSDK lists the sandbox with the SDK's paginator,
// which sends list-type=2 with encoding-type=url and follows the
// continuation tokens.
func TestListObjectsV2WithTheSDK(t *testing.T) {
	env := startSandbox(t, nil)
	c := env.sdkClient(testKey)
	// In byte order, as OSS lists: '+' sorts before '/'.
	stored := []string{"in/acme+x/f", "in/acme/a.pdf", "in/acme/b c.pdf", "in/acme/sub/d.txt", "in/acme/sub/e.txt", "in/acme/报告.txt", "in/other/g", "top.txt"}
	for _, k := range stored {
		putSDK(t, c, "demo", k, "body of "+k)
	}
	putSDK(t, c, "elsewhere", "in/acme/not-here.txt", "other bucket")

	tests := []struct {
		name         string
		req          oss.ListObjectsV2Request
		keys, common []string
		pages        int
	}{
		{name: "whole bucket", keys: stored, pages: 1},
		{name: "prefix", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/acme/")},
			keys: []string{"in/acme/a.pdf", "in/acme/b c.pdf", "in/acme/sub/d.txt", "in/acme/sub/e.txt", "in/acme/报告.txt"}, pages: 1},
		{name: "prefix in pages of two", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/acme/"), MaxKeys: 2},
			keys: []string{"in/acme/a.pdf", "in/acme/b c.pdf", "in/acme/sub/d.txt", "in/acme/sub/e.txt", "in/acme/报告.txt"}, pages: 3},
		{name: "delimiter", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/acme/"), Delimiter: oss.Ptr("/")},
			keys: []string{"in/acme/a.pdf", "in/acme/b c.pdf", "in/acme/报告.txt"}, common: []string{"in/acme/sub/"}, pages: 1},
		{name: "delimiter in pages of one", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/acme/"), Delimiter: oss.Ptr("/"), MaxKeys: 1},
			keys: []string{"in/acme/a.pdf", "in/acme/b c.pdf", "in/acme/报告.txt"}, common: []string{"in/acme/sub/"}, pages: 4},
		{name: "top level folders", req: oss.ListObjectsV2Request{Delimiter: oss.Ptr("/")},
			keys: []string{"top.txt"}, common: []string{"in/"}, pages: 1},
		{name: "start after", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/acme/"), StartAfter: oss.Ptr("in/acme/sub/d.txt")},
			keys: []string{"in/acme/sub/e.txt", "in/acme/报告.txt"}, pages: 1},
		{name: "nothing under the prefix", req: oss.ListObjectsV2Request{Prefix: oss.Ptr("in/nobody/")}, pages: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.Bucket = oss.Ptr("demo")
			keys, common, pages := listAll(t, c, &req)
			if !slices.Equal(keys, tc.keys) || !slices.Equal(common, tc.common) || pages != tc.pages {
				t.Fatalf("listed %q and prefixes %q in %d pages; want %q, %q in %d", keys, common, pages, tc.keys, tc.common, tc.pages)
			}
		})
	}
}

// TestListObjectsV2XML checks the answer's shape byte for byte where OSS's
// own clients look: element order, escaping, the continuation token.
func TestListObjectsV2XML(t *testing.T) {
	env := startSandbox(t, nil)
	c := env.sdkClient(testKey)
	putSDK(t, c, "demo", "in/a&b.txt", "1")
	putSDK(t, c, "demo", "in/c.txt", "22")
	req := headerSigned(t, "GET", env.srv.URL()+"/demo/?list-type=2&prefix=in%2F&max-keys=1&fetch-owner=true&encoding-type=url", "demo", "", testKey, "", time.Now(), nil)
	resp, body := env.send(t, req.Method, req.URL.String(), req.Header, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/xml" {
		t.Fatalf("status %d, type %q:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var names []string
	d := xml.NewDecoder(strings.NewReader(string(body)))
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				names = append(names, tok.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
	want := []string{"Name", "Prefix", "MaxKeys", "EncodingType", "IsTruncated", "NextContinuationToken", "Contents", "KeyCount"}
	if !slices.Equal(names, want) {
		t.Errorf("elements %q, want %q", names, want)
	}
	for _, s := range []string{"<Key>in%2Fa%26b.txt</Key>", "<Prefix>in%2F</Prefix>", "<Type>Normal</Type>", "<Size>1</Size>", "<ID>" + sandboxOwner + "</ID>", "<IsTruncated>true</IsTruncated>"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("body lacks %s:\n%s", s, body)
		}
	}
	if !strings.HasPrefix(string(body), xml.Header) {
		t.Errorf("no XML declaration:\n%s", body)
	}
}

func TestListRefusals(t *testing.T) {
	env := startSandbox(t, func(c *Config) { c.Buckets = []string{"demo"} })
	c := env.sdkClient(testKey)
	putSDK(t, c, "demo", "a", "1")
	tests := []struct {
		name, bucket, query string
		status              int
		code                string
	}{
		{name: "max-keys 0", bucket: "demo", query: "list-type=2&max-keys=0", status: 400, code: CodeInvalidArgument},
		{name: "max-keys 1001", bucket: "demo", query: "list-type=2&max-keys=1001", status: 400, code: CodeInvalidArgument},
		{name: "max-keys text", bucket: "demo", query: "list-type=2&max-keys=ten", status: 400, code: CodeInvalidArgument},
		{name: "encoding-type", bucket: "demo", query: "list-type=2&encoding-type=base64", status: 400, code: CodeInvalidArgument},
		{name: "damaged token", bucket: "demo", query: "list-type=2&continuation-token=%25%25", status: 400, code: CodeInvalidArgument},
		{name: "prefix too long", bucket: "demo", query: "list-type=2&prefix=" + strings.Repeat("p", maxListParam), status: 400, code: CodeInvalidArgument},
		{name: "no such bucket", bucket: "missing", query: "list-type=2", status: 404, code: CodeNoSuchBucket},
		{name: "listing v1", bucket: "demo", query: "prefix=a", status: 405, code: CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := headerSigned(t, "GET", env.srv.URL()+"/"+tc.bucket+"/?"+tc.query, tc.bucket, "", testKey, "", time.Now(), nil)
			resp, body := env.send(t, req.Method, req.URL.String(), req.Header, nil)
			ossError(t, resp, body, tc.status, tc.code)
		})
	}
	t.Run("missing bucket through the SDK", func(t *testing.T) {
		_, err := c.ListObjectsV2(context.Background(), &oss.ListObjectsV2Request{Bucket: oss.Ptr("missing")})
		var se *oss.ServiceError
		if !errors.As(err, &se) || se.StatusCode != 404 || se.Code != CodeNoSuchBucket {
			t.Fatalf("ListObjectsV2 on a missing bucket = %v", err)
		}
		_, err = c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("missing"), Key: oss.Ptr("a")})
		if !errors.As(err, &se) || se.StatusCode != 404 || se.Code != CodeNoSuchBucket {
			t.Fatalf("HeadObject in a missing bucket = %v", err)
		}
	})
}

// TestDeleteObjectWithTheSDK deletes through the SDK: 204, gone from GET
// and from the listing, and a second delete is 204 too.
func TestDeleteObjectWithTheSDK(t *testing.T) {
	env := startSandbox(t, nil)
	c := env.sdkClient(testKey)
	putSDK(t, c, "demo", "in/gone.txt", "soon gone")
	putSDK(t, c, "demo", "in/kept.txt", "stays")
	for i := range 2 {
		res, err := c.DeleteObject(context.Background(), &oss.DeleteObjectRequest{Bucket: oss.Ptr("demo"), Key: oss.Ptr("in/gone.txt")})
		if err != nil || res.StatusCode != http.StatusNoContent {
			t.Fatalf("DeleteObject #%d = %+v, %v", i+1, res, err)
		}
	}
	if _, err := env.srv.Stat("demo", "in/gone.txt"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Stat after delete: %v", err)
	}
	keys, _, _ := listAll(t, c, &oss.ListObjectsV2Request{Bucket: oss.Ptr("demo")})
	if !slices.Equal(keys, []string{"in/kept.txt"}) {
		t.Fatalf("listing after delete: %q", keys)
	}
	// A presigned link may delete too, if it was signed for DELETE.
	u, h := sdkLink(t, "DELETE", env.srv.URL(), "demo", "in/kept.txt", nil)
	resp, body := env.send(t, "DELETE", u, h, nil)
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("presigned DELETE: %d %s", resp.StatusCode, body)
	}
	// A PUT link cannot delete.
	link := env.link(t, signing.Request{Key: "in/x.txt"})
	resp, body = env.send(t, "DELETE", link.URL, linkHeader(link), nil)
	ossError(t, resp, body, 403, CodeSignatureDoesNotMatch)
}

// tamper is a RoundTripper that changes requests after the SDK signed them.
type tamper struct {
	change func(*http.Request)
	next   http.RoundTripper
}

func (tp tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	tp.change(r)
	return tp.next.RoundTrip(r)
}

// TestTamperedSDKRequestsRefused sends the SDK's own signed requests with
// one thing changed on the way: every change is refused with OSS's code.
func TestTamperedSDKRequestsRefused(t *testing.T) {
	env := startSandbox(t, nil)
	putSDK(t, env.sdkClient(testKey), "demo", "in/a.txt", "a")
	tests := []struct {
		name   string
		change func(*http.Request)
		key    Key
		code   string
	}{
		{name: "method", change: func(r *http.Request) { r.Method = "DELETE" }, code: CodeSignatureDoesNotMatch},
		{name: "path", change: func(r *http.Request) { r.URL.Path, r.URL.RawPath = "/demo/in/b.txt", "" }, code: CodeSignatureDoesNotMatch},
		{name: "query", change: func(r *http.Request) { r.URL.RawQuery += "&x-oss-process=image" }, code: CodeSignatureDoesNotMatch},
		{name: "header", change: func(r *http.Request) { r.Header.Set("x-oss-range-behavior", "standard") }, code: CodeSignatureDoesNotMatch},
		{name: "date 16 minutes ago", change: func(r *http.Request) {
			old := time.Now().Add(-16 * time.Minute).UTC()
			r.Header.Set("x-oss-date", old.Format(v4TimeFormat))
		}, code: CodeRequestTimeTooSkewed},
		{name: "wrong secret", change: func(*http.Request) {}, key: Key{ID: testKey.ID, Secret: "not-the-secret"}, code: CodeSignatureDoesNotMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := testKey
			if tc.key.ID != "" {
				k = tc.key
			}
			c := env.sdkClient(k, func(cfg *oss.Config) {
				cfg.WithHttpClient(&http.Client{Transport: tamper{change: tc.change, next: http.DefaultTransport}})
			})
			_, err := c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("demo"), Key: oss.Ptr("in/a.txt")})
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.StatusCode != 403 || se.Code != tc.code {
				t.Fatalf("HeadObject = %v, want 403 %s", err, tc.code)
			}
			_, err = c.ListObjectsV2(context.Background(), &oss.ListObjectsV2Request{Bucket: oss.Ptr("demo"), Prefix: oss.Ptr("in/")})
			if !errors.As(err, &se) || se.StatusCode != 403 || se.Code != tc.code {
				t.Fatalf("ListObjectsV2 = %v, want 403 %s", err, tc.code)
			}
		})
	}
	if _, err := env.srv.Stat("demo", "in/a.txt"); err != nil {
		t.Fatalf("a refused DELETE removed the object: %v", err)
	}
}

// listCases seed FuzzListQuery and pin page() on edge cases.
var listCases = []struct {
	name  string
	query string
	keys  []string
	want  []string // objects, then "cp:" common prefixes, then "next:" when truncated
}{
	{"all", "", []string{"a", "b"}, []string{"a", "b"}},
	{"prefix", "prefix=a%2F", []string{"a/1", "a/2", "ab"}, []string{"a/1", "a/2"}},
	{"delimiter rolls up", "delimiter=%2F", []string{"a/1", "a/2", "b", "c/x/y"}, []string{"b", "cp:a/", "cp:c/"}},
	{"page ends on a common prefix", "delimiter=%2F&max-keys=1", []string{"a/1", "a/2", "b"}, []string{"cp:a/", "next:a/"}},
	{"token after a common prefix", "delimiter=%2F&continuation-token=YS8", []string{"a/1", "a/2", "b"}, []string{"b"}},
	{"start after", "start-after=a", []string{"a", "b", "c"}, []string{"b", "c"}},
	{"token wins over start-after", "start-after=a&continuation-token=Yg", []string{"a", "b", "c"}, []string{"c"}},
	{"exactly max-keys", "max-keys=2", []string{"a", "b"}, []string{"a", "b"}},
	{"one over max-keys", "max-keys=2", []string{"a", "b", "c"}, []string{"a", "b", "next:b"}},
	{"multi-byte delimiter", "delimiter=--", []string{"x--1", "x--2", "x-3"}, []string{"x-3", "cp:x--"}},
}

func TestListPage(t *testing.T) {
	for _, tc := range listCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			lq, e := parseListQuery(q)
			if e != nil {
				t.Fatal(e)
			}
			var objects []ObjectInfo
			for _, k := range tc.keys {
				objects = append(objects, ObjectInfo{Key: k})
			}
			if got := describePage(lq.page(objects)); !slices.Equal(got, tc.want) {
				t.Fatalf("page = %q, want %q", got, tc.want)
			}
		})
	}
}

func b64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func describePage(p listPage) []string {
	var out []string
	for _, o := range p.objects {
		out = append(out, o.Key)
	}
	for _, cp := range p.prefixes {
		out = append(out, "cp:"+cp)
	}
	if p.truncated {
		out = append(out, "next:"+p.next)
	}
	return out
}

// FuzzListQuery pages through any listing with any parameters: no panic,
// never more than max-keys entries, every entry after the marker and under
// the prefix, and following the tokens visits each key at most once.
func FuzzListQuery(f *testing.F) {
	for _, tc := range listCases {
		f.Add(tc.query, strings.Join(tc.keys, "\n"))
	}
	f.Fuzz(func(t *testing.T, query, keyList string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		q.Del("continuation-token") // the walk below makes its own
		lq, e := parseListQuery(q)
		if e != nil {
			return
		}
		// Stored keys are valid UTF-8 (validKey), so their tokens are too.
		keys := slices.DeleteFunc(strings.Split(keyList, "\n"), func(k string) bool { return !validKey(k) })
		slices.Sort(keys)
		keys = slices.Compact(keys)
		var objects []ObjectInfo
		for _, k := range keys {
			objects = append(objects, ObjectInfo{Key: k})
		}
		seen := map[string]bool{}
		for range len(keys) + 2 {
			p := lq.page(objects)
			if len(p.objects)+len(p.prefixes) > lq.maxKeys {
				t.Fatalf("%d entries for max-keys %d", len(p.objects)+len(p.prefixes), lq.maxKeys)
			}
			for _, o := range p.objects {
				if seen[o.Key] || !strings.HasPrefix(o.Key, lq.prefix) || o.Key <= lq.after {
					t.Fatalf("object %q listed again, outside the prefix or before the marker %q", o.Key, lq.after)
				}
				seen[o.Key] = true
			}
			for _, cp := range p.prefixes {
				if seen["cp:"+cp] {
					t.Fatalf("common prefix %q listed twice", cp)
				}
				seen["cp:"+cp] = true
			}
			if !p.truncated {
				return
			}
			next := url.Values{"continuation-token": {b64URL(p.next)}}
			for k, v := range q {
				next[k] = v
			}
			if lq, e = parseListQuery(next); e != nil {
				t.Fatalf("our own token %q refused: %v", next.Get("continuation-token"), e)
			}
		}
		t.Fatal("the listing did not end")
	})
}
