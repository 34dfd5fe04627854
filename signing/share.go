package signing

import (
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
	"mvdan.cc/sh/v3/syntax"

	"github.com/ossdrop/ossdrop/signing/message"
)

// ShareLinkVersion is the version of the share-link fragment format.
const ShareLinkVersion = "1"

// Reserved fragment keys of a share link. Every other key is a header name;
// OSS never signs headers with these names, so they cannot collide.
const (
	fragmentVersionKey = "ossdrop"
	fragmentMethodKey  = "method"
)

// ShareLink returns the presigned URL with the method and the required
// headers in the fragment:
//
//	https://b.oss-cn-hangzhou.aliyuncs.com/k?x-oss-…#ossdrop=1&method=PUT&x-oss-forbid-overwrite=true
//
// HTTP clients never send a fragment, so the string still works as a plain
// link, yet OSS Drop can read back exactly which headers to send.
func (l *Link) ShareLink() string {
	return buildShareLink(l.URL, l.Method, l.Headers)
}

func buildShareLink(rawURL, method string, headers Headers) string {
	var b strings.Builder
	b.WriteString(rawURL)
	b.WriteString("#" + fragmentVersionKey + "=" + ShareLinkVersion)
	b.WriteString("&" + fragmentMethodKey + "=" + url.QueryEscape(method))
	for _, h := range headers {
		b.WriteString("&" + url.QueryEscape(h.Name) + "=" + url.QueryEscape(h.Value))
	}
	return b.String()
}

// shareFragment is what a share link's fragment says.
type shareFragment struct {
	method  string
	headers Headers
}

// parseShareFragment reads a share-link fragment; ok is false when the
// fragment is not one (a bare URL). The error is a *LinkError.
func parseShareFragment(fragment string) (frag shareFragment, ok bool, err error) {
	if !strings.HasPrefix(fragment, fragmentVersionKey+"=") {
		return frag, false, nil
	}
	values, err := url.ParseQuery(fragment)
	if err != nil {
		return frag, true, notALink(message.New("The part after # is damaged (%s).", err.Error()), hintCopyAgain)
	}
	if v := values.Get(fragmentVersionKey); v != ShareLinkVersion && v != RequestLinkVersion {
		return frag, true, notALink(message.New("The link was made by a newer OSS Drop (share-link format %q).", v), hintUpdateOSSDrop)
	}
	headers, seen := map[string]string{}, map[string]bool{}
	for name, vals := range values {
		// Header names are case-insensitive, so "Method" is the reserved
		// key too, and "A" and "a" are the same header.
		lower := strings.ToLower(name)
		if seen[lower] || len(vals) > 1 {
			return frag, true, notALink(message.New("The part after # names the header %q twice.", lower), hintCopyAgain)
		}
		seen[lower] = true
		switch lower {
		case fragmentVersionKey:
		case fragmentMethodKey:
			frag.method = strings.ToUpper(vals[0])
		default:
			if !httpguts.ValidHeaderFieldName(name) {
				return frag, true, notALink(message.New("The part after # names a header %q that is not valid.", name), hintCopyAgain)
			}
			headers[lower] = vals[0]
		}
	}
	frag.headers = headersFromMap(headers)
	return frag, true, nil
}

// CurlPlaceholder is the file a curl command uploads when no path is given.
const CurlPlaceholder = "./FILE"

// Curl returns a POSIX-shell command that uses the link with real curl:
// for PUT, `curl -X PUT -T FILE -H 'name: value'… 'URL'`; for GET,
// `curl -o FILE 'URL'`. file defaults to CurlPlaceholder.
func (l *Link) Curl(file string) string {
	return buildCurl(l.Method, l.URL, l.Headers, file)
}

func buildCurl(method, rawURL string, headers Headers, file string) string {
	return "curl " + joinArgs(curlArgs(method, rawURL, headers, file), shellQuote)
}

// curlURL returns rawURL as curl must be given it, and whether curl needs
// --path-as-is. curl removes "." and ".." segments (and, for -T, appends
// the file's name to a path that then ends in "/"), so a key such as
// "a/../b", "x/.." or "dir/" would be sent to another path than the one
// signed. --path-as-is keeps the segments; the last one, which -T looks
// at after its own normalising, is percent-encoded ("%2E%2E", "dir%2F"):
// OSS decodes the path before it checks the signature, so the request is
// still the signed one.
func curlURL(rawURL string) (target string, pathAsIs bool) {
	rest, query, hasQuery := strings.Cut(rawURL, "?")
	scheme := strings.Index(rest, "://")
	if scheme < 0 {
		return rawURL, false
	}
	slash := strings.IndexByte(rest[scheme+3:], '/')
	if slash < 0 {
		return rawURL, false
	}
	origin, path := rest[:scheme+3+slash], rest[scheme+3+slash+1:]
	segs := strings.Split(path, "/")
	switch last := len(segs) - 1; {
	case segs[last] == ".":
		segs[last] = "%2E"
	case segs[last] == "..":
		segs[last] = "%2E%2E"
	case segs[last] == "" && last > 0:
		segs = segs[:last]
		segs[last-1] += "%2F"
	}
	for i, seg := range segs {
		if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
			pathAsIs = true
		}
	}
	target = origin + "/" + strings.Join(segs, "/")
	if hasQuery {
		target += "?" + query
	}
	return target, pathAsIs
}

// shellQuote quotes s for a POSIX shell. Strings with bytes no POSIX
// quoting can carry (NUL, some control characters) cannot be in a link, a
// header or a sane path; they are single-quoted anyway as the best effort.
func shellQuote(s string) string {
	q, err := syntax.Quote(s, syntax.LangPOSIX)
	if err != nil {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return q
}
