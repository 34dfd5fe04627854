package signing

import (
	"net/url"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

// LinkEndpoint reads where a link sends its requests, so that the owner's
// own requests about it (is the file there yet?) reach exactly the same
// place, whichever endpoint, domain or sandbox port it was signed for. It
// returns a Request with Region (of the V4 credential in the query, or in
// a request link's policy; empty for a link that carries none), Bucket (empty when the host is a custom domain, which hides
// it), Key (decoded; empty for a link to the bucket itself) and the
// endpoint fields: always EndpointCustom with the link's own scheme and
// host, path style where the bucket is in the path. It accepts
// a share link, a bare URL or any text Inspect reads, and does no I/O.
func LinkEndpoint(link string) (Request, error) {
	raw, _, _ := strings.Cut(cleanPastedURL(link), "#")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return Request{}, notALink(message.New("This is not a link to an OSS endpoint."), message.New("Give the whole link, starting with https://."))
	}
	req := Request{EndpointKind: EndpointCustom, Endpoint: u.Scheme + "://" + u.Host}
	if cred := strings.Split(u.Query().Get("x-oss-credential"), "/"); len(cred) == 5 {
		req.Region = cred[2]
	} else if in, err := Inspect(link, time.Now()); err == nil {
		// A request link's credential is in its policy, in the fragment.
		req.Region = in.Region
	}
	host := u.Hostname()
	first, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	switch {
	case isLocalHost(host):
		req.PathStyle, req.Bucket, req.Key = true, first, rest
	case strings.HasSuffix(host, ".aliyuncs.com") && strings.HasPrefix(host, "oss-"):
		// A region endpoint itself: path style, the bucket leads the path.
		req.PathStyle, req.Bucket, req.Key = true, first, rest
	default:
		// "<bucket>.oss-<region>.aliyuncs.com" and "<bucket>.localhost" name
		// the bucket in the host; the SDK reaches them as a domain bound to
		// the bucket (CNAME), which signs the same canonical request.
		req.Bucket, req.Key = bucketAndKey(u)
	}
	if fe := validateEndpoint(&req); fe != nil {
		return Request{}, notALink(fe.Text, hintCopyAgain)
	}
	if req.Bucket != "" {
		if fe := ValidateBucket(req.Bucket); fe != nil {
			return Request{}, notALink(fe.Text, hintCopyAgain)
		}
	}
	return req, nil
}
