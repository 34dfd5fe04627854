// Package sandbox is a local endpoint that answers presigned OSS requests
// the way Alibaba Cloud OSS does, so links can be made, shared and used on a
// machine with no cloud account, and every test can run end to end.
//
// It checks V4 signatures, presigned (query) and header-signed
// (Authorization, as the SDK client sends them), and V1 query signatures,
// with its own implementation of OSS's rules (Verify), independent of the
// SDK that signs, so a signing bug cannot hide behind a verifier that shares
// it. It stores PUT bodies and PostObject forms (request links, whose V4
// policy it checks with its own reading of OSS's rules) atomically under a
// directory, serves them back to signed GETs and listings (ListObjectsV2),
// deletes them, performs upload callbacks, keeps each bucket's CORS rules
// and answers browsers' preflights with them, and serves the browser upload
// page at PagePath. A file per concern: verify.go (who signed), v4.go and
// v1.go (how), canonical.go (request shapes), handler.go (routing and
// errors), put.go, post.go and policy.go (forms and their conditions),
// multipart.go (reading forms as they stream in), ingest.go (bodies into
// the store: hashes in parallel, direct writes), get.go, list.go,
// delete.go, store.go, callback.go, cors.go, page.go, limits.go (timeouts
// for stalled peers), dirlock.go (one server per directory) and
// cleanup.go (what a killed server left behind).
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/net/netutil"
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
	// Dir holds the objects; it is created if missing. One server per
	// directory: New refuses (ErrDirInUse) while another holds it, in this
	// process or another, until that one's Shutdown or Close.
	Dir string
	// Keys are the AccessKey pairs requests may be signed with.
	Keys []Key
	// Buckets, when set, are the only buckets that exist: a request for any
	// other gets 404 NoSuchBucket, as OSS answers for a bucket nobody made.
	// Empty: every valid bucket name exists, empty until its first PUT.
	Buckets []string
	// Logger receives one line per request; nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock signatures are checked against; time.Now when nil.
	Now func() time.Time
	// CallbackTimeout bounds each callback URL; DefaultCallbackTimeout when zero.
	CallbackTimeout time.Duration
	// CallbackClient makes callback requests; a client that does not follow
	// redirects when nil (OSS does not follow them either).
	CallbackClient *http.Client

	// HeaderTimeout bounds reading a request's head; DefaultHeaderTimeout
	// when zero.
	HeaderTimeout time.Duration
	// IdleTimeout bounds a kept-alive connection between requests;
	// DefaultIdleTimeout when zero.
	IdleTimeout time.Duration
	// BodyStallTimeout drops a peer whose request body (or whose reading of
	// a response) makes no progress for this long; DefaultStallTimeout when
	// zero. It bounds each read and write, never a whole request, so a slow
	// but moving 5 GiB upload is not cut off.
	BodyStallTimeout time.Duration
	// MaxConnections caps the connections served at once;
	// DefaultMaxConnections when zero.
	MaxConnections int
}

// Server is a running (or ready) sandbox. It is an http.Handler, so it can
// also be mounted in an httptest.Server.
type Server struct {
	cfg       Config
	keys      KeyLookup
	store     *store
	cors      *corsStore
	log       *slog.Logger
	now       func() time.Time
	callbacks *http.Client
	cbTimeout time.Duration
	limits    limits
	lock      *dirLock

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
	for _, b := range cfg.Buckets {
		if !validBucket(b) {
			return nil, fmt.Errorf("sandbox: %q is not a valid bucket name", b)
		}
	}
	for _, k := range cfg.Keys {
		if k.ID == "" || k.Secret == "" {
			return nil, fmt.Errorf("sandbox: key %q has an empty ID or secret", k.ID)
		}
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if err := ValidateAddr(cfg.Addr); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if !cfg.Public {
		if err := CheckLoopback(cfg.Addr); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	s := &Server{cfg: cfg, keys: Keys(cfg.Keys...), log: cfg.Logger, now: cfg.Now, callbacks: cfg.CallbackClient, cbTimeout: cfg.CallbackTimeout, limits: newLimits(cfg)}
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
	lock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	st, err := newStore(cfg.Dir, s.now)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.store, s.lock = st, lock
	s.cors = newCORSStore(filepath.Join(st.dir, "cors"))
	// Nothing else can write here now (the lock), so whatever a killed
	// sandbox left half-done is garbage, however fresh.
	if n, err := st.cleanup(); err != nil {
		s.log.Warn("sandbox start-up cleanup incomplete", slog.Any("error", err))
	} else if n > 0 {
		s.log.Info("sandbox start-up cleanup", slog.Int("removed_files", n))
	}
	return s, nil
}

// CheckLoopback reports (as ErrNotLoopback) whether addr would listen on
// anything but the loopback interface. An empty host (":9000") means every
// interface. An address that is not valid at all is an *AddrError
// (ErrInvalidAddr) instead.
func CheckLoopback(addr string) error {
	if err := ValidateAddr(addr); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(addr) // valid: it splits
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
	if err := s.StartOn(ln); err != nil {
		ln.Close()
		return err
	}
	return nil
}

// StartOn serves on ln in the background until Shutdown or Close, as Start
// does on Config.Addr; URL is ln's address as soon as it returns. The
// desktop app listens itself, to take the address of its last run.
func (s *Server) StartOn(ln net.Listener) error {
	hs, limited, err := s.attach(ln)
	if err != nil {
		return err
	}
	go hs.Serve(limited) // its error after Shutdown/Close is ErrServerClosed
	return nil
}

// Serve serves on ln until Shutdown or Close, and then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	hs, limited, err := s.attach(ln)
	if err != nil {
		return err
	}
	if err := hs.Serve(limited); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: serve: %w", err)
	}
	return nil
}

// attach makes the http.Server for ln and returns it with ln capped at
// MaxConnections.
func (s *Server) attach(ln net.Listener) (*http.Server, net.Listener, error) {
	if !s.cfg.Public {
		if err := CheckLoopback(ln.Addr().String()); err != nil {
			return nil, nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.http != nil {
		return nil, nil, errors.New("sandbox: already serving")
	}
	if s.lock == nil {
		return nil, nil, errors.New("sandbox: closed")
	}
	s.ln = ln
	// No ReadTimeout or WriteTimeout: a 5 GiB upload takes as long as it
	// takes. Stalls are bounded per read and write instead (limits.go).
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: s.limits.header, IdleTimeout: s.limits.idle}
	s.lock.describe("http://" + ln.Addr().String())
	return s.http, netutil.LimitListener(ln, s.limits.maxConns), nil
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
// upload being written is either committed or discarded, never half there),
// then frees the directory for another server.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	hs := s.http
	s.mu.Unlock()
	if hs != nil {
		err := hs.Shutdown(ctx)
		s.closeListener()
		if err != nil {
			return fmt.Errorf("sandbox: shutdown: %w", err)
		}
	}
	s.unlock()
	return nil
}

// closeListener frees the address now. http.Server closes the listeners
// its Serve goroutine has taken on; one that has not run yet would close
// it only when it does, after Shutdown or Close returned, and a server
// started at once on the same address (the app's sandbox, restarted)
// would find it taken.
func (s *Server) closeListener() {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		ln.Close() // an error says it was closed already
	}
}

// Close stops at once, cutting requests in flight; their uploads are
// discarded. It also frees the directory of a server that never started.
func (s *Server) Close() error {
	s.mu.Lock()
	hs := s.http
	s.mu.Unlock()
	var err error
	if hs != nil {
		err = hs.Close()
		s.closeListener()
	}
	s.unlock()
	return err
}

// unlock frees the directory for another server; this one cannot serve
// again.
func (s *Server) unlock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock != nil {
		s.lock.release()
		s.lock = nil
	}
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

// bucketExists reports whether requests may use bucket (Config.Buckets).
func (s *Server) bucketExists(bucket string) bool {
	return len(s.cfg.Buckets) == 0 || slices.Contains(s.cfg.Buckets, bucket)
}

// Objects lists every stored object, sorted by bucket and key.
func (s *Server) Objects() ([]ObjectInfo, error) { return s.store.list() }
