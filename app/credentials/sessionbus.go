package credentials

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// ErrNoSessionBus says there is no D-Bus session bus to reach a Secret
// Service on (Linux and the BSDs). OSS Drop then starts nothing: asked for
// a bus that is not there, go-keyring's D-Bus library would run
// dbus-launch, whose dbus-daemon (and the gnome-keyring-daemon it
// activates) outlive the command. It wraps into ErrKeychainUnavailable.
var ErrNoSessionBus = errors.New("no D-Bus session bus")

// busCheck runs before every call to the OS keychain; MockInit turns it off.
var busCheck = checkSessionBus

// MockInit replaces the OS keychain with one in memory, as keyring.MockInit
// does, for tests; a keychain in memory needs no session bus either.
func MockInit() {
	keyring.MockInit()
	busCheck = func() error { return nil }
}

// MockInitWithError makes every keychain call fail with err, for tests.
func MockInitWithError(err error) {
	keyring.MockInitWithError(err)
	busCheck = func() error { return nil }
}
