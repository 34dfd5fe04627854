package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "sandbox", summary: "run a local OSS endpoint that checks presigned links", run: runSandbox})
}

const sandboxSynopsis = `[--addr 127.0.0.1:9000] [--dir DIR] [--access-key-id ID --access-key-secret-stdin]

Runs a local endpoint that answers presigned OSS links as OSS does: it checks
V4 (and V1) signatures, expiry and signed headers, stores uploads, serves
downloads and performs upload callbacks. It keeps CORS rules per bucket
(ossdrop cors) and serves the browser upload page at /_ossdrop/upload.html.
Any bucket name works. It runs until Ctrl+C (SIGINT) or SIGTERM.

One sandbox per --dir: a second one is refused with the first one's process
and address. It checks signatures before reading a body, drops a peer that
moves no byte for a minute (a slow but moving upload is never cut), serves
at most 256 connections at once, and at start-up removes what a killed
sandbox left half-done.

Without --access-key-id it makes a throwaway AccessKey pair for the session
and prints it. With --access-key-id the secret is read from standard input
(first line), never from a flag.

Examples:
  ossdrop sandbox
  ossdrop sandbox --addr 127.0.0.1:0 --dir ./sandbox-data
  pass show oss/sandbox | ossdrop sandbox --access-key-id SANDBOXTEST --access-key-secret-stdin`

// sandboxSignals returns a context cancelled by SIGINT or SIGTERM; tests
// replace it to stop the sandbox without signalling the test process.
var sandboxSignals = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// sandboxShutdownGrace is how long uploads in flight may finish after a stop signal.
const sandboxShutdownGrace = 10 * time.Second

func runSandbox(args []string, env *Env) int {
	fs := newFlags(env, "sandbox", sandboxSynopsis)
	addr := fs.String("addr", "127.0.0.1:9000", "address to listen on (host:port; port 0 picks a free one)")
	dir := fs.String("dir", "", "directory for the objects (default: ossdrop/sandbox in the user cache directory)")
	keyID := fs.String("access-key-id", "", "AccessKey ID to accept instead of a generated pair")
	secretStdin := fs.Bool("access-key-secret-stdin", false, "read the AccessKey secret for --access-key-id from standard input (first line)")
	public := fs.Bool("public", false, "allow an --addr other machines can reach (off: loopback only)")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return invalid(env, fmt.Sprintf("unexpected argument %q", fs.Arg(0)), "'ossdrop sandbox' takes flags only; run 'ossdrop sandbox --help'")
	}
	if err := sandbox.ValidateAddr(*addr); err != nil {
		return invalid(env, "--addr "+err.Error(), "write a host:port, such as 127.0.0.1:9000 (port 0 picks a free one)")
	}
	if !*public && sandbox.CheckLoopback(*addr) != nil { // valid, so not loopback
		return invalid(env, fmt.Sprintf("--addr %s is reachable from other machines", *addr),
			"the sandbox accepts uploads from anyone holding its key and has no TLS; use 127.0.0.1:PORT, or add --public if you really mean to share it on your network")
	}

	key, generated, code := sandboxKey(env, *keyID, *secretStdin)
	if code != ExitOK {
		return code
	}
	if *dir == "" {
		d, err := sandbox.DefaultDir()
		if err != nil {
			return invalid(env, err.Error(), "choose a directory with --dir")
		}
		*dir = d
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return failed(env, fmt.Sprintf("cannot create the sandbox directory: %v", err), "choose another directory with --dir")
	}

	srv, err := sandbox.New(sandbox.Config{
		Addr: *addr, Public: *public, Dir: *dir, Keys: []sandbox.Key{key},
		Logger: slog.New(slog.NewTextHandler(env.Stderr, nil)),
	})
	if errors.Is(err, sandbox.ErrDirInUse) {
		return failed(env, err.Error(), "stop that sandbox first, or give this one a directory of its own with --dir")
	}
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if err := srv.Start(); err != nil {
		srv.Close() // frees the directory lock
		return listenFailure(env, *addr, err)
	}
	printSandbox(env, srv.URL(), *dir, key, generated)
	if *public {
		fmt.Fprintf(env.Stderr, "warning: listening on %s without TLS: anyone on your network who has the key can upload\n", *addr)
	}

	ctx, stop := sandboxSignals()
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(env.Stderr, "stopping the sandbox: waiting for uploads in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), sandboxShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return failed(env, err.Error(), "uploads still running were cut and discarded")
	}
	return ExitOK
}

// listenFailure says why the sandbox could not take its address, as a
// sentence: the address in use, or the system's reason ("permission
// denied" for a port below 1024), never Go's "listen tcp …" chain.
func listenFailure(env *Env, addr string, err error) int {
	if addrInUse(err) {
		return failed(env, fmt.Sprintf("another program is already listening on %s", addr),
			fmt.Sprintf("stop it, or choose another address with --addr, such as %s (or port 0 for any free one)", nextPort(addr)))
	}
	why := err.Error()
	if se := (*os.SyscallError)(nil); errors.As(err, &se) {
		why = se.Err.Error()
	}
	return failed(env, fmt.Sprintf("the sandbox cannot listen on %s: %s", addr, why), "choose another address with --addr, such as 127.0.0.1:9000 (or port 0 for any free one)")
}

// nextPort is addr with the port after its own, for a hint.
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n <= 0 || n >= 65535 {
		return "127.0.0.1:0"
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}

// sandboxKey returns the pair the sandbox accepts: the user's (secret from
// standard input) or a fresh one for this session.
func sandboxKey(env *Env, id string, secretStdin bool) (key sandbox.Key, generated bool, code int) {
	switch {
	case id == "" && secretStdin:
		return key, false, invalid(env, "--access-key-secret-stdin needs --access-key-id", "give both, or neither to get a generated pair")
	case id != "" && !secretStdin:
		return key, false, invalid(env, "--access-key-id needs --access-key-secret-stdin", "the secret is read from standard input so it never shows in ps or shell history")
	case id != "":
		if fe := signing.ValidateAccessKeyID(strings.TrimSpace(id)); fe != nil {
			return key, false, invalid(env, fe.Msg, "")
		}
		secret, err := newSecretInput(env).read("AccessKey secret")
		if err != nil {
			return key, false, invalid(env, err.Error(), "pipe the secret in as the first line of standard input")
		}
		return sandbox.Key{ID: strings.TrimSpace(id), Secret: secret}, false, ExitOK
	}
	// The ID starts with "SANDBOX", never "LTAI": no scanner or person can
	// take it for a real AccessKey.
	k, err := sandbox.NewSessionKey()
	if err != nil {
		return key, false, failed(env, err.Error(), "")
	}
	return k, true, ExitOK
}

func printSandbox(env *Env, endpoint, dir string, key sandbox.Key, generated bool) {
	w := env.Stdout
	fmt.Fprintln(w, "OSS Drop sandbox: a local OSS endpoint for presigned links.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  Endpoint:          %s\n", endpoint)
	fmt.Fprintf(w, "  Objects in:        %s\n", dir)
	fmt.Fprintf(w, "  AccessKey ID:      %s\n", key.ID)
	secret := "<your secret>"
	if generated {
		// The secret is printed on purpose: it was made for this session, exists
		// nowhere else and opens nothing but this sandbox.
		secret = key.Secret
		fmt.Fprintf(w, "  AccessKey secret:  %s\n", key.Secret)
		fmt.Fprintln(w, "  (a throwaway pair made for this session: it exists only here, works only")
		fmt.Fprintln(w, "   with this sandbox, and is gone when the sandbox stops)")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Make an upload link for it:")
	fmt.Fprintf(w, "  %s=%s %s=%s ossdrop presign --endpoint %s --region cn-hangzhou --bucket demo --key hello.txt\n",
		envAccessKeyID, key.ID, envAccessKeySecret, secret, endpoint)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Any bucket name works. Press Ctrl+C to stop; requests are logged to standard error.")
}
