// Package sandboxtest starts the sandbox for other packages' tests, as
// net/http/httptest starts a server: on 127.0.0.1, in a fresh directory,
// stopped (and its directory freed) when the test ends.
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ossdrop/ossdrop/app/sandbox"
)

// Start runs a sandbox that accepts keys; configure, if not nil, adjusts
// its Config (a clock, timeouts) before it starts.
func Start(tb testing.TB, configure func(*sandbox.Config), keys ...sandbox.Key) *sandbox.Server {
	tb.Helper()
	cfg := sandbox.Config{Dir: tb.TempDir(), Keys: keys}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := sandbox.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv
}

// Stalled runs an endpoint that holds every request until release is
// called (then answers 404, as OSS does for an object not there yet), for
// tests of what happens while one request has not ended. It stops when
// the test ends; release may be called more than once.
func Stalled(tb testing.TB) (url string, release func()) {
	tb.Helper()
	held := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(held) }) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-held:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	tb.Cleanup(func() { release(); srv.Close() })
	return srv.URL, release
}
