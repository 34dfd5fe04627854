package signing

import (
	"fmt"
	"slices"
	"strings"
)

// PlainURL says whether a link's bare URL works in a client that sends no
// headers of its own: a browser, `curl -T`, the sample code in the OSS
// documentation. Every header a link was signed with must be sent exactly,
// and such clients send none, so they get 403 SignatureDoesNotMatch for any
// link with headers, overwrite protection (on by default) included.
type PlainURL struct {
	// Works is true when the link has no headers: the URL alone is enough.
	Works bool
	// Headers are what the client must send, as "name: value" (curl -H).
	Headers []string
	// Reasons name the owner's choices that put them there, in order:
	// "overwrite protection", "the content type", …
	Reasons []string
	// Protected says overwrite protection is among them.
	Protected bool
}

// CheckPlainURL says what a plain client needs to use a link with headers h.
func CheckPlainURL(h Headers) PlainURL {
	p := PlainURL{Works: len(h) == 0}
	for _, v := range h {
		p.Headers = append(p.Headers, v.Name+": "+v.Value)
		if r := headerReason(v.Name); !slices.Contains(p.Reasons, r) {
			p.Reasons = append(p.Reasons, r)
		}
		p.Protected = p.Protected || v.Name == "x-oss-forbid-overwrite"
	}
	return p
}

// headerReason names the owner's choice a signed header carries.
func headerReason(name string) string {
	switch {
	case name == "x-oss-forbid-overwrite":
		return "overwrite protection"
	case name == "content-type":
		return "the content type"
	case name == "content-md5":
		return "the pinned MD5"
	case strings.HasPrefix(name, "x-oss-meta-"):
		return "metadata"
	case name == "x-oss-storage-class":
		return "the storage class"
	case name == "x-oss-object-acl":
		return "the ACL"
	case name == "x-oss-callback" || name == "x-oss-callback-var":
		return "the upload callback"
	}
	return name
}

// Note is the English sentence for a command line: what the bare URL needs
// and how to get one any client can use as it is.
func (p PlainURL) Note() string {
	if p.Works {
		return "Any client can use the URL as it is (no headers are needed)."
	}
	s := fmt.Sprintf("The URL works only when the upload sends %s exactly (for %s). A browser, curl -T or the OSS documentation's sample code sends none and gets 403 SignatureDoesNotMatch: share the share link or the curl command instead",
		joinList(p.Headers), joinList(p.Reasons))
	var leaveOut []string
	for _, r := range p.Reasons {
		if r != "overwrite protection" {
			leaveOut = append(leaveOut, r)
		}
	}
	switch {
	case p.Protected && len(leaveOut) == 0:
		s += ", or make the link with --allow-overwrite for a URL any client can use as it is (it can then replace the object)."
	case p.Protected:
		s += fmt.Sprintf(", or make the link with --allow-overwrite and without %s for a URL any client can use as it is.", joinList(leaveOut))
	default:
		s += fmt.Sprintf(", or make the link without %s for a URL any client can use as it is.", joinList(leaveOut))
	}
	return s
}

// joinList writes "a", "a and b", "a, b and c".
func joinList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
