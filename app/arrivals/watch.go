package arrivals

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/history"
)

// Pacing of a Watcher.
const (
	// DefaultInterval is the time between two checks of a link.
	DefaultInterval = time.Minute
	// DefaultMaxBackoff bounds the wait after repeated errors: the interval
	// doubles with each failed check of a link, up to this.
	DefaultMaxBackoff = 15 * time.Minute
	// minRecheck keeps a burst of focus changes from checking a link again
	// and again.
	minRecheck = 10 * time.Second
	// accountTTL is how long a profile's secret read from the keychain is
	// reused; a locked keychain would otherwise ask to be unlocked every
	// minute.
	accountTTL = 15 * time.Minute
	// parallelChecks bounds the requests in flight at once.
	parallelChecks = 4
)

// Watcher checks the history's upload links while the program runs: on
// Run, every Interval after, and at once on Trigger (window focus, a new
// link), each link backing off on errors. It announces each new object
// once through OnArrival. It never blocks its caller: Run is meant for a
// goroutine, and the callbacks are called from it.
type Watcher struct {
	// History reads the issued links (history.Store.List).
	History func() ([]history.Entry, error)
	// Lookup finds the account that signs for a profile.
	Lookup Lookup
	// Store remembers announcements and statuses across runs.
	Store *Store
	// OnArrival is called once for every new object.
	OnArrival func(Arrival)
	// OnUpdate is called after each round with the status of every upload
	// link that has one, by history entry ID.
	OnUpdate func(map[string]Status)
	// OnStatus, when set, is called as soon as each link's check ends,
	// before the round's OnUpdate: a link that needs no request (its
	// profile is gone) or answers at once is not held up by one whose
	// endpoint is slow.
	OnStatus func(Status)
	// OnError is called when a round cannot run (the history cannot be
	// read) or its state cannot be saved.
	OnError func(error)
	// Interval and MaxBackoff pace the checks; DefaultInterval and
	// DefaultMaxBackoff when zero.
	Interval   time.Duration
	MaxBackoff time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	rounds   sync.Mutex // one round at a time
	lookups  sync.Mutex // one keychain read at a time
	mu       sync.Mutex // the fields below
	statuses map[string]Status
	pace     map[string]*pacing
	accounts map[string]cachedAccount
	kick     chan struct{}
	// soon are links to check in the next round whatever their pacing
	// (Recheck): an upload through them just ended.
	soon []func(history.Entry) bool
	// gen counts Invalidate calls: what a round learnt about accounts
	// before one is stale, and its failures are not held against a link.
	gen uint64
}

// pacing is when a link is next checked.
type pacing struct {
	last, next time.Time
	fails      int
}

type cachedAccount struct {
	account Account
	err     error
	until   time.Time
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Watcher) interval() time.Duration {
	if w.Interval > 0 {
		return w.Interval
	}
	return DefaultInterval
}

func (w *Watcher) backoff(fails int) time.Duration {
	limit := w.MaxBackoff
	if limit <= 0 {
		limit = DefaultMaxBackoff
	}
	d := w.interval()
	for i := 0; i < fails && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

func (w *Watcher) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kick == nil {
		w.kick = make(chan struct{}, 1)
		w.statuses = map[string]Status{}
		w.pace = map[string]*pacing{}
		w.accounts = map[string]cachedAccount{}
	}
}

// Run checks at once, then every Interval and on each Trigger, until ctx
// is done.
func (w *Watcher) Run(ctx context.Context) {
	w.init()
	forced := false
	for {
		if err := w.round(ctx, forced); err != nil && w.OnError != nil && ctx.Err() == nil {
			w.OnError(err)
		}
		timer := time.NewTimer(w.interval())
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-w.kick:
			forced = true
		case <-timer.C:
			forced = false
		}
		timer.Stop()
	}
}

// Trigger asks a running Watcher to check now the links that are not
// backing off from errors; it never blocks.
func (w *Watcher) Trigger() {
	w.init()
	select {
	case w.kick <- struct{}{}:
	default: // a round is already asked for
	}
}

// Recheck asks a running Watcher to check the links match selects at
// once, even one checked a moment ago or backing off: the app itself just
// uploaded through it, so its status is known to have changed. It never
// blocks.
func (w *Watcher) Recheck(match func(history.Entry) bool) {
	w.init()
	w.mu.Lock()
	w.soon = append(w.soon, match)
	w.mu.Unlock()
	w.Trigger()
}

// Invalidate forgets the accounts read so far (a profile was edited,
// rotated or removed, the sandbox started) and triggers a round.
func (w *Watcher) Invalidate() {
	w.init()
	w.mu.Lock()
	w.gen++
	clear(w.accounts)
	for _, p := range w.pace {
		*p = pacing{} // due at once, whatever failed before
	}
	w.mu.Unlock()
	w.Trigger()
}

// Round checks every link that is due now, announces what arrived, saves
// the state and calls OnUpdate. Run calls it; tests call it directly.
func (w *Watcher) Round(ctx context.Context) error {
	w.init()
	return w.round(ctx, false)
}

// Statuses returns the latest status of every upload link that has one.
func (w *Watcher) Statuses() map[string]Status {
	w.init()
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.statuses)
}

func (w *Watcher) round(ctx context.Context, forced bool) error {
	w.rounds.Lock()
	defer w.rounds.Unlock()
	entries, err := w.History()
	if err != nil {
		return err
	}
	now := w.now()
	var due []history.Entry
	inHistory := map[string]bool{}
	w.mu.Lock()
	gen := w.gen
	soon := w.soon
	w.soon = nil
	for _, e := range entries {
		if !Watched(e) {
			continue
		}
		inHistory[e.ID] = true
		st, ok := w.statuses[e.ID]
		if !ok {
			if st, ok = w.Store.Status(e.ID); ok {
				w.statuses[e.ID] = st
			}
		}
		if !Due(e, now) || (ok && Settled(e, st)) {
			continue
		}
		p := w.pace[e.ID]
		if p == nil {
			p = &pacing{}
			w.pace[e.ID] = p
		}
		backingOff := p.fails > 0 && now.Before(p.next)
		recent := now.Sub(p.last) < minRecheck
		asked := slices.ContainsFunc(soon, func(match func(history.Entry) bool) bool { return match(e) })
		if now.Before(p.next) && !(forced && !backingOff && !recent) && !asked {
			continue
		}
		p.last = now
		due = append(due, e)
	}
	for id := range w.statuses {
		if !inHistory[id] {
			delete(w.statuses, id)
			delete(w.pace, id)
		}
	}
	w.mu.Unlock()

	byID := map[string]history.Entry{}
	for _, e := range due {
		byID[e.ID] = e
	}
	results := make(chan Status)
	sem := make(chan struct{}, parallelChecks)
	go func() {
		var wg sync.WaitGroup
		for _, e := range due {
			w.mu.Lock()
			prev, had := w.statuses[e.ID]
			w.mu.Unlock()
			var prevp *Status
			if had {
				prevp = &prev
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				results <- Check(ctx, e, func(profile string) (Account, error) { return w.lookup(profile, gen) }, prevp, now)
			}()
		}
		wg.Wait()
		close(results)
	}()

	// Each result as it comes: its link's pacing, its arrivals, and the
	// UI told at once (OnStatus).
	var arrivals []Arrival
	for st := range results {
		w.mu.Lock()
		p := w.pace[st.EntryID]
		var fresh []Arrival
		switch {
		case st.Err != nil && w.gen != gen:
			// The accounts changed during the round (Invalidate): the
			// link is due again at once, with the new ones.
		case st.Err != nil:
			p.fails++
			p.next = now.Add(w.backoff(p.fails))
			var be *bucket.Error
			if errors.As(st.Err, &be) && be.Status == http.StatusForbidden {
				// The secret may be what is wrong (rotated meanwhile):
				// read it again next time.
				delete(w.accounts, byID[st.EntryID].Profile)
			}
		default:
			p.fails = 0
			p.next = now.Add(w.interval())
			w.Store.setStatus(st)
			for _, o := range w.Store.announce(st.Objects, now) {
				fresh = append(fresh, Arrival{Entry: byID[st.EntryID], Object: o})
			}
		}
		w.statuses[st.EntryID] = st
		w.mu.Unlock()
		arrivals = append(arrivals, fresh...)
		if w.OnStatus != nil {
			w.OnStatus(st)
		}
	}
	w.mu.Lock()
	statuses := maps.Clone(w.statuses)
	w.mu.Unlock()

	w.Store.forget(func(id string) bool { return inHistory[id] })
	saveErr := w.Store.Save(now)
	if w.OnArrival != nil {
		for _, a := range arrivals {
			w.OnArrival(a)
		}
	}
	if w.OnUpdate != nil {
		w.OnUpdate(statuses)
	}
	return saveErr
}

// lookup reads a profile's account, reusing it for accountTTL; a failed
// lookup is reused until the next interval, so a locked keychain is not
// asked again and again.
func (w *Watcher) lookup(profile string, gen uint64) (Account, error) {
	w.lookups.Lock()
	defer w.lookups.Unlock()
	now := w.now()
	w.mu.Lock()
	c, ok := w.accounts[profile]
	w.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.account, c.err
	}
	a, err := w.Lookup(profile)
	c = cachedAccount{account: a, err: err, until: now.Add(accountTTL)}
	if err != nil {
		c.until = now.Add(w.interval())
	}
	w.mu.Lock()
	if w.gen == gen { // an account read before Invalidate is not kept
		w.accounts[profile] = c
	}
	w.mu.Unlock()
	return a, err
}
