package signing

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

var linkEndpointCases = []struct {
	name, link string
	want       Request
	bad        bool
}{
	{name: "sandbox path style", link: "http://127.0.0.1:9000/demo/in/a.txt?x-oss-credential=AK%2F20261201%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=ab#ossdrop=1&method=PUT",
		want: Request{Region: "cn-hangzhou", EndpointKind: EndpointCustom, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Bucket: "demo", Key: "in/a.txt"}},
	{name: "localhost", link: "http://localhost:8080/demo/k", want: Request{EndpointKind: EndpointCustom, Endpoint: "http://localhost:8080", PathStyle: true, Bucket: "demo", Key: "k"}},
	{name: "virtual hosted public", link: "https://reports.oss-cn-shanghai.aliyuncs.com/in/q3.pdf?x-oss-credential=LTAI%2F20261201%2Fcn-shanghai%2Foss%2Faliyun_v4_request",
		want: Request{Region: "cn-shanghai", EndpointKind: EndpointCustom, Endpoint: "https://reports.oss-cn-shanghai.aliyuncs.com", Bucket: "reports", Key: "in/q3.pdf"}},
	{name: "internal", link: "https://reports.oss-cn-shanghai-internal.aliyuncs.com/x", want: Request{EndpointKind: EndpointCustom, Endpoint: "https://reports.oss-cn-shanghai-internal.aliyuncs.com", Bucket: "reports", Key: "x"}},
	{name: "region endpoint, path style", link: "https://oss-cn-shanghai.aliyuncs.com/reports/x", want: Request{EndpointKind: EndpointCustom, Endpoint: "https://oss-cn-shanghai.aliyuncs.com", PathStyle: true, Bucket: "reports", Key: "x"}},
	{name: "bucket.localhost", link: "http://demo.localhost:9000/k", want: Request{EndpointKind: EndpointCustom, Endpoint: "http://demo.localhost:9000", Bucket: "demo", Key: "k"}},
	{name: "custom domain", link: "https://files.example.com/dir/x.txt", want: Request{EndpointKind: EndpointCustom, Endpoint: "https://files.example.com", Key: "dir/x.txt"}},
	{name: "pasted with angle brackets", link: "<https://reports.oss-cn-shanghai.aliyuncs.com/x>", want: Request{EndpointKind: EndpointCustom, Endpoint: "https://reports.oss-cn-shanghai.aliyuncs.com", Bucket: "reports", Key: "x"}},
	{name: "no scheme", link: "reports.oss-cn-shanghai.aliyuncs.com/x", bad: true},
	{name: "ftp", link: "ftp://127.0.0.1/demo/x", bad: true},
	{name: "user info", link: "https://user:pw@files.example.com/x", bad: true},
	{name: "bad bucket in the path", link: "http://127.0.0.1:9000/Bad_Bucket/x", bad: true},
	{name: "empty", link: "", bad: true},
}

func TestLinkEndpoint(t *testing.T) {
	for _, tc := range linkEndpointCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LinkEndpoint(tc.link)
			if tc.bad {
				if err == nil || !errors.Is(err, ErrNotALink) {
					t.Fatalf("LinkEndpoint = %+v, %v; want an ErrNotALink", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Region != tc.want.Region || got.EndpointKind != tc.want.EndpointKind || got.Endpoint != tc.want.Endpoint ||
				got.PathStyle != tc.want.PathStyle || got.Bucket != tc.want.Bucket || got.Key != tc.want.Key {
				t.Fatalf("LinkEndpoint = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestLinkEndpointOfSignedLinks: for links this package signs, the
// endpoint read back signs requests to the very host and bucket the link
// names.
func TestLinkEndpointOfSignedLinks(t *testing.T) {
	for _, req := range []Request{
		{Region: "cn-hangzhou", Bucket: "reports", Key: "in/q3.pdf"},
		{Region: "cn-hangzhou", EndpointKind: EndpointInternal, Bucket: "reports", Key: "a b.txt"},
		{Region: "cn-hangzhou", EndpointKind: EndpointCustom, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Bucket: "demo", Key: "k"},
		{Region: "cn-hangzhou", EndpointKind: EndpointCustom, Endpoint: "https://files.example.com", Bucket: "reports", Key: "k/报告 1+1.pdf"},
	} {
		req.Credentials = Credentials{AccessKeyID: "TESTKYEndpointTest01", AccessKeySecret: "s"}
		link, err := Presign(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LinkEndpoint(link.ShareLink())
		if err != nil {
			t.Fatal(err)
		}
		if got.Region != req.Region {
			t.Errorf("%s: region %q", link.URL, got.Region)
		}
		if (got.Bucket != "" && got.Bucket != req.Bucket) || got.Key != req.Key {
			t.Errorf("%s: bucket %q", link.URL, got.Bucket)
		}
		u, _ := url.Parse(link.URL)
		if got.Endpoint != u.Scheme+"://"+u.Host {
			t.Errorf("%s: endpoint %q", link.URL, got.Endpoint)
		}
		if got.Bucket == "" {
			got.Bucket = req.Bucket
		}
		got.Credentials, got.Expires = req.Credentials, req.Expires
		again, err := Presign(t.Context(), got)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := strings.Split(again.URL, "?")[0], strings.Split(link.URL, "?")[0]; a != b {
			t.Errorf("signing with the endpoint read back goes to %s, the link to %s", a, b)
		}
	}
}

// TestLinkEndpointOfARequestLink: a request link's address is the bucket's,
// and its region is in the policy the fragment carries.
func TestLinkEndpointOfARequestLink(t *testing.T) {
	for _, req := range []Request{
		{Region: "cn-shanghai", Bucket: "reports", Prefix: "in/acme/"},
		{Region: "cn-hangzhou", EndpointKind: EndpointCustom, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Bucket: "demo", Prefix: "in/"},
	} {
		req.Credentials = Credentials{AccessKeyID: "TESTKYEndpointTest01", AccessKeySecret: "s"}
		req.Expires = time.Hour
		l, err := NewRequestLink(req, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got, err := LinkEndpoint(l.ShareLink())
		if err != nil {
			t.Fatal(err)
		}
		if got.Region != req.Region || got.Bucket != req.Bucket || got.Key != "" {
			t.Errorf("%s: %+v", l.ShareLink(), got)
		}
	}
}

func FuzzLinkEndpoint(f *testing.F) {
	for _, tc := range linkEndpointCases {
		f.Add(tc.link)
	}
	f.Fuzz(func(t *testing.T, link string) {
		req, err := LinkEndpoint(link)
		if err != nil {
			if !errors.Is(err, ErrNotALink) {
				t.Fatalf("error %v does not wrap ErrNotALink", err)
			}
			return
		}
		if req.EndpointKind != EndpointCustom || fieldOf(validateEndpoint(&req)) != "" {
			t.Fatalf("LinkEndpoint(%q) = %+v: not a usable endpoint (%v)", link, req, validateEndpoint(&req))
		}
	})
}

func fieldOf(fe *FieldError) string {
	if fe == nil {
		return ""
	}
	return fe.Field
}
