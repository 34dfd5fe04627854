package credentials

import (
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name every OSS Drop item is stored under.
const Service = "ossdrop"

// ErrItemNotFound is what a Keychain returns (possibly wrapped) from Get or
// Delete when it holds no such item.
var ErrItemNotFound = errors.New("keychain item not found")

// Keychain stores one secret per (service, user) pair. SystemKeychain is the
// real one; the GUI's tests may bring a fake. Any error other than
// ErrItemNotFound (or keyring.ErrNotFound) is taken to mean the keychain
// cannot be reached.
type Keychain interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// SystemKeychain is the OS keychain through github.com/zalando/go-keyring:
// the Secret Service over D-Bus on Linux and the BSDs, Keychain on macOS,
// Credential Manager on Windows. MockInit swaps it for memory. It starts
// no process: without a session bus it fails with ErrNoSessionBus.
type SystemKeychain struct{}

// Get returns the secret stored for user.
func (SystemKeychain) Get(service, user string) (string, error) {
	if err := busCheck(); err != nil {
		return "", err
	}
	s, err := keyring.Get(service, user)
	return s, mapNotFound(err)
}

// Set stores secret for user, replacing any earlier one.
func (SystemKeychain) Set(service, user, secret string) error {
	if err := busCheck(); err != nil {
		return err
	}
	return keyring.Set(service, user, secret)
}

// Delete removes the item for user.
func (SystemKeychain) Delete(service, user string) error {
	if err := busCheck(); err != nil {
		return err
	}
	return mapNotFound(keyring.Delete(service, user))
}

func mapNotFound(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrItemNotFound, err)
	}
	return err
}

func isNotFound(err error) bool {
	return errors.Is(err, ErrItemNotFound) || errors.Is(err, keyring.ErrNotFound)
}

// secretItem is the kind of secret a keychain item holds. Each gets its own
// item so a permanent profile never has a stale token lying around.
type secretItem string

const (
	itemSecret secretItem = "secret"
	itemToken  secretItem = "sts-token"
)

// user is the keychain user name of a profile's item, e.g. "work/secret";
// it is what Seahorse and secret-tool show next to service "ossdrop".
func (it secretItem) user(profile string) string { return profile + "/" + string(it) }

func (it secretItem) describe() string {
	if it == itemToken {
		return "STS token"
	}
	return "AccessKey secret"
}

// items lists the keychain items a profile of kind k owns.
func items(k Kind) []secretItem {
	if k == KindSTS {
		return []secretItem{itemSecret, itemToken}
	}
	return []secretItem{itemSecret}
}

// keychainError turns a keychain failure into the profile error a person
// can act on. Data too big is the one failure that is neither "missing" nor
// "unreachable".
func keychainError(profile string, it secretItem, err error) error {
	switch {
	case isNotFound(err):
		return secretMissing(profile, it, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return newError(profile, ErrInvalidProfile, err,
			fmt.Sprintf("the %s of profile %q is too large for the OS keychain", it.describe(), profile),
			"check that only the secret was entered")
	}
	return keychainUnavailable(profile, err)
}
