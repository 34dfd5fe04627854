package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// verifyV1 checks an OSSAccessKeyId/Expires/Signature query signature.
func (r *request) verifyV1(keys KeyLookup, now time.Time) (*Signed, error) {
	akID, _ := r.params.get("OSSAccessKeyId")
	if akID == "" {
		return nil, invalidArgument("", "The OSSAccessKeyId parameter is missing.")
	}
	expiresValue, _ := r.params.get("Expires")
	unix, err := strconv.ParseInt(expiresValue, 10, 64)
	if err != nil || unix < 0 {
		return nil, invalidArgument(ecV1BadExpires, "The Expires %q is not a Unix time.", expiresValue)
	}
	expiresAt := time.Unix(unix, 0).UTC()
	if now.Unix() > unix {
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV1Expired, "Request has expired.")
		e.Expires, e.ServerTime = isoTime(expiresAt), isoTime(now)
		return nil, e
	}
	token, hasToken := r.params.get("security-token")
	if !hasToken {
		token, hasToken = r.headerValue("x-oss-security-token")
	}
	k, err := r.lookup(keys, akID, hasToken && token != "")
	if err != nil {
		return nil, err
	}
	stringToSign, signedHeaders := r.stringToSignV1(expiresValue)
	want := base64.StdEncoding.EncodeToString(hmacSum(sha1.New, []byte(k.Secret), stringToSign))
	got, _ := r.params.get("Signature")
	if !hmac.Equal([]byte(got), []byte(want)) {
		e := errorf(http.StatusForbidden, CodeSignatureDoesNotMatch, ecSignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.AccessKeyID, e.SignatureProvided, e.StringToSign = akID, got, stringToSign
		return nil, e
	}
	return &Signed{
		Version: VersionV1, AccessKeyID: akID, Bucket: r.bucket, Key: r.key,
		ExpiresAt: expiresAt, Token: hasToken && token != "", SignedHeaders: signedHeaders,
	}, nil
}

// v1SignedParams are the query parameters V1 signs (sub-resources and
// response overrides); the list is OSS's, as the SDK's signer/v1.go has it.
var v1SignedParams = map[string]bool{
	"acl": true, "bucketInfo": true, "location": true, "stat": true, "delete": true,
	"append": true, "tagging": true, "objectMeta": true, "uploads": true, "uploadId": true,
	"partNumber": true, "security-token": true, "position": true,
	"response-content-type": true, "response-content-language": true, "response-expires": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"restore": true, "callback": true, "callback-var": true, "versions": true, "versioning": true,
	"versionId": true, "sequential": true, "continuation-token": true, "regionList": true,
	"cloudboxes": true, "symlink": true,
}

// stringToSignV1 builds "VERB\nContent-MD5\nContent-Type\nExpires\n" +
// CanonicalizedOSSHeaders + CanonicalizedResource.
func (r *request) stringToSignV1(expires string) (string, []string) {
	var b strings.Builder
	md5Value, _ := r.headerValue("content-md5")
	ctValue, _ := r.headerValue("content-type")
	b.WriteString(r.method + "\n" + md5Value + "\n" + ctValue + "\n" + expires + "\n")
	signed := []string{"content-md5", "content-type"}
	var names []string
	for name := range r.header {
		if strings.HasPrefix(name, "x-oss-") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		trimmed := make([]string, len(r.header[name]))
		for i, v := range r.header[name] {
			trimmed[i] = strings.TrimSpace(v)
		}
		b.WriteString(name + ":" + strings.Join(trimmed, ",") + "\n")
	}
	b.WriteString(canonicalURI(r.bucket, r.key))
	var sub []string
	seen := map[string]bool{}
	for _, p := range r.params {
		if seen[p.name] || !(v1SignedParams[p.name] || strings.HasPrefix(p.name, "x-oss-")) {
			continue
		}
		seen[p.name] = true
		if p.value != "" {
			sub = append(sub, p.name+"="+p.value)
		} else {
			sub = append(sub, p.name)
		}
	}
	// Sorting "name=value" strings sorts by name, as no name contains '='.
	slices.Sort(sub)
	if len(sub) > 0 {
		b.WriteString("?" + strings.Join(sub, "&"))
	}
	return b.String(), append(signed, names...)
}
