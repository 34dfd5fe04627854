// Package credentials keeps the AccessKeys OSS Drop signs with: named
// profiles whose settings live in a small JSON file and whose secrets live
// only in the OS keychain (Secret Service, macOS Keychain, Windows Credential
// Manager). There is no plaintext fallback: when the keychain cannot be
// reached, the caller is told how to start one or to use the environment
// variables instead. The package never imports Fyne, so the GUI and the
// command line share it.
package credentials

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// Kind says whether a profile holds a long-lived AccessKey or temporary STS
// credentials, which come with a token and stop working at STSExpires.
type Kind string

// Profile kinds.
const (
	KindPermanent Kind = "permanent"
	KindSTS       Kind = "sts"
)

// EnvironmentProfile is the name of the pseudo-profile built from the
// OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and OSS_SESSION_TOKEN variables.
// No stored profile may take this name.
const EnvironmentProfile = "environment"

// Profile is everything about a set of credentials except the secrets, so
// it is safe to print, log and write to the profiles file.
type Profile struct {
	Name        string
	AccessKeyID string
	Kind        Kind
	// Region, EndpointKind, Endpoint, Bucket and PathStyle are defaults for
	// the links signed with this profile; a form or flag overrides them.
	Region       string
	EndpointKind signing.EndpointKind
	Endpoint     string
	Bucket       string
	PathStyle    bool
	// PageURL is the address of the owner's upload page (optional): links
	// are then also shared as PageURL#<share link>, which a phone or a
	// browser can use. The sandbox serves one of its own.
	PageURL string
	// STSExpires is when the STS token stops working; set only for KindSTS.
	STSExpires time.Time
	// Label is a free note for people ("client X uploads").
	Label string
	// Default is true for the profile used when none is named. It is filled
	// in by the Store; at most one profile has it.
	Default bool
}

// Expired reports whether an STS profile's token has run out at now.
// Permanent profiles never expire.
func (p Profile) Expired(now time.Time) bool {
	return p.Kind == KindSTS && !p.STSExpires.IsZero() && !now.Before(p.STSExpires)
}

// String names the profile and its masked AccessKey ID; it has nothing
// secret to hide, but keeps log lines short.
func (p Profile) String() string {
	return fmt.Sprintf("profile %s (%s, %s)", p.Name, MaskAccessKeyID(p.AccessKeyID), p.Kind)
}

// MaskAccessKeyID shows the first and last four characters of an AccessKey
// ID (LTAI****abcd): enough to tell keys apart, not enough to be copied
// into a policy by mistake. Short IDs are masked entirely.
func MaskAccessKeyID(id string) string {
	if len(id) < 12 {
		return "****"
	}
	return id[:4] + "****" + id[len(id)-4:]
}

// Secrets are what goes to the keychain for a profile. Their String,
// GoString and LogValue forms never show the values.
type Secrets struct {
	AccessKeySecret string
	// SecurityToken is the STS token; empty for permanent profiles.
	SecurityToken string
}

// String says which secrets are present, never what they are.
func (s Secrets) String() string {
	str := "secret " + presence(s.AccessKeySecret)
	if s.SecurityToken != "" {
		str += ", STS token set"
	}
	return str
}

// GoString keeps %#v as safe as %v.
func (s Secrets) GoString() string { return "credentials.Secrets{" + s.String() + "}" }

// LogValue keeps slog output free of secrets.
func (s Secrets) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("secret", s.AccessKeySecret != ""),
		slog.Bool("sts_token", s.SecurityToken != ""),
	)
}

func presence(s string) string {
	if s == "" {
		return "missing"
	}
	return "set"
}

// validName keeps names usable on a command line and inside a keychain item
// name, where "/" separates the profile from the kind of secret.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateName checks a profile name; the error is an *Error with a hint.
func ValidateName(name string) error {
	switch {
	case name == EnvironmentProfile:
		return newError(name, ErrInvalidProfile, nil,
			fmt.Sprintf("%q is reserved for the OSS_ACCESS_KEY_* environment variables", name),
			"choose another profile name")
	case !validName.MatchString(name):
		return newError(name, ErrInvalidProfile, nil,
			fmt.Sprintf("%q is not a usable profile name", name),
			"use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}

// Validate checks everything about a profile but its secrets: name,
// AccessKey ID, kind, STS expiry and link defaults. A form or prompt calls
// it before asking for a secret.
func (p Profile) Validate() error {
	if err := ValidateName(p.Name); err != nil {
		return err
	}
	bad := func(msg, hint string) error { return newError(p.Name, ErrInvalidProfile, nil, msg, hint) }
	if p.AccessKeyID == "" {
		return bad("the AccessKey ID is empty", "copy it from the RAM console (it starts with LTAI) or from the STS response")
	}
	if fe := signing.ValidateAccessKeyID(p.AccessKeyID); fe != nil {
		return newError(p.Name, ErrInvalidProfile, fe, fe.Msg, "")
	}
	switch p.Kind {
	case KindPermanent:
	case KindSTS:
		if p.STSExpires.IsZero() {
			return bad("an STS profile needs the time its token expires", "give the Expiration from the AssumeRole response, for example 2026-12-01T18:00:00Z")
		}
		if err := CheckSTSExpires(p.Name, p.STSExpires, time.Now()); err != nil {
			return err
		}
	default:
		return bad(fmt.Sprintf("%q is not a profile kind", p.Kind), "use permanent or sts")
	}
	return validateSettings(p)
}

// MaxSTSLifetime is the longest an STS token lives: AssumeRole's
// DurationSeconds may not exceed the role's MaxSessionDuration, which is
// at most 12 hours (1 hour unless raised).
const MaxSTSLifetime = 12 * time.Hour

// ErrSTSTooLong: an STS expiry further away than MaxSTSLifetime, which no
// token from AssumeRole has; it is a typing slip (9d for 9h), and a
// profile that believed it would say its token still works when it does
// not.
var ErrSTSTooLong = errors.New("STS expiry beyond the longest STS session")

// CheckSTSExpires refuses an STS expiry more than MaxSTSLifetime after
// now with an *Error matching ErrInvalidProfile and ErrSTSTooLong; a
// minute of slack lets a token's own Expiration through however the
// clocks differ. Validate uses it, so the command line and the app's form
// (which says it as the field is typed) refuse the same.
func CheckSTSExpires(name string, at, now time.Time) error {
	if at.Sub(now) <= MaxSTSLifetime+time.Minute {
		return nil
	}
	return newError(name, ErrInvalidProfile, ErrSTSTooLong,
		fmt.Sprintf("the STS token would expire at %s, more than 12 hours from now, but a token from AssumeRole lasts at most 12 hours (the role's MaxSessionDuration, 1 hour by default)", message.Time(at)),
		"give the Expiration from the AssumeRole response, or a duration of 12h or less")
}

// validate checks a profile and its secrets before anything is stored.
func validate(p Profile, sec Secrets) error {
	if err := p.Validate(); err != nil {
		return err
	}
	bad := func(msg, hint string) error { return newError(p.Name, ErrInvalidProfile, nil, msg, hint) }
	switch {
	case sec.AccessKeySecret == "":
		return bad("the AccessKey secret is empty", "enter the secret that belongs to AccessKey "+MaskAccessKeyID(p.AccessKeyID))
	case p.Kind == KindPermanent && sec.SecurityToken != "":
		return bad("a permanent AccessKey has no STS token", "mark the profile as STS, or leave the token out")
	case p.Kind == KindSTS && sec.SecurityToken == "":
		return bad("an STS profile needs its security token", "enter the SecurityToken from the AssumeRole response")
	}
	return nil
}

// validateSettings checks the link defaults with the same rules signing
// uses, so a profile that saves is a profile that signs.
func validateSettings(p Profile) error {
	req := signing.Request{Region: p.Region, EndpointKind: p.EndpointKind, Endpoint: p.Endpoint, PathStyle: p.PathStyle}
	for _, fe := range signing.FieldErrors(req.Validate(time.Now())) {
		if fe.Field == signing.FieldRegion || fe.Field == signing.FieldEndpoint {
			return newError(p.Name, ErrInvalidProfile, fe, fe.Msg, "")
		}
	}
	if p.Bucket != "" {
		if fe := signing.ValidateBucket(p.Bucket); fe != nil {
			return newError(p.Name, ErrInvalidProfile, fe, fe.Msg, "")
		}
	}
	if p.PageURL != "" {
		if _, err := signing.ValidatePageURL(p.PageURL); err != nil {
			return newError(p.Name, ErrInvalidProfile, err, err.Error(), "")
		}
	}
	return nil
}
