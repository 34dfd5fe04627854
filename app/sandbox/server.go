// Package sandbox is a local endpoint that answers presigned OSS requests
// the way Alibaba Cloud OSS does, so links can be made, shared and used on a
// machine with no cloud account, and every test can run end to end.
//
// It checks V4 (and V1) query signatures with its own implementation of
// OSS's rules (Verify), independent of the SDK that signs, so a signing bug
// cannot hide behind a verifier that shares it. It stores PUT bodies
// atomically under a directory, serves them back to presigned GETs, and
// performs upload callbacks. Requests must be presigned: header
// (Authorization) signatures, multipart uploads and bucket operations are
// not part of it.
package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAddr is where the sandbox listens when Config.Addr is empty: a free
// port on the loopback interface.
const DefaultAddr = "127.0.0.1:0"

// ErrNotLoopback is returned for a listening address other than loopback
// when Config.Public is not set.
var ErrNotLoopback = errors.New("address is not a loopback address")

// Config configures a Server.
type Config struct {
	// Addr is the TCP address Start listens on; DefaultAddr when empty.
	Addr string
	// Public allows an Addr (or listener) reachable from other machines.
	// Off by default: the sandbox accepts uploads from anyone who has a key.
	Public bool
	// Dir holds the objects; it is created if missing. One running server
	// per directory.
	Dir string
	// Keys are the AccessKey pairs requests may be signed with.
	Keys []Key
	// Logger receives one line per request; nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock signatures are checked against; time.Now when nil.
	Now func() time.Time
	// CallbackTimeout bounds each callback URL; DefaultCallbackTimeout when zero.
	CallbackTimeout time.Duration
	// CallbackClient makes callback requests; a client that does not follow
	// redirects when nil (OSS does not follow them either).
	CallbackClient *http.Client
}

// Server is a running (or ready) sandbox. It is an http.Handler, so it can
// also be mounted in an httptest.Server.
type Server struct {
	cfg       Config
	keys      KeyLookup
	store     *store
	log       *slog.Logger
	now       func() time.Time
	callbacks *http.Client
	cbTimeout time.Duration

	mu   sync.Mutex
	ln   net.Listener
	http *http.Server
}

// New checks cfg and prepares the directory; it does not listen yet.
func New(cfg Config) (*Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("sandbox: no directory for the objects")
	}
	if len(cfg.Keys) == 0 {
		return nil, errors.New("sandbox: no AccessKey pair: requests could never be signed")
	}
	for _, k := range cfg.Keys {
		if k.ID == "" || k.Secret == "" {
			return nil, fmt.Errorf("sandbox: key %q has an empty ID or secret", k.ID)
		}
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if !cfg.Public {
		if err := CheckLoopback(cfg.Addr); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	s := &Server{cfg: cfg, keys: Keys(cfg.Keys...), log: cfg.Logger, now: cfg.Now, callbacks: cfg.CallbackClient, cbTimeout: cfg.CallbackTimeout}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cbTimeout <= 0 {
		s.cbTimeout = DefaultCallbackTimeout
	}
	if s.callbacks == nil {
		s.callbacks = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	st, err := newStore(cfg.Dir, s.now)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.store = st
	return s, nil
}

// CheckLoopback reports (as ErrNotLoopback) whether addr would listen on
// anything but the loopback interface. An empty host (":9000") means every
// interface.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q: %w", addr, ErrNotLoopback)
}

// Start listens on Config.Addr and serves in the background until Shutdown
// or Close.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	hs, err := s.attach(ln)
	if err != nil {
		ln.Close()
		return err
	}
	go hs.Serve(ln) // its error after Shutdown/Close is ErrServerClosed
	return nil
}

// Serve serves on ln until Shutdown or Close, and then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	hs, err := s.attach(ln)
	if err != nil {
		return err
	}
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: serve: %w", err)
	}
	return nil
}

func (s *Server) attach(ln net.Listener) (*http.Server, error) {
	if !s.cfg.Public {
		if err := CheckLoopback(ln.Addr().String()); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.http != nil {
		return nil, errors.New("sandbox: already serving")
	}
	s.ln = ln
	// No ReadTimeout: a 5 GiB upload takes as long as it takes.
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	return s.http, nil
}

// URL returns the endpoint, e.g. "http://127.0.0.1:9000"; empty before
// Start or Serve.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Shutdown stops accepting requests and waits for those in flight (an
// upload being written is either committed or discarded, never half there).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	hs := s.http
	s.mu.Unlock()
	if hs == nil {
		return nil
	}
	if err := hs.Shutdown(ctx); err != nil {
		return fmt.Errorf("sandbox: shutdown: %w", err)
	}
	return nil
}

// Close stops at once, cutting requests in flight; their uploads are
// discarded.
func (s *Server) Close() error {
	s.mu.Lock()
	hs := s.http
	s.mu.Unlock()
	if hs == nil {
		return nil
	}
	return hs.Close()
}

// Stat returns a stored object's information, or an error wrapping
// ErrNotFound.
func (s *Server) Stat(bucket, key string) (*ObjectInfo, error) {
	info, f, err := s.store.open(bucket, key)
	if err != nil {
		return nil, err
	}
	f.Close()
	return info, nil
}

// Objects lists every stored object, sorted by bucket and key.
func (s *Server) Objects() ([]ObjectInfo, error) { return s.store.list() }

// call is the state of one request, for the handlers and the log line.
type call struct {
	id      string
	host    string
	bucket  string
	key     string
	url     *url.URL
	signed  *Signed
	code    string
	bodyIn  *countingReader
	written *responseRecorder
}

// ServeHTTP answers one request. The mux is deliberately absent:
// http.ServeMux cleans paths, and "a/../b" is a key, not a path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &call{id: newRequestID(), host: r.Host}
	c.written = &responseRecorder{ResponseWriter: w}
	// r.Body itself stays as net/http made it: the server decides by its
	// type whether an unread body is drained or the connection closed.
	c.bodyIn = &countingReader{r: r.Body}
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

	if e := s.handle(c.written, r, c); e != nil {
		c.code = e.Code
		s.writeError(c.written, r, c, e)
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
// when it has answered itself.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, c *call) *Error {
	switch r.Method {
	case http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete:
		// Methods OSS has: the signature decides first, as on OSS, so a
		// PUT link used with POST is a signature mismatch.
	default:
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The specified method is not allowed against this resource.")
	}
	switch {
	case c.bucket == "":
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox serves objects only: the request names no bucket.")
	case !validBucket(c.bucket):
		return errorf(http.StatusBadRequest, CodeInvalidBucketName, "", "The specified bucket is not valid.")
	case c.key == "":
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox serves objects only: the request names no object key.")
	case !validKey(c.key):
		return errorf(http.StatusBadRequest, CodeInvalidObjectName, "", "The specified object is not valid.")
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
	switch r.Method {
	case http.MethodPut:
		return s.put(w, r, c)
	case http.MethodGet, http.MethodHead:
		return s.get(w, r, c)
	}
	return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The sandbox does not implement %s on objects.", r.Method)
}

var (
	storageClasses = []string{"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}
	objectACLs     = []string{"default", "private", "public-read", "public-read-write"}
)

// maxMetadataBytes is OSS's limit for all user metadata of one object.
const maxMetadataBytes = 8 << 10

// put stores an object (PutObject).
func (s *Server) put(w http.ResponseWriter, r *http.Request, c *call) *Error {
	// Refuse an oversized body before reading it.
	if r.ContentLength > MaxObjectSize {
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	}
	in := putInput{
		Bucket: c.bucket, Key: c.key, Size: r.ContentLength,
		ContentType:     r.Header.Get("Content-Type"),
		StorageClass:    r.Header.Get("x-oss-storage-class"),
		ACL:             r.Header.Get("x-oss-object-acl"),
		ForbidOverwrite: strings.EqualFold(strings.TrimSpace(r.Header.Get("x-oss-forbid-overwrite")), "true"),
	}
	if in.ContentType == "" {
		in.ContentType = "application/octet-stream"
	}
	if in.StorageClass == "" {
		in.StorageClass = "Standard"
	} else if !slices.Contains(storageClasses, in.StorageClass) {
		return invalidArgument("", "The storage class %q is not valid.", in.StorageClass)
	}
	if in.ACL == "" {
		in.ACL = "default"
	} else if !slices.Contains(objectACLs, in.ACL) {
		return invalidArgument("", "The object ACL %q is not valid.", in.ACL)
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(sum) != 16 {
			return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The Content-MD5 you specified was invalid.")
		}
		in.MD5 = sum
	}
	if v := r.Header.Get("x-oss-content-sha256"); v != "" && v != unsignedPayload {
		sum, err := hex.DecodeString(v)
		if err != nil || len(sum) != 32 {
			return invalidArgument("", "The x-oss-content-sha256 is neither UNSIGNED-PAYLOAD nor a hex SHA-256.")
		}
		in.SHA256 = sum
	}
	total := 0
	for name, values := range r.Header {
		low := strings.ToLower(name)
		if meta, ok := strings.CutPrefix(low, "x-oss-meta-"); ok && meta != "" {
			if in.Metadata == nil {
				in.Metadata = map[string]string{}
			}
			in.Metadata[meta] = strings.Join(values, ",")
			total += len(low) + len(in.Metadata[meta])
		}
	}
	if total > maxMetadataBytes {
		return invalidArgument("", "The user metadata takes %d bytes: at most %d are allowed.", total, maxMetadataBytes)
	}
	cb, e := parseCallback(r.Header)
	if e != nil {
		return e
	}

	info, err := s.store.put(in, c.bodyIn)
	switch {
	case errors.Is(err, errExists):
		return errorf(http.StatusConflict, CodeFileAlreadyExists, "", "The object you specified already exists and can not be overwritten.")
	case errors.Is(err, errTooLarge):
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	case errors.Is(err, errIncomplete):
		return errorf(http.StatusBadRequest, CodeIncompleteBody, "", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	case errors.Is(err, errMD5):
		return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The Content-MD5 you specified did not match what we received.")
	case errors.Is(err, errSHA256):
		return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The x-oss-content-sha256 you specified did not match what we received.")
	case err != nil:
		s.log.Error("sandbox store failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Storing the object failed.")
	}

	h := w.Header()
	h.Set("ETag", info.ETag)
	h.Set("x-oss-hash-crc64ecma", info.CRC64)
	h.Set("Content-MD5", info.ContentMD5)
	if cb == nil {
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return nil
	}

	clientIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	body := cb.render(callbackValues{
		bucket: info.Bucket, object: info.Key, etag: strings.Trim(info.ETag, `"`), size: info.Size,
		mimeType: info.ContentType, crc64: info.CRC64, contentMD5: info.ContentMD5,
		clientIP: clientIP, requestID: c.id,
	})
	res := cb.run(r.Context(), s.callbacks, s.cbTimeout, body)
	if res.failure != "" {
		// The object stays: OSS stores first and reports the callback apart.
		return errorf(http.StatusNonAuthoritativeInfo, CodeCallbackFailed, "", "%s", res.failure)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.body)
	return nil
}

// responseOverrides are the GET parameters that set a response header.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// get serves an object (GetObject, and HEAD for its headers).
func (s *Server) get(w http.ResponseWriter, r *http.Request, c *call) *Error {
	info, f, err := s.store.open(c.bucket, c.key)
	if errors.Is(err, ErrNotFound) {
		return errorf(http.StatusNotFound, CodeNoSuchKey, "", "The specified key does not exist.")
	}
	if err != nil {
		s.log.Error("sandbox open failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Reading the object failed.")
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", info.ContentType)
	h.Set("ETag", info.ETag)
	h.Set("x-oss-object-type", "Normal")
	h.Set("x-oss-storage-class", info.StorageClass)
	for name, value := range info.Metadata {
		h.Set("x-oss-meta-"+name, value)
	}
	// Checksums describe the whole object; a range answer carries a part.
	if r.Header.Get("Range") == "" {
		h.Set("x-oss-hash-crc64ecma", info.CRC64)
		h.Set("Content-MD5", info.ContentMD5)
	}
	q := c.url.Query()
	for param, header := range responseOverrides {
		if v := q.Get(param); v != "" {
			h.Set(header, v)
		}
	}
	// ServeContent adds Content-Length, Last-Modified, ranges and
	// conditional requests (If-None-Match against the ETag).
	http.ServeContent(w, r, "", info.LastModified, f)
	return nil
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
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// newRequestID returns 24 upper-case hex digits, the shape of OSS's IDs.
func newRequestID() string { return strings.ToUpper(randomHex(12)) }

// countingReader counts the request body bytes read, for the log line.
type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// responseRecorder remembers the status and counts the body bytes written.
type responseRecorder struct {
	http.ResponseWriter
	code int
	n    int64
}

func (rec *responseRecorder) WriteHeader(code int) {
	if rec.code == 0 {
		rec.code = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *responseRecorder) Write(p []byte) (int, error) {
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
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
