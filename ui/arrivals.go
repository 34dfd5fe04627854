package ui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// errSandboxStopped is why the local sandbox's links are not checked while
// it is not running: nothing answers at their address.
var errSandboxStopped = fmt.Errorf("the local sandbox is not running: %w", arrivals.ErrProfileGone)

// arrivalWatch checks the History's upload links while the window is open
// (an arrivals.Watcher in its own goroutine: on start, on window focus,
// every minute, with backoff) and hands what it finds to the window on
// the UI goroutine.
type arrivalWatch struct {
	svc     *Services
	watcher *arrivals.Watcher
	// sandbox is read by the watcher's goroutine, set on the UI goroutine.
	sandbox atomic.Pointer[Sandbox]
	cancel  context.CancelFunc

	// onStatuses, onStatus and onArrival run on the UI goroutine:
	// every status after a round, one as soon as its check ends, and
	// each new file.
	onStatuses func(map[string]arrivals.Status)
	onStatus   func(arrivals.Status)
	onArrival  func(arrivals.Arrival)
}

func newArrivalWatch(svc *Services) *arrivalWatch {
	a := &arrivalWatch{svc: svc}
	store := svc.Arrivals
	if store == nil {
		store, _ = arrivals.Open("") // in memory: cannot fail
	}
	a.watcher = &arrivals.Watcher{
		Lookup: a.lookup, Store: store, Now: svc.Now,
		OnUpdate: func(s map[string]arrivals.Status) { toUI(func() { a.statuses(s) }) },
		OnStatus: func(st arrivals.Status) {
			toUI(func() {
				if a.onStatus != nil {
					a.onStatus(st)
				}
			})
		},
		OnArrival: func(x arrivals.Arrival) { toUI(func() { a.arrived(x) }) },
		OnError:   func(err error) { fyne.LogError("check the upload links", err) },
	}
	if svc.History != nil {
		a.watcher.History = svc.History.List
	}
	return a
}

func (a *arrivalWatch) statuses(s map[string]arrivals.Status) {
	if a.onStatuses != nil {
		a.onStatuses(s)
	}
}

func (a *arrivalWatch) arrived(x arrivals.Arrival) {
	if a.onArrival != nil {
		a.onArrival(x)
	}
}

// start runs the watcher until stop; without a history there is nothing
// to watch.
func (a *arrivalWatch) start() {
	if a.watcher.History == nil || a.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	go a.watcher.Run(ctx)
}

func (a *arrivalWatch) stop() {
	if a.cancel != nil {
		a.cancel()
	}
}

// trigger checks now (window focus, a new link).
func (a *arrivalWatch) trigger() {
	if a.cancel != nil {
		a.watcher.Trigger()
	}
}

// recheck checks the links a file was just stored through (in) at once,
// whatever their pacing: their rows should say so now, not in a minute.
func (a *arrivalWatch) recheck(in *signing.Inspection) {
	if a.cancel == nil {
		return
	}
	a.watcher.Recheck(func(e history.Entry) bool { return linkFor(e, in) })
}

// linkFor reports whether e may be the link in: same bucket (when the
// link names one; a custom domain may not) and same key, or for a request
// link the same folder.
func linkFor(e history.Entry, in *signing.Inspection) bool {
	if in.Bucket != "" && e.Bucket != in.Bucket {
		return false
	}
	if in.Request != nil {
		return e.IsRequestLink() && e.Prefix == in.Request.Prefix && e.Key == in.Request.Key
	}
	return e.Method == signing.MethodPut && e.Key == in.Key
}

// setSandbox makes the running sandbox's links checkable.
func (a *arrivalWatch) setSandbox(sb *Sandbox) {
	a.sandbox.Store(sb)
	a.profilesChanged()
}

// profilesChanged drops the accounts read so far and checks again.
func (a *arrivalWatch) profilesChanged() {
	if a.cancel != nil {
		a.watcher.Invalidate()
	}
}

// lookup finds the account that signs for a profile: the sandbox's key
// pair in memory, the OSS_ACCESS_KEY_* variables the app was started with,
// or a stored profile and its keychain secret. It runs off the UI
// goroutine.
func (a *arrivalWatch) lookup(name string) (arrivals.Account, error) {
	if name == credentials.EnvironmentProfile {
		getenv := a.svc.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		return arrivals.EnvironmentAccount(getenv)
	}
	if name == SandboxProfileName {
		sb := a.sandbox.Load()
		if sb == nil {
			return arrivals.Account{}, errSandboxStopped
		}
		return arrivals.Account{Profile: sb.Profile, Credentials: sb.Credentials}, nil
	}
	if a.svc.Profiles == nil {
		return arrivals.Account{}, arrivals.ProfileGone(name)
	}
	p, c, err := a.svc.Profiles.Load(name)
	if errors.Is(err, credentials.ErrNoProfile) {
		return arrivals.Account{}, arrivals.ProfileGone(name)
	}
	if err != nil {
		return arrivals.Account{}, err
	}
	return arrivals.Account{Profile: p, Credentials: c}, nil
}

// arrivalNotification is the desktop notification for one arrival:
// "q3.pdf arrived" / "12.4 MiB, from the link for in/acme/".
func arrivalNotification(x arrivals.Arrival) *fyne.Notification {
	from := x.Entry.Key
	if x.Entry.Prefix != "" {
		from = x.Entry.Prefix
	}
	return fyne.NewNotification(
		fmt.Sprintf(lang.L("%s arrived"), x.Object.Name()),
		fmt.Sprintf(lang.L("%s, from the link for %s"), formatSize(x.Object.Size), from))
}
