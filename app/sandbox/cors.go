package sandbox

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ossdrop/ossdrop/app/privatefile"
)

// CORS as OSS does it: a bucket has no rule until PutBucketCors sets up to
// ten (replacing the whole set); a browser's preflight is answered by the
// first rule that allows its origin, method and every header it asks for,
// or refused with 403 AccessForbidden; and a request from an allowed origin
// gets the Access-Control-* headers on its answer, errors included.

// Limits OSS puts on a bucket's CORS configuration.
const (
	// maxCORSRules is the most rules one bucket may have.
	maxCORSRules = 10
	// maxCORSBody bounds a PutBucketCors body: ten rules fit in a few KB.
	maxCORSBody = 64 << 10
)

// CORS error codes, as OSS spells them.
const (
	CodeAccessForbidden         = "AccessForbidden"
	CodeNoSuchCORSConfiguration = "NoSuchCORSConfiguration"
	CodeMalformedXML            = "MalformedXML"
)

// corsMethods are the methods a rule may allow.
var corsMethods = []string{"GET", "PUT", "DELETE", "POST", "HEAD"}

// corsConfig is a bucket's CORS rules in OSS's XML shape, as
// PutBucketCors takes it and GetBucketCors returns it.
type corsConfig struct {
	XMLName xml.Name   `xml:"CORSConfiguration"`
	Rules   []corsRule `xml:"CORSRule"`
	// ResponseVary adds Vary: Origin to every answer of the bucket, CORS or
	// not, for caches in front of it.
	ResponseVary *bool `xml:"ResponseVary,omitempty"`
}

// corsRule is one rule. AllowedOrigin and AllowedHeader may hold one '*'
// wildcard each; ExposeHeader none.
type corsRule struct {
	AllowedOrigins []string `xml:"AllowedOrigin"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedHeaders []string `xml:"AllowedHeader,omitempty"`
	ExposeHeaders  []string `xml:"ExposeHeader,omitempty"`
	MaxAgeSeconds  *int64   `xml:"MaxAgeSeconds,omitempty"`
}

// validate applies OSS's rules to a configuration a client sent.
func (cfg *corsConfig) validate() *Error {
	switch {
	case len(cfg.Rules) == 0:
		return errorf(http.StatusBadRequest, CodeMalformedXML, "", "The CORS configuration holds no CORSRule.")
	case len(cfg.Rules) > maxCORSRules:
		return invalidArgument("", "The CORS configuration holds %d rules: at most %d are allowed.", len(cfg.Rules), maxCORSRules)
	}
	for i, rule := range cfg.Rules {
		bad := func(format string, args ...any) *Error {
			return invalidArgument("", "CORSRule %d: "+format, append([]any{i + 1}, args...)...)
		}
		if len(rule.AllowedOrigins) == 0 || len(rule.AllowedMethods) == 0 {
			return bad("a rule needs at least one AllowedOrigin and one AllowedMethod.")
		}
		for _, o := range rule.AllowedOrigins {
			if o == "" || strings.Count(o, "*") > 1 {
				return bad("the AllowedOrigin %q is empty or has more than one '*'.", o)
			}
		}
		for _, m := range rule.AllowedMethods {
			if !slices.Contains(corsMethods, m) {
				return bad("the AllowedMethod %q is not one of %s.", m, strings.Join(corsMethods, ", "))
			}
		}
		for _, h := range rule.AllowedHeaders {
			if h == "" || strings.Count(h, "*") > 1 {
				return bad("the AllowedHeader %q is empty or has more than one '*'.", h)
			}
		}
		for _, h := range rule.ExposeHeaders {
			if h == "" || strings.Contains(h, "*") {
				return bad("the ExposeHeader %q is empty or has a '*', which OSS does not allow there.", h)
			}
		}
		if rule.MaxAgeSeconds != nil && *rule.MaxAgeSeconds < 0 {
			return bad("MaxAgeSeconds %d is negative.", *rule.MaxAgeSeconds)
		}
	}
	return nil
}

// match returns the first rule that allows origin, method and every one of
// headers (lowercase), or nil.
func (cfg *corsConfig) match(origin, method string, headers []string) *corsRule {
	for i := range cfg.Rules {
		rule := &cfg.Rules[i]
		if !slices.ContainsFunc(rule.AllowedOrigins, func(p string) bool { return wildcardMatch(p, origin) }) ||
			!slices.Contains(rule.AllowedMethods, method) {
			continue
		}
		allowed := true
		for _, h := range headers {
			if !slices.ContainsFunc(rule.AllowedHeaders, func(p string) bool { return wildcardMatch(p, h) }) {
				allowed = false
				break
			}
		}
		if allowed {
			return rule
		}
	}
	return nil
}

// wildcardMatch compares s with a pattern holding at most one '*', which
// stands for any run of characters; case does not matter (origins and
// header names are case-insensitive).
func wildcardMatch(pattern, s string) bool {
	pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	before, after, star := strings.Cut(pattern, "*")
	if !star {
		return pattern == s
	}
	return len(s) >= len(before)+len(after) && strings.HasPrefix(s, before) && strings.HasSuffix(s, after)
}

// allowHeaders sets what a matching rule lets the browser do and read.
func (rule *corsRule) allowHeaders(h http.Header, origin string) {
	allowOrigin := origin
	if slices.Contains(rule.AllowedOrigins, "*") {
		allowOrigin = "*"
	}
	h.Set("Access-Control-Allow-Origin", allowOrigin)
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ", "))
	if len(rule.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ", "))
	}
	if rule.MaxAgeSeconds != nil {
		h.Set("Access-Control-Max-Age", strconv.FormatInt(*rule.MaxAgeSeconds, 10))
	}
	addVaryOrigin(h)
}

func addVaryOrigin(h http.Header) {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), "Origin") {
				return
			}
		}
	}
	h.Add("Vary", "Origin")
}

// corsHeaders adds the Access-Control-* headers to the answer of an actual
// (not preflight) request from an origin a rule of the bucket allows.
func (s *Server) corsHeaders(h http.Header, r *http.Request, c *call) {
	origin := r.Header.Get("Origin")
	if !validBucket(c.bucket) {
		return
	}
	cfg, err := s.cors.get(c.bucket)
	if err != nil || cfg == nil {
		return
	}
	if cfg.ResponseVary != nil && *cfg.ResponseVary {
		addVaryOrigin(h)
	}
	if origin == "" {
		return
	}
	if rule := cfg.match(origin, r.Method, nil); rule != nil {
		rule.allowHeaders(h, origin)
	}
}

// preflight answers a browser's OPTIONS request (it is never signed).
func (s *Server) preflight(w http.ResponseWriter, r *http.Request, c *call) *Error {
	switch {
	case c.bucket == "":
		return errorf(http.StatusForbidden, CodeAccessForbidden, "", "CORSResponse: the preflight request names no bucket.")
	case !validBucket(c.bucket):
		return errorf(http.StatusBadRequest, CodeInvalidBucketName, "", "The specified bucket is not valid.")
	}
	origin, method := r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method")
	if origin == "" || method == "" {
		return errorf(http.StatusForbidden, CodeAccessForbidden, "", "Insufficient information. Origin and Access-Control-Request-Method request headers needed.")
	}
	cfg, err := s.cors.get(c.bucket)
	if err != nil {
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Reading the bucket's CORS rules failed.")
	}
	if cfg == nil {
		return errorf(http.StatusForbidden, CodeAccessForbidden, "", "CORSResponse: CORS is not enabled for this bucket.")
	}
	var headers []string
	for _, v := range r.Header.Values("Access-Control-Request-Headers") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				headers = append(headers, name)
			}
		}
	}
	rule := cfg.match(origin, method, headers)
	if rule == nil {
		return errorf(http.StatusForbidden, CodeAccessForbidden, "", "CORSResponse: This CORS request is not allowed. This is usually because the evaluation of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
	}
	h := w.Header()
	rule.allowHeaders(h, origin)
	if len(headers) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(headers, ", "))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// bucketCORS answers PutBucketCors, GetBucketCors and DeleteBucketCors.
func (s *Server) bucketCORS(w http.ResponseWriter, r *http.Request, c *call) *Error {
	switch r.Method {
	case http.MethodGet:
		cfg, err := s.cors.get(c.bucket)
		switch {
		case err != nil:
			return errorf(http.StatusInternalServerError, CodeInternalError, "", "Reading the bucket's CORS rules failed.")
		case cfg == nil:
			return errorf(http.StatusNotFound, CodeNoSuchCORSConfiguration, "", "The CORS configuration does not exist.")
		}
		body, err := encodeCORS(cfg)
		if err != nil {
			return errorf(http.StatusInternalServerError, CodeInternalError, "", "Encoding the bucket's CORS rules failed.")
		}
		h := w.Header()
		h.Set("Content-Type", "application/xml")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return nil
	case http.MethodPut:
		cfg, e := readCORS(r, c.bodyIn)
		if e != nil {
			return e
		}
		if err := s.cors.put(c.bucket, cfg); err != nil {
			return errorf(http.StatusInternalServerError, CodeInternalError, "", "Storing the bucket's CORS rules failed.")
		}
	case http.MethodDelete:
		if err := s.cors.put(c.bucket, nil); err != nil {
			return errorf(http.StatusInternalServerError, CodeInternalError, "", "Deleting the bucket's CORS rules failed.")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	default:
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The specified method is not allowed against the cors subresource.")
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// readCORS reads and checks a PutBucketCors body.
func readCORS(r *http.Request, body io.Reader) (*corsConfig, *Error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxCORSBody+1))
	switch {
	case err != nil:
		return nil, errorf(http.StatusBadRequest, CodeIncompleteBody, "", "The CORS configuration could not be read completely.")
	case len(raw) > maxCORSBody:
		return nil, invalidArgument("", "The CORS configuration is larger than %d bytes.", maxCORSBody)
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		sum := md5.Sum(raw)
		if base64.StdEncoding.EncodeToString(sum[:]) != strings.TrimSpace(v) {
			return nil, errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The Content-MD5 you specified did not match what we received.")
		}
	}
	var cfg corsConfig
	if err := xml.Unmarshal(raw, &cfg); err != nil || cfg.XMLName.Local != "CORSConfiguration" {
		return nil, errorf(http.StatusBadRequest, CodeMalformedXML, "", "The XML you provided was not well-formed or did not validate against our published schema.")
	}
	for i := range cfg.Rules {
		rule := &cfg.Rules[i]
		for _, list := range []*[]string{&rule.AllowedOrigins, &rule.AllowedMethods, &rule.AllowedHeaders, &rule.ExposeHeaders} {
			for j := range *list {
				(*list)[j] = strings.TrimSpace((*list)[j])
			}
		}
	}
	if e := cfg.validate(); e != nil {
		return nil, e
	}
	return &cfg, nil
}

func encodeCORS(cfg *corsConfig) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(cfg); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// corsStore keeps each bucket's rules in dir/<bucket>.xml, written
// atomically, and a copy in memory: a browser's every request reads them.
type corsStore struct {
	dir   string
	mu    sync.Mutex
	cache map[string]*corsConfig // nil value: the bucket has none
}

func newCORSStore(dir string) *corsStore {
	return &corsStore{dir: dir, cache: map[string]*corsConfig{}}
}

func (cs *corsStore) path(bucket string) (string, error) {
	if !validBucket(bucket) {
		return "", fmt.Errorf("cors rules of bucket %q: %w", bucket, ErrNotFound)
	}
	return filepath.Join(cs.dir, bucket+".xml"), nil
}

// get returns the bucket's rules, nil when it has none.
func (cs *corsStore) get(bucket string) (*corsConfig, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cfg, ok := cs.cache[bucket]; ok {
		return cfg, nil
	}
	path, err := cs.path(bucket)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		cs.cache[bucket] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cors rules of %s: %w", bucket, err)
	}
	var cfg corsConfig
	if err := xml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("cors rules of %s: %w", bucket, err)
	}
	cs.cache[bucket] = &cfg
	return &cfg, nil
}

// put replaces the bucket's rules; nil deletes them.
func (cs *corsStore) put(bucket string, cfg *corsConfig) error {
	path, err := cs.path(bucket)
	if err != nil {
		return err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cfg == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete cors rules of %s: %w", bucket, err)
		}
		cs.cache[bucket] = nil
		return nil
	}
	raw, err := encodeCORS(cfg)
	if err != nil {
		return fmt.Errorf("store cors rules of %s: %w", bucket, err)
	}
	if err := os.MkdirAll(cs.dir, 0o700); err != nil {
		return fmt.Errorf("store cors rules of %s: %w", bucket, err)
	}
	if err := privatefile.Write(path, raw); err != nil {
		return fmt.Errorf("store cors rules of %s: %w", bucket, err)
	}
	cs.cache[bucket] = cfg
	return nil
}
