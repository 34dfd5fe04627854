// Package sandboxtest starts the sandbox for other packages' tests, as
// net/http/httptest starts a server: on 127.0.0.1, in a fresh directory,
// stopped (and its directory freed) when the test ends.
package sandboxtest

import (
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
