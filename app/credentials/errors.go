package credentials

import (
	"errors"
	"fmt"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// Sentinel errors for the conditions callers test with errors.Is. The
// *Error that wraps one says what is wrong and what to do.
var (
	// ErrNoProfile: no stored profile has that name.
	ErrNoProfile = errors.New("no such profile")
	// ErrProfileExists: Add or Rename would overwrite a profile.
	ErrProfileExists = errors.New("profile already exists")
	// ErrNoDefault: no profile is marked as the default.
	ErrNoDefault = errors.New("no default profile")
	// ErrInvalidProfile: a name, kind, region, endpoint or bucket is unusable.
	ErrInvalidProfile = errors.New("invalid profile")
	// ErrSecretMissing: the profile exists but its keychain item is gone
	// (deleted in Seahorse or Keychain Access, or a new login keyring).
	ErrSecretMissing = errors.New("secret missing from the keychain")
	// ErrKeychainUnavailable: no keychain answered (on Linux: no Secret
	// Service on the session bus). Secrets are then never written anywhere.
	ErrKeychainUnavailable = errors.New("keychain unavailable")
	// ErrTokenExpired: an STS profile is past STSExpires and cannot sign.
	// It matches signing.ErrTokenExpired too.
	ErrTokenExpired = fmt.Errorf("profile: %w", signing.ErrTokenExpired)
)

// Error is a profile problem a person has to act on: which profile, which
// condition (Err, one of the sentinels above), what is wrong (Msg) and what
// to do (Hint). The hint names ossdrop subcommands; the GUI can test Err
// and word its own. Neither part ever contains a secret.
type Error struct {
	Profile string
	Err     error
	Msg     string
	Hint    string
	// cause is the underlying error (a keychain or file error), kept for
	// errors.Is; keychain errors describe the bus, not the secret.
	cause error
}

func newError(profile string, sentinel, cause error, msg, hint string) *Error {
	return &Error{Profile: profile, Err: sentinel, Msg: msg, Hint: hint, cause: cause}
}

// Error joins the two parts, so a bare err.Error() still says what to do.
func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "; " + e.Hint
}

// Unwrap lets errors.Is see both the sentinel and the cause.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.cause}
}

// Sentences shared by the store and the command line.

func noProfile(name string) error {
	return newError(name, ErrNoProfile, nil,
		fmt.Sprintf("there is no profile %q", name),
		"see the profiles with 'ossdrop profile list'")
}

func profileExists(name string) error {
	return newError(name, ErrProfileExists, nil,
		fmt.Sprintf("a profile %q already exists", name),
		fmt.Sprintf("change its secret with 'ossdrop profile rotate %s', or remove it first with 'ossdrop profile remove %s'", name, name))
}

// renameTaken is profileExists for a rename: its hint is about the name,
// not about the other profile's secret.
func renameTaken(from, to string) error {
	return newError(to, ErrProfileExists, nil,
		fmt.Sprintf("a profile %q already exists, so %q cannot take its name", to, from),
		fmt.Sprintf("choose another name, or remove the other profile first with 'ossdrop profile remove %s'", to))
}

func secretMissing(name string, item secretItem, cause error) error {
	return newError(name, ErrSecretMissing, cause,
		fmt.Sprintf("the %s of profile %q is no longer in the OS keychain", item.describe(), name),
		fmt.Sprintf("enter it again with 'ossdrop profile rotate %s'", name))
}

func tokenExpired(p Profile) error {
	return newError(p.Name, ErrTokenExpired, nil,
		fmt.Sprintf("the STS token of profile %q expired at %s", p.Name, message.Time(p.STSExpires)),
		fmt.Sprintf("get new temporary credentials and enter them with 'ossdrop profile rotate %s --access-key-id ID --sts-expires TIME'", p.Name))
}

// keychainUnavailable explains the one fix that matters on each system
// (keychainHint, per platform). The cause is shown because "no such name
// on the bus" and "prompt dismissed" need different fixes; keychain errors
// never carry the secret.
func keychainUnavailable(name string, cause error) error {
	hint := keychainHint + ", or set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS) for this shell instead"
	if errors.Is(cause, ErrNoSessionBus) {
		hint = "run it inside your desktop session, where the keyring (the Secret Service) runs; OSS Drop starts no D-Bus or keyring daemon of its own. " +
			"Or set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS) for this shell instead"
	}
	return newError(name, ErrKeychainUnavailable, cause,
		fmt.Sprintf("the OS keychain cannot be reached (%v), and OSS Drop never keeps secrets in a file", cause),
		hint)
}
