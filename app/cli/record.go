package cli

import (
	"errors"
	"fmt"

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
// environment pseudo-profile from OSS_ACCESS_KEY_*, any other from the
// profile store and the keychain. A profile that no longer exists is
// arrivals.ErrProfileGone, and its links are not checked.
func accountLookup(env *Env) arrivals.Lookup {
	var store *credentials.Store
	return func(name string) (arrivals.Account, error) {
		if name == credentials.EnvironmentProfile {
			p, c, err := fromEnv(env)
			if err != nil {
				return arrivals.Account{}, arrivals.ProfileGone(name)
			}
			return arrivals.Account{Profile: p, Credentials: c}, nil
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
			return arrivals.Account{}, arrivals.ProfileGone(name)
		}
		if err != nil {
			return arrivals.Account{}, err
		}
		return arrivals.Account{Profile: p, Credentials: c}, nil
	}
}
