package credentials

import (
	"errors"
	"fmt"
)

// Items keeps secrets that belong to no profile in the OS keychain, under
// Service like the profiles' own: the desktop app's sandbox key pair, and
// the share link of a link signed with STS credentials (the link carries
// the security token, which never goes to a file). Item names hold a space,
// which no profile name can, so an item never collides with a profile's
// "NAME/secret" or "NAME/sts-token".
type Items struct {
	Keychain Keychain
}

// SystemItems is Items in the OS keychain.
func SystemItems() Items { return Items{Keychain: SystemKeychain{}} }

// SandboxProfile is the name the desktop app's local sandbox signs its
// links under: the history records it as their profile, and 'ossdrop
// status' looks the sandbox up by it. No stored profile can take it (it
// holds a space).
const SandboxProfile = "Local sandbox"

// SandboxSecretItem names the AccessKey secret of the desktop app's local
// sandbox, whose key pair stays the same across restarts so its links keep
// working while they are valid.
const SandboxSecretItem = "Local sandbox/secret"

// ProbeItem names an item OSS Drop never stores: reading it asks whether
// the keychain answers (not found: it does) without unlocking an item or
// handing out a secret.
const ProbeItem = "keychain check"

// LinkItem names the item that holds the share link of the history entry
// with the given ID.
func LinkItem(historyID string) string { return "link " + historyID + "/share-link" }

// Get returns the item's value. A missing item matches ErrItemNotFound; a
// keychain that cannot be reached is an *Error matching
// ErrKeychainUnavailable.
func (i Items) Get(name string) (string, error) {
	v, err := i.Keychain.Get(Service, name)
	if err != nil {
		return "", itemError("read", name, err)
	}
	return v, nil
}

// Set stores value under name, replacing an earlier one.
func (i Items) Set(name, value string) error {
	if err := i.Keychain.Set(Service, name, value); err != nil {
		return itemError("store", name, err)
	}
	return nil
}

// Delete removes the item; one that is already gone is fine.
func (i Items) Delete(name string) error {
	if err := i.Keychain.Delete(Service, name); err != nil && !isNotFound(err) {
		return itemError("remove", name, err)
	}
	return nil
}

// itemError says which item failed; the value is never part of it.
func itemError(verb, name string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("%s keychain item %q: %w", verb, name, ErrItemNotFound)
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s keychain item %q: %w", verb, name, keychainUnavailable("", err))
}
