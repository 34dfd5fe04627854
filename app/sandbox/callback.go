package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Callback limits OSS applies.
const (
	maxCallbackURLs = 5
	// DefaultCallbackTimeout is how long OSS waits for each callback URL.
	DefaultCallbackTimeout = 5 * time.Second
	// maxCallbackResponse is the largest callback answer OSS relays.
	maxCallbackResponse = 3 << 20
)

const (
	bodyTypeForm = "application/x-www-form-urlencoded"
	bodyTypeJSON = "application/json"
)

// callback is a decoded x-oss-callback (and x-oss-callback-var).
type callback struct {
	urls     []string
	host     string
	body     string
	bodyType string
	sni      bool
	vars     map[string]string
}

// callbackJSON is the JSON object inside x-oss-callback.
type callbackJSON struct {
	URL      string          `json:"callbackUrl"`
	Host     string          `json:"callbackHost"`
	Body     string          `json:"callbackBody"`
	BodyType string          `json:"callbackBodyType"`
	SNI      json.RawMessage `json:"callbackSNI"`
}

// parseCallback decodes the callback headers; (nil, nil) when there is no
// callback. OSS refuses a malformed callback before storing anything, so
// this runs before the body is read.
func parseCallback(header http.Header) (*callback, *Error) {
	raw := strings.TrimSpace(header.Get("x-oss-callback"))
	if raw == "" {
		return nil, nil
	}
	decoded, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, invalidArgument(ecCallbackBase64, "The callback configuration is not base64 encoded.")
	}
	var cj callbackJSON
	if err := json.Unmarshal(decoded, &cj); err != nil {
		return nil, invalidArgument("", "The callback configuration is not json format.")
	}
	cb := &callback{host: cj.Host, body: cj.Body}

	for u := range strings.SplitSeq(cj.URL, ";") {
		if u = strings.TrimSpace(u); u != "" {
			cb.urls = append(cb.urls, u)
		}
	}
	switch {
	case len(cb.urls) == 0:
		return nil, invalidArgument(ecCallbackURL, "The callbackUrl is empty.")
	case len(cb.urls) > maxCallbackURLs:
		return nil, invalidArgument(ecCallbackTooMany, "The callbackUrl has %d URLs: at most %d are allowed.", len(cb.urls), maxCallbackURLs)
	}
	for i, raw := range cb.urls {
		// OSS accepts "host:port/path" and means http.
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return nil, invalidArgument(ecCallbackURL, "The callbackUrl %q is invalid.", cb.urls[i])
		}
		cb.urls[i] = u.String()
	}
	if strings.TrimSpace(cb.body) == "" {
		return nil, invalidArgument(ecCallbackBody, "The callbackBody is empty.")
	}

	cb.bodyType = bodyTypeForm
	if cj.BodyType != "" {
		mt, _, err := mime.ParseMediaType(cj.BodyType)
		if err != nil || (mt != bodyTypeForm && mt != bodyTypeJSON) {
			return nil, invalidArgument("", "The callbackBodyType %q is not supported: use %s or %s.", cj.BodyType, bodyTypeForm, bodyTypeJSON)
		}
		cb.bodyType = mt
	}
	// callbackSNI is documented as a boolean; accept "true" as well.
	if len(cj.SNI) > 0 {
		var b bool
		var s string
		switch {
		case json.Unmarshal(cj.SNI, &b) == nil:
			cb.sni = b
		case json.Unmarshal(cj.SNI, &s) == nil:
			cb.sni = strings.EqualFold(s, "true")
		default:
			return nil, invalidArgument("", "The callbackSNI must be true or false.")
		}
	}

	vars, e := parseCallbackVars(header.Get("x-oss-callback-var"))
	if e != nil {
		return nil, e
	}
	cb.vars = vars
	return cb, nil
}

// parseCallbackVars decodes x-oss-callback-var: Base64 of a JSON object
// whose names start with "x:".
func parseCallbackVars(raw string) (map[string]string, *Error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	decoded, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, invalidArgument(ecCallbackBase64, "The callback-var configuration is not base64 encoded.")
	}
	var m map[string]any
	if err := json.Unmarshal(decoded, &m); err != nil {
		return nil, invalidArgument("", "The callback-var configuration is not a json object.")
	}
	vars := make(map[string]string, len(m))
	for name, v := range m {
		if !strings.HasPrefix(name, "x:") {
			return nil, invalidArgument("", "The callback variable %q does not start with x:.", name)
		}
		switch v := v.(type) {
		case string:
			vars[name] = v
		case nil:
			vars[name] = ""
		default:
			enc, _ := json.Marshal(v) // numbers and booleans as written
			vars[name] = string(enc)
		}
	}
	return vars, nil
}

// callbackValues are the system variables of one upload.
type callbackValues struct {
	bucket, object, etag, mimeType, crc64, contentMD5, clientIP, requestID string
	size                                                                   int64
	// operation is PutObject or PostObject.
	operation string
}

// render fills the body template. Values are escaped for the body type, so
// a key such as "a&b=c" or `say "hi"` cannot break the form or the JSON.
// Unknown ${...} names are left as written, which makes a typo visible at
// the callback server; ${imageInfo.*} is empty, as OSS has it for non-images.
func (cb *callback) render(v callbackValues) string {
	escape := url.QueryEscape
	if cb.bodyType == bodyTypeJSON {
		escape = jsonEscape
	}
	var b strings.Builder
	rest := cb.body
	for {
		start := strings.Index(rest, "${")
		if start < 0 {
			break
		}
		end := strings.IndexByte(rest[start:], '}')
		if end < 0 {
			break
		}
		name := rest[start+2 : start+end]
		b.WriteString(rest[:start])
		if value, ok := cb.lookup(name, v); ok {
			b.WriteString(escape(value))
		} else {
			b.WriteString(rest[start : start+end+1])
		}
		rest = rest[start+end+1:]
	}
	b.WriteString(rest)
	return b.String()
}

func (cb *callback) lookup(name string, v callbackValues) (string, bool) {
	switch name {
	case "bucket":
		return v.bucket, true
	case "object":
		return v.object, true
	case "etag":
		return v.etag, true
	case "size":
		return strconv.FormatInt(v.size, 10), true
	case "mimeType":
		return v.mimeType, true
	case "crc64":
		return v.crc64, true
	case "contentMd5":
		return v.contentMD5, true
	case "clientIp":
		return v.clientIP, true
	case "reqId":
		return v.requestID, true
	case "operation":
		return v.operation, true
	}
	if strings.HasPrefix(name, "x:") {
		return cb.vars[name], true
	}
	if strings.HasPrefix(name, "imageInfo.") {
		return "", true
	}
	return "", false
}

// jsonEscape returns s as the inside of a JSON string literal.
func jsonEscape(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(buf.String(), "\n")
	return out[1 : len(out)-1]
}

// callbackResult is the outcome of a callback: the server's JSON answer,
// or why every URL failed.
type callbackResult struct {
	body    []byte
	failure string
}

// run POSTs the rendered body to each URL in turn until one answers 200
// with JSON, waiting at most timeout for each, as OSS does. Callbacks are
// not retried.
func (cb *callback) run(ctx context.Context, client *http.Client, timeout time.Duration, body string) callbackResult {
	var failure string
	for _, u := range cb.urls {
		answer, why := cb.post(ctx, client, timeout, u, body)
		if why == "" {
			return callbackResult{body: answer}
		}
		failure = why
		if ctx.Err() != nil {
			break // the uploader is gone; nobody reads the answer
		}
	}
	return callbackResult{failure: failure}
}

// post makes one callback request. It returns the answer, or OSS's
// sentence for the failure (that sentence goes into the CallbackFailed
// message, so it keeps OSS's wording).
func (cb *callback) post(ctx context.Context, client *http.Client, timeout time.Duration, target, body string) (answer []byte, failure string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return nil, "Error status : -1. The callbackUrl is invalid."
	}
	req.Header.Set("Content-Type", cb.bodyType)
	req.Header.Set("User-Agent", "ossdrop-sandbox")
	if cb.host != "" {
		req.Host = cb.host
	}
	if cb.sni && cb.host != "" && req.URL.Scheme == "https" {
		client = withServerName(client, cb.host)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, "Cost too long time: the callback server did not answer within " + timeout.String() + "."
		}
		return nil, "Error status : -1.OSS can not connect to your callbackUrl, please check it."
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(io.LimitReader(resp.Body, maxCallbackResponse+1))
	switch {
	case err != nil:
		return nil, "Error status : -1. Reading the callback answer failed."
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Sprintf("Error status : %d.", resp.StatusCode)
	case len(answer) > maxCallbackResponse:
		return nil, "Error status : 400.User server return too long content-length value."
	case !json.Valid(answer):
		return nil, "Response body is not valid json format."
	}
	return answer, ""
}

// withServerName returns a client that sends host as the TLS server name
// (callbackSNI), for callback servers that pick a certificate by SNI.
func withServerName(client *http.Client, host string) *http.Client {
	base, ok := client.Transport.(*http.Transport)
	if !ok || base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	t.TLSClientConfig.ServerName = host
	c := *client
	c.Transport = t
	return &c
}
