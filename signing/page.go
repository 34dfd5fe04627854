package signing

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

// PageLinkVersion is the version of the page-link fragment format.
const PageLinkVersion = "1"

// Kinds of link a page link carries. The upload page chooses how to upload
// by the kind alone, so a new kind is one new branch in the page's script.
const (
	// PageKindPut is a share link for one presigned PUT.
	PageKindPut = "put"
	// PageKindRequest is a request link (a PostObject policy and its form
	// fields, posted with multipart/form-data).
	PageKindRequest = "post"
)

// Reserved keys of a page-link fragment.
const (
	pageVersionKey = "ossdrop-page"
	pageKindKey    = "kind"
	pageLinkKey    = "link"
)

// Errors about page URLs and page links, for errors.Is.
var (
	ErrPageURL  = errors.New("invalid upload page URL")
	ErrPageKind = errors.New("unsupported page link kind")
)

// FieldPageURL names the upload page URL of a profile or command line.
const FieldPageURL = "page-url"

// PageLink returns the link a person opens: the upload page at pageURL
// with this share link in its fragment,
//
//	https://files.example.com/_ossdrop/upload.html#ossdrop-page=1&kind=put&link=<share link>
//
// Browsers never send a fragment to the server, so the page's host does not
// see the link; the page reads it from location.hash. Only upload (PUT)
// links can be carried.
func (l *Link) PageLink(pageURL string) (string, error) {
	if l.Method != MethodPut {
		return "", fmt.Errorf("%w: a page link carries an upload link, and this one is for %s", ErrPageKind, l.Method)
	}
	return BuildPageLink(pageURL, PageKindPut, l.ShareLink())
}

// PageLink returns the link a person opens for this request link: the
// upload page at pageURL with the request link in its fragment (kind
// "post"), where the page takes several files.
func (l *RequestLink) PageLink(pageURL string) (string, error) {
	return BuildPageLink(pageURL, PageKindRequest, l.ShareLink())
}

// BuildPageLink puts a link of the given kind into the fragment of the page
// at pageURL (any fragment it had is dropped). The link is escaped so that
// both url.ParseQuery and the browser's URLSearchParams give it back byte
// for byte, yet most of it stays readable and short (a QR code holds it).
func BuildPageLink(pageURL, kind, link string) (string, error) {
	u, err := ValidatePageURL(pageURL)
	if err != nil {
		return "", err
	}
	if kind != PageKindPut && kind != PageKindRequest {
		return "", fmt.Errorf("%w: %q", ErrPageKind, kind)
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String() + "#" + pageVersionKey + "=" + PageLinkVersion +
		"&" + pageKindKey + "=" + kind + "&" + pageLinkKey + "=" + escapePageLink(link), nil
}

// PageLinkParts is what a page link says.
type PageLinkParts struct {
	// PageURL is the page's address, without the fragment.
	PageURL string
	// Kind is PageKindPut or PageKindRequest.
	Kind string
	// Link is the carried link: a share link for PageKindPut.
	Link string
}

// ParsePageLink reads a page link; ok is false when text is not one (its
// fragment does not start with the page-link version key). The error is a
// *LinkError.
func ParsePageLink(text string) (parts PageLinkParts, ok bool, err error) {
	page, fragment, found := strings.Cut(strings.TrimSpace(text), "#")
	if !found || !strings.HasPrefix(fragment, pageVersionKey+"=") {
		return parts, false, nil
	}
	parts.PageURL = page
	values, err := url.ParseQuery(fragment)
	if err != nil {
		return parts, true, notALink(message.New("The part after # of the page link is damaged (%s).", err.Error()), hintCopyAgain)
	}
	if v := values.Get(pageVersionKey); v != PageLinkVersion {
		return parts, true, notALink(message.New("The page link was made by a newer OSS Drop (page-link format %q).", v), hintUpdateOSSDrop)
	}
	for name, vals := range values {
		if len(vals) > 1 {
			return parts, true, notALink(message.New("The page link names %q twice.", name), hintCopyAgain)
		}
	}
	parts.Kind, parts.Link = values.Get(pageKindKey), values.Get(pageLinkKey)
	switch {
	case parts.Kind != PageKindPut && parts.Kind != PageKindRequest:
		return parts, true, &LinkError{Err: ErrPageKind,
			Sentence: message.New("The page link carries a link of kind %q, which this OSS Drop does not know.", parts.Kind), Hint: hintUpdateOSSDrop}
	case parts.Link == "":
		return parts, true, notALink(message.New("The page link carries no link."), hintCopyAgain)
	}
	return parts, true, nil
}

// pageLinkSafe are the bytes left as they are in the carried link: those a
// fragment may hold, except the ones that would end or change a query value
// ('&', '+', ';', '#', '%').
const pageLinkSafe = "-._~!$'()*,:@/?="

func escapePageLink(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(pageLinkSafe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// ValidatePageURL checks the address of an upload page: an absolute http or
// https URL with a host and no user name or password. The error is a
// *FieldError (FieldPageURL, ErrPageURL) with a sentence.
func ValidatePageURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	bad := func(format string, args ...any) (*url.URL, error) {
		return nil, fieldErr(FieldPageURL, ErrPageURL, format, args...)
	}
	if raw == "" {
		return bad("The upload page URL is empty: give the page's address, such as https://files.example.com/_ossdrop/upload.html.")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return bad("The upload page URL %q cannot be read: give an address such as https://files.example.com/_ossdrop/upload.html.", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("The upload page URL %q must start with https:// (or http:// for a local test).", raw)
	case u.Host == "" || u.Hostname() == "":
		return bad("The upload page URL %q names no host.", raw)
	case u.User != nil:
		return bad("The upload page URL must not hold a user name or password.")
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	return u, nil
}

// PageOrigin returns the origin ("https://files.example.com", with a port
// only when it is not the scheme's default) a browser gives the page at
// pageURL: what a CORS rule must allow for the page to upload to another
// host.
func PageOrigin(pageURL string) (string, error) {
	u, err := ValidatePageURL(pageURL)
	if err != nil {
		return "", err
	}
	host := u.Host
	if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		host = u.Hostname()
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	return u.Scheme + "://" + host, nil
}

// ObjectURL returns the plain, unsigned address of req's object (req.Key)
// on req's endpoint: what a browser opens for a public-read object, such as
// a published upload page. It is the presigned GET URL without its query,
// so it follows every endpoint rule links follow (custom domain, path
// style). It signs offline and needs req's credentials for that only.
func ObjectURL(ctx context.Context, req Request) (string, error) {
	get := Request{
		Region: req.Region, EndpointKind: req.EndpointKind, Endpoint: req.Endpoint, PathStyle: req.PathStyle,
		Bucket: req.Bucket, Key: req.Key, Method: MethodGet, Expires: time.Minute, Credentials: req.Credentials,
	}
	link, err := Presign(ctx, get)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(link.URL)
	if err != nil {
		return "", fmt.Errorf("address of %s/%s: %w", req.Bucket, req.Key, err)
	}
	u.RawQuery, u.ForceQuery = "", false
	return u.String(), nil
}
