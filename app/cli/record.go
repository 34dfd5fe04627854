package cli

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/ossdrop/ossdrop/app/appprefs"
	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// openHistory opens the history the desktop app keeps, in the same
// directory as the profiles.
func openHistory() (*history.Store, error) {
	dir, err := credentials.DefaultDir()
	if err != nil {
		return nil, fmt.Errorf("open the history: %w", err)
	}
	return history.Open(dir)
}

// recordLink adds a signed link to the history, so 'ossdrop status' and
// the app's History tab know it; pageURL is the upload page its page link
// opens ("" for none), so the History tab can show that link's QR code.
func recordLink(env *Env, profile string, req signing.Request, link *signing.Link, pageURL string) {
	e := history.NewEntry(profile, req, link, env.Now())
	e.PageURL = pageURL
	recordEntry(env, req, e)
}

// recordRequestLink adds a request link to the history: 'ossdrop status'
// lists the files under its prefix.
func recordRequestLink(env *Env, profile string, req signing.Request, l *signing.RequestLink, pageURL string) {
	e := history.NewRequestEntry(profile, req, l, env.Now())
	e.PageURL = pageURL
	recordEntry(env, req, e)
}

// recordEntry writes e to the history. The link is made already: a history
// that cannot be written is a warning, not a failure. A link signed with
// STS credentials carries the security token, and tokens never go to a
// file: such a link is not recorded.
func recordEntry(env *Env, req signing.Request, e history.Entry) {
	if req.Credentials.SecurityToken != "" {
		fmt.Fprintln(env.Stderr, "note: the link is not recorded in the history: it carries the STS security token, which is never written to a file")
		return
	}
	h, err := openHistory()
	if err == nil {
		err = h.Add(e)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "warning: the link was not recorded in the history (%v); it works all the same\n", err)
	}
}

// accountLookup finds the account of a history entry's profile: the
// environment pseudo-profile from OSS_ACCESS_KEY_*, the app's local sandbox
// from the app's preferences and the keychain, any other from the profile
// store and the keychain. What cannot be found is a notCheckedError that
// says why, and the link is listed without being checked.
func accountLookup(env *Env) arrivals.Lookup {
	var store *credentials.Store
	return func(name string) (arrivals.Account, error) {
		switch name {
		case credentials.EnvironmentProfile:
			return environmentAccount(env)
		case credentials.SandboxProfile:
			return appSandboxAccount(env)
		}
		if store == nil {
			s, err := openStore(env)
			if err != nil {
				return arrivals.Account{}, err
			}
			store = s
		}
		p, c, err := store.Load(name)
		if errors.Is(err, credentials.ErrNoProfile) {
			return arrivals.Account{}, &notCheckedError{
				why:  fmt.Sprintf("signed with the profile %s, which no longer exists", name),
				hint: "add it again ('ossdrop profile add') to check its links"}
		}
		if err != nil {
			return arrivals.Account{}, err
		}
		return arrivals.Account{Profile: p, Credentials: c}, nil
	}
}

// notCheckedError is why a link was not checked (its credentials are not
// at hand here). It matches arrivals.ErrProfileGone, so the link is listed
// as unknown without failing the command, and says what to do instead.
type notCheckedError struct{ why, hint string }

func (e *notCheckedError) Error() string { return e.why }
func (e *notCheckedError) Unwrap() error { return arrivals.ErrProfileGone }

// environmentAccount is the account of links signed with OSS_ACCESS_KEY_*:
// this shell's variables, when they are set.
func environmentAccount(env *Env) (arrivals.Account, error) {
	a, err := arrivals.EnvironmentAccount(env.Getenv)
	switch {
	case errors.Is(err, arrivals.ErrNoEnvironment):
		return a, &notCheckedError{why: "signed with " + envAccessKeyID + ", which is not set in this shell",
			hint: "set " + envAccessKeyID + " and " + envAccessKeySecret + " as when the link was made, then run 'ossdrop status' again"}
	case errors.Is(err, arrivals.ErrNoEnvironmentSecret):
		return a, &notCheckedError{why: "signed with " + envAccessKeyID + ", but " + envAccessKeySecret + " is empty in this shell",
			hint: "set " + envAccessKeySecret + " too"}
	}
	return a, err
}

// appSandboxConnectTimeout bounds the look for the app's sandbox on
// 127.0.0.1: a listening port answers at once.
const appSandboxConnectTimeout = time.Second

// appSandboxAccount is the account of the desktop app's local sandbox:
// its address and AccessKey ID from the app's preferences, its secret from
// the OS keychain, as the app keeps them. Its links can be checked only
// while the app runs it.
func appSandboxAccount(env *Env) (arrivals.Account, error) {
	inApp := "check it in the app's History tab"
	path, err := appprefs.Path()
	if err != nil {
		return arrivals.Account{}, &notCheckedError{why: "a link of the app's local sandbox, whose address cannot be found here (" + err.Error() + ")", hint: inApp}
	}
	prefs, err := appprefs.Read(path)
	if err != nil {
		return arrivals.Account{}, &notCheckedError{why: "a link of the app's local sandbox, whose address cannot be read here (" + err.Error() + ")", hint: inApp}
	}
	addr, id := prefs.String(appprefs.SandboxAddr), prefs.String(appprefs.SandboxKeyID)
	if addr == "" || id == "" {
		return arrivals.Account{}, &notCheckedError{why: "a link of the app's local sandbox, whose address and key the app has not kept", hint: inApp}
	}
	secret, err := credentials.SystemItems().Get(credentials.SandboxSecretItem)
	if err != nil {
		return arrivals.Account{}, &notCheckedError{why: "a link of the app's local sandbox, whose key is not in the OS keychain here", hint: inApp}
	}
	conn, err := net.DialTimeout("tcp", addr, appSandboxConnectTimeout)
	if err != nil {
		return arrivals.Account{}, &notCheckedError{why: "a link of the app's local sandbox, which is not running (nothing answers at " + addr + ")",
			hint: "open OSS Drop and choose Try it locally, then run 'ossdrop status' again, or " + inApp}
	}
	conn.Close()
	return arrivals.Account{
		Profile: credentials.Profile{Name: credentials.SandboxProfile, AccessKeyID: id, Kind: credentials.KindPermanent, Region: appSandboxRegion,
			EndpointKind: signing.EndpointCustom, Endpoint: "http://" + addr, PathStyle: true},
		Credentials: signing.Credentials{AccessKeyID: id, AccessKeySecret: secret},
	}, nil
}

// appSandboxRegion is the region the app's sandbox signs for; a link's own
// credential scope says it too, and wins (arrivals.TargetFor).
const appSandboxRegion = "cn-hangzhou"
