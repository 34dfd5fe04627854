package sandbox

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// call is the state of one request, for the handlers and the log line.
type call struct {
	id      string
	host    string
	bucket  string
	key     string
	url     *url.URL
	signed  *Signed
	code    string
	bodyIn  *bodyReader
	written *responseRecorder
}

// ServeHTTP answers one request. The mux is deliberately absent:
// http.ServeMux cleans paths, and "a/../b" is a key, not a path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &call{id: newRequestID(), host: r.Host}
	rc := http.NewResponseController(w)
	// r.Body itself stays as net/http made it: the server decides by its
	// type whether an unread body is drained or the connection closed.
	c.bodyIn = newBodyReader(rc, r.Body, s.limits.stall)
	c.written = &responseRecorder{ResponseWriter: w, unread: func() bool { return c.bodyIn.unread(r) },
		deadline: deadline{set: rc.SetWriteDeadline, stall: s.limits.stall}}
	u := *r.URL
	u.Host, u.Scheme = r.Host, "http"
	if r.TLS != nil {
		u.Scheme = "https"
	}
	c.url = &u
	c.bucket, c.key = locate(&u)

	h := c.written.Header()
	h.Set("x-oss-request-id", c.id)
	h.Set("Server", "ossdrop-sandbox")
	// Set before any answer, errors included, so that a page on another
	// origin can read why its upload failed.
	if r.Method != http.MethodOptions {
		s.corsHeaders(h, r, c)
	}

	if e := s.handle(c.written, r, c); e != nil {
		c.code = e.Code
		s.writeError(c.written, r, c, e)
	}
	if c.bodyIn.unread(r) {
		// The answer is out and the connection closes (WriteHeader). net/http
		// first reads what is left of a small body, so that a client that
		// sent it all gets the answer instead of a reset; that takes a
		// moment, and a peer that stopped sending gets no more than drainGrace.
		_ = rc.SetReadDeadline(time.Now().Add(min(s.limits.stall, drainGrace)))
	}

	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("bucket", c.bucket),
		slog.String("key", c.key),
		slog.Int("status", c.written.status()),
		slog.Int64("bytes_in", c.bodyIn.n),
		slog.Int64("bytes_out", c.written.n),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", c.id),
	}
	if c.code != "" {
		attrs = append(attrs, slog.String("code", c.code))
	}
	if c.signed != nil {
		attrs = append(attrs, slog.String("access_key_id", c.signed.AccessKeyID))
	}
	level := slog.LevelInfo
	if c.written.status() >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(r.Context(), level, "sandbox request", attrs...)
}

// handle routes one request; it returns the error to answer with, or nil
// when it has answered itself. Each concern lives in its own file: the
// upload page (page.go), CORS (cors.go), objects (put.go, get.go).
func (s *Server) handle(w http.ResponseWriter, r *http.Request, c *call) *Error {
	switch {
	case c.bucket == pageBucket:
		return s.servePage(w, r, c)
	case r.Method == http.MethodOptions:
		// A browser's preflight is never signed; the bucket's CORS rules decide.
		return s.preflight(w, r, c)
	}
	switch r.Method {
	case http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete:
		// Methods OSS has: the signature decides first, as on OSS, so a
		// PUT link used with POST is a signature mismatch.
	default:
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The specified method is not allowed against this resource.")
	}
	switch {
	case c.bucket == "":
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox serves buckets and objects only: the request names no bucket.")
	case !validBucket(c.bucket):
		return errorf(http.StatusBadRequest, CodeInvalidBucketName, "", "The specified bucket is not valid.")
	case !s.bucketExists(c.bucket):
		// OSS answers this before it looks at a signature: nobody owns the bucket.
		return errorf(http.StatusNotFound, CodeNoSuchBucket, "", "The specified bucket does not exist.")
	case c.key == "" && r.Method == http.MethodPost:
		return s.post(w, r, c) // PostObject: the form names the key and carries the signature
	case c.key != "" && !validKey(c.key):
		return errorf(http.StatusBadRequest, CodeInvalidObjectName, "", "The specified object is not valid.")
	}
	if c.key != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && !carriesSignature(c.url, r.Header) {
		return s.getAnonymous(w, r, c)
	}
	signed, err := Verify(r.Method, c.url, r.Header, s.keys, s.now())
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Verifying the signature failed.")
	}
	c.signed = signed
	if c.key == "" {
		return s.bucketRequest(w, r, c)
	}
	switch r.Method {
	case http.MethodPut:
		return s.put(w, r, c)
	case http.MethodGet, http.MethodHead:
		return s.get(w, r, c)
	case http.MethodDelete:
		return s.delete(w, r, c)
	}
	return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox does not implement %s on objects.", r.Method)
}

// bucketRequest routes a signed request on the bucket itself (no object
// key) by its subresource, as OSS names its bucket operations.
func (s *Server) bucketRequest(w http.ResponseWriter, r *http.Request, c *call) *Error {
	q := c.url.Query()
	switch {
	case q.Has("cors"):
		return s.bucketCORS(w, r, c)
	case r.Method == http.MethodGet && q.Get("list-type") == "2":
		return s.listObjectsV2(w, r, c)
	}
	return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox does not implement this bucket operation (%s with the query %q).", r.Method, truncate(c.url.RawQuery, 64))
}

// writeError answers with e as OSS's XML error body.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, c *call, e *Error) {
	e.RequestID, e.HostID = c.id, c.host
	body := e.XML()
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if e.EC != "" {
		h.Set("x-oss-ec", e.EC)
	}
	if r.Method == http.MethodHead {
		// A HEAD answer has no body, so OSS carries the error XML in a
		// header, Base64-encoded; the SDKs read the code from there.
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
	}
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// newRequestID returns 24 upper-case hex digits, the shape of OSS's IDs.
func newRequestID() string { return strings.ToUpper(randomHex(12)) }

// responseRecorder remembers the status and counts the body bytes written,
// with a per-write deadline so a peer that stops reading is dropped.
type responseRecorder struct {
	http.ResponseWriter
	code int
	n    int64
	// unread reports a request body not read to its end.
	unread   func() bool
	deadline deadline
}

func (rec *responseRecorder) WriteHeader(code int) {
	if rec.code == 0 {
		rec.code = code
		if rec.unread() {
			// Answer now and drop the connection after: otherwise net/http
			// first reads the rest of the body, which a stalled peer never
			// sends, and the answer never goes out.
			rec.Header().Set("Connection", "close")
		}
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *responseRecorder) Write(p []byte) (int, error) {
	if rec.code == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	rec.deadline.extend()
	n, err := rec.ResponseWriter.Write(p)
	rec.n += int64(n)
	return n, err
}

func (rec *responseRecorder) status() int {
	if rec.code == 0 {
		return http.StatusOK
	}
	return rec.code
}

// Unwrap lets http.ResponseController reach the real writer.
func (rec *responseRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
