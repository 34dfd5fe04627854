package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

// SandboxProfileName names the pseudo-profile of the embedded sandbox;
// 'ossdrop status' finds the sandbox's links by it.
const SandboxProfileName = credentials.SandboxProfile

// sandboxBucket is the bucket the sandbox's profile signs for, and
// sampleKey the key a first link gets.
const (
	sandboxBucket = "demo"
	sampleKey     = "hello.txt"
)

// sandboxStarter starts the app's own sandbox. Its address and AccessKey
// ID are preferences and its secret a keychain item, so that it comes
// back as it was after a restart and the links it signed keep working
// while they are valid.
type sandboxStarter struct {
	// dir holds the objects (sandbox.DefaultDir in production).
	dir   string
	prefs fyne.Preferences
	// keychain holds the secret; nil or unreachable: a pair in memory.
	keychain Keychain
}

// startSandbox is Services.StartSandbox in production: objects where
// 'ossdrop sandbox' keeps them (the user's cache directory), the secret in
// the OS keychain.
func startSandbox(keychain Keychain) (*Sandbox, error) {
	dir, err := sandbox.DefaultDir()
	if err != nil {
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	return sandboxStarter{dir: dir, prefs: fyne.CurrentApp().Preferences(), keychain: keychain}.start()
}

// start runs the sandbox; off the UI goroutine (it reads the keychain).
func (s sandboxStarter) start() (*Sandbox, error) {
	key, kept := s.key()
	srv, err := sandbox.New(sandbox.Config{Dir: s.dir, Keys: []sandbox.Key{key}})
	if err != nil {
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	ln, moved, err := s.listen()
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	if err := srv.StartOn(ln); err != nil {
		ln.Close()
		srv.Close()
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	sb := &Sandbox{
		Profile: credentials.Profile{
			Name: SandboxProfileName, AccessKeyID: key.ID, Kind: credentials.KindPermanent, Region: "cn-hangzhou",
			EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: sandboxBucket, PathStyle: true,
			// The sandbox's own upload page: same address as its links.
			PageURL: srv.PageURL(),
		},
		Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
		Dir:         s.dir,
		Kept:        kept,
		Moved:       moved,
		stat:        srv.Stat,
		Stop: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
		},
	}
	return sb, nil
}

// key is the sandbox's key pair: the one kept from an earlier run, or a
// new one, kept for the next. kept is false when the keychain cannot hold
// it: the pair then lives in memory, and its links end with the app.
func (s sandboxStarter) key() (key sandbox.Key, kept bool) {
	if s.keychain != nil {
		if id := s.prefs.String(prefSandboxKeyID); id != "" {
			secret, err := s.keychain.Get(credentials.SandboxSecretItem)
			if err == nil {
				return sandbox.Key{ID: id, Secret: secret}, true
			}
			if !errors.Is(err, credentials.ErrItemNotFound) {
				fyne.LogError("read the local sandbox's key", err)
				return newSandboxKey(), false // the keychain is away: keep its pair for later
			}
		}
	}
	key = newSandboxKey()
	if s.keychain == nil {
		return key, false
	}
	if err := s.keychain.Set(credentials.SandboxSecretItem, key.Secret); err != nil {
		fyne.LogError("keep the local sandbox's key", err)
		return key, false
	}
	s.prefs.SetString(prefSandboxKeyID, key.ID)
	return key, true
}

// newSandboxKey makes a throwaway pair; its ID starts with SANDBOX, never
// LTAI, so nobody takes it for a real AccessKey.
func newSandboxKey() sandbox.Key {
	key, err := sandbox.NewSessionKey()
	if err != nil {
		panic(err) // crypto/rand never fails since Go 1.24
	}
	return key
}

// listen takes the address of the last run, so that its links still
// point here; the first run (or one whose address another program took)
// gets a free port, kept for the next. moved is the earlier address when
// it could not be had.
func (s sandboxStarter) listen() (ln net.Listener, moved string, err error) {
	if addr := s.prefs.String(prefSandboxAddr); addr != "" && sandbox.CheckLoopback(addr) == nil {
		if ln, err := net.Listen("tcp", addr); err == nil {
			return ln, "", nil
		}
		moved = addr
	}
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	s.prefs.SetString(prefSandboxAddr, ln.Addr().String())
	return ln, moved, nil
}

// freeSampleKey is hello.txt, or the first of hello-2.txt, hello-3.txt…
// that holds nothing yet: a first link (or another try) that can work.
// It reads the sandbox's store, on disk.
func (sb *Sandbox) freeSampleKey() string {
	if sb.stat == nil {
		return sampleKey
	}
	key, err := freeKey(func(k string) (bool, error) {
		_, err := sb.stat(sandboxBucket, k)
		if errors.Is(err, sandbox.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}, sampleKey)
	if err != nil {
		return sampleKey
	}
	return key
}

// sandboxNote is what the status line says about a started sandbox.
func sandboxNote(sb *Sandbox) string {
	text := fmt.Sprintf(lang.L("Local sandbox running at %s: links you create here work only on this computer. Objects are kept in %s."), sb.Profile.Endpoint, sb.Dir)
	if sb.Moved != "" {
		text = joinSentences(text, fmt.Sprintf(lang.L("Another program uses %s, where the sandbox was before: links made for that address no longer work."), sb.Moved))
	}
	if !sb.Kept {
		text = joinSentences(text, lang.L("The OS keychain is not available, so the sandbox's key pair lives only in memory: its links stop working when OSS Drop closes."))
	}
	return text
}
