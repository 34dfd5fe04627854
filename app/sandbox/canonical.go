package sandbox

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// headerValue returns a header's values joined, and whether it was sent.
func (r *request) headerValue(name string) (string, bool) {
	v, ok := r.header[name]
	if !ok {
		return "", false
	}
	return strings.Join(v, ","), true
}

// canonicalURI is "/bucket/key", or "/" without a bucket.
func canonicalURI(bucket, key string) string {
	if bucket == "" {
		return "/" + key
	}
	return "/" + bucket + "/" + key
}

// lowerHeader indexes header by lowercase name, whatever case the caller
// used (http.Header canonicalizes, a hand-built map may not).
func lowerHeader(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for name, values := range h {
		low := strings.ToLower(name)
		out[low] = append(out[low], values...)
	}
	return out
}

// param is one decoded query parameter.
type param struct{ name, value string }

// params keeps the query in order, duplicates included.
type params []param

func (ps params) get(name string) (string, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

func (ps params) has(name string) bool {
	_, ok := ps.get(name)
	return ok
}

// parseQuery decodes a raw query. Unlike url.ParseQuery it keeps the order
// and rejects what OSS cannot have signed instead of skipping it silently.
func parseQuery(raw string) (params, error) {
	var ps params
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			return nil, invalidArgument("", "The query parameter %q is not validly percent-encoded.", truncate(name, 64))
		}
		ps = append(ps, param{n, v})
	}
	return ps, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// escapePath percent-encodes a canonical URI: RFC 3986 unreserved bytes and
// '/' stay, every other byte becomes upper-case %XX.
func escapePath(s string) string { return escape(s, true) }

// escapeQuery encodes a query name or value the same way, '/' included.
func escapeQuery(s string) string { return escape(s, false) }

func escape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && keepSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// locate splits a request URL into bucket and key. Loopback addresses, IPs,
// plain "localhost", unknown hosts and OSS region endpoints (oss-*) carry
// the bucket in the path; "<bucket>.localhost" and
// "<bucket>.oss-*.aliyuncs.com" carry it in the host.
func locate(u *url.URL) (bucket, key string) {
	if b, ok := hostBucket(u.Hostname()); ok {
		return b, strings.TrimPrefix(u.Path, "/")
	}
	path := strings.TrimPrefix(u.Path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// hostBucket returns the bucket named by a virtual-hosted host name.
func hostBucket(host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return "", false
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok || first == "" {
		return "", false
	}
	switch {
	case rest == "localhost":
		return first, true
	case strings.HasSuffix(rest, ".aliyuncs.com") && strings.HasPrefix(rest, "oss-") && !strings.HasPrefix(first, "oss-"):
		return first, true
	}
	return "", false
}
