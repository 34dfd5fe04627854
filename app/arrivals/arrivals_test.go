package arrivals

import (
	"context"
	"errors"
	"hash/crc64"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

var testKey = sandbox.Key{ID: "SANDBOXARRIVALS01", Secret: "sandbox-arrivals-secret"}

// world is a sandbox on 127.0.0.1, a history and a state directory.
type world struct {
	t       *testing.T
	srv     *sandbox.Server
	profile credentials.Profile
	hist    *history.Store
	dir     string
	log     *requestLog
}

// requestLog counts the requests the sandbox answered.
type requestLog struct {
	mu sync.Mutex
	n  int
}

func (l *requestLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += strings.Count(string(p), "sandbox request")
	return len(p), nil
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), log: &requestLog{}}
	srv, err := sandbox.New(sandbox.Config{Dir: t.TempDir(), Keys: []sandbox.Key{testKey}, Buckets: []string{"demo"},
		Logger: slog.New(slog.NewTextHandler(w.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	w.srv = srv
	w.profile = credentials.Profile{Name: "work", AccessKeyID: testKey.ID, Kind: credentials.KindPermanent, Region: "cn-hangzhou",
		EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), PathStyle: true, Bucket: "demo"}
	if w.hist, err = history.Open(w.dir); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) lookup(name string) (Account, error) {
	if name != w.profile.Name {
		return Account{}, ProfileGone(name)
	}
	return Account{Profile: w.profile, Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}, nil
}

// link signs an upload link for key and records it, as the app does.
func (w *world) link(key string, expires time.Duration, at time.Time) (history.Entry, *signing.Link) {
	w.t.Helper()
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: w.srv.URL(), PathStyle: true,
		Bucket: "demo", Key: key, Expires: expires, ContentType: "application/pdf",
		Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	e := history.NewEntry(w.profile.Name, req, link, at)
	if err := w.hist.Add(e); err != nil {
		w.t.Fatal(err)
	}
	return e, link
}

// requestLink records a request link for a prefix (its form is another
// package's business; what matters here is the entry).
func (w *world) requestLink(prefix string, expires time.Duration, at time.Time) history.Entry {
	w.t.Helper()
	e := history.Entry{ID: "req-" + strings.ReplaceAll(prefix, "/", "-"), Profile: w.profile.Name, Bucket: "demo", Prefix: prefix, Method: "POST",
		Created: at, Expires: at.Add(expires), ShareLink: w.srv.URL() + "/demo/"}
	if err := w.hist.Add(e); err != nil {
		w.t.Fatal(err)
	}
	return e
}

// upload sends content through a share link, as a partner does.
func (w *world) upload(shareLink, content string) {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), "f")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: shareLink, File: path}); err != nil {
		w.t.Fatal(err)
	}
}

// put stores an object under key directly with a fresh PUT link.
func (w *world) put(key, content string) {
	w.t.Helper()
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: w.srv.URL(), PathStyle: true,
		Bucket: "demo", Key: key, Expires: time.Minute, Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	w.upload(link.ShareLink(), content)
}

// watcher makes a Watcher over the world with a settable clock and
// records what it announces.
func (w *world) watcher(clock *time.Time) (*Watcher, *[]Arrival) {
	w.t.Helper()
	store, err := Open(w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	var got []Arrival
	wa := &Watcher{History: w.hist.List, Lookup: w.lookup, Store: store, Now: func() time.Time { return *clock },
		OnArrival: func(a Arrival) { got = append(got, a) }}
	return wa, &got
}

// running starts a Watcher over the world that checks on start and then
// only when asked (its interval is an hour), until the test ends; every
// round's statuses come on the channel.
func (w *world) running(now func() time.Time) (*Watcher, <-chan map[string]Status) {
	updates := make(chan map[string]Status, 10)
	store, _ := Open("")
	wa := &Watcher{History: w.hist.List, Lookup: w.lookup, Store: store, Interval: time.Hour, Now: now,
		OnUpdate: func(s map[string]Status) { updates <- s }}
	ctx, cancel := context.WithCancel(context.Background())
	w.t.Cleanup(cancel)
	go wa.Run(ctx)
	return wa, updates
}

func round(t *testing.T, wa *Watcher) map[string]Status {
	t.Helper()
	if err := wa.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	return wa.Statuses()
}

func crcOf(s string) string {
	return strconv.FormatUint(crc64.Checksum([]byte(s), crc64.MakeTable(crc64.ECMA)), 10)
}

// TestPutLinkWaitingThenReceived: a PUT link is waiting, a partner uploads,
// the next round finds it received with size, ETag, CRC-64 and type, and
// the arrival is announced once, also across a restart.
func TestPutLinkWaitingThenReceived(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, link := w.link("in/q3.pdf", time.Hour, now)
	wa, got := w.watcher(&now)

	if st := round(t, wa)[e.ID]; st.State != Waiting || st.Err != nil || len(st.Objects) != 0 {
		t.Fatalf("before the upload: %+v", st)
	}
	content := "the quarterly report"
	w.upload(link.ShareLink(), content)
	now = now.Add(time.Minute)
	st := round(t, wa)[e.ID]
	if st.State != Received || len(st.Objects) != 1 || st.Err != nil {
		t.Fatalf("after the upload: %+v", st)
	}
	o := st.Objects[0]
	if o.Key != "in/q3.pdf" || o.Size != int64(len(content)) || len(o.ETag) != 32 || o.CRC64 != crcOf(content) ||
		o.ContentType != "application/pdf" || o.LastModified.IsZero() || st.CheckedAt != now {
		t.Fatalf("received object %+v", st)
	}
	if len(*got) != 1 || (*got)[0].Object.ID() != o.ID() || (*got)[0].Entry.ID != e.ID {
		t.Fatalf("announced %+v", *got)
	}

	// The link refuses to overwrite and has its file: no more requests.
	before := w.log.count()
	now = now.Add(2 * time.Minute)
	round(t, wa)
	if n := w.log.count() - before; n != 0 || len(*got) != 1 {
		t.Fatalf("a settled link: %d more requests, %d announcements", n, len(*got))
	}

	// A restart remembers the status and what was announced.
	wa2, got2 := w.watcher(&now)
	if st := round(t, wa2)[e.ID]; st.State != Received || len(*got2) != 0 {
		t.Fatalf("after a restart: %+v, announced %+v", st, *got2)
	}
}

// TestExpiredUnused: a link nobody used reads expired after its expiry,
// is checked for a day more, and then no more.
func TestExpiredUnused(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, _ := w.link("in/never.pdf", time.Minute, now)
	wa, got := w.watcher(&now)
	if st := round(t, wa)[e.ID]; st.State != Waiting {
		t.Fatalf("fresh link: %+v", st)
	}
	now = now.Add(2 * time.Minute)
	if st := round(t, wa)[e.ID]; st.State != Expired || st.Err != nil {
		t.Fatalf("after expiry: %+v", st)
	}
	now = now.Add(RecheckWindow)
	before := w.log.count()
	if st := round(t, wa)[e.ID]; st.State != Expired {
		t.Fatalf("a day after expiry: %+v", st)
	}
	if n := w.log.count() - before; n != 0 {
		t.Fatalf("a link expired over a day ago was checked (%d requests)", n)
	}
	if len(*got) != 0 {
		t.Fatalf("announced %+v", *got)
	}
}

// TestRequestLinkListsEveryFile: every file under a request link's prefix
// is listed with its checksum and type, each announced once; files
// outside the prefix, and files that were there before the link, are not.
func TestRequestLinkListsEveryFile(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e := w.requestLink("in/acme/", time.Hour, now)
	wa, got := w.watcher(&now)
	if st := round(t, wa)[e.ID]; st.State != Waiting {
		t.Fatalf("empty folder: %+v", st)
	}
	files := map[string]string{"in/acme/a.pdf": "aaa", "in/acme/b.csv": "bbbb", "in/acme/sub/c.txt": "c"}
	for k, v := range files {
		w.put(k, v)
	}
	w.put("in/acmeX/d.txt", "not under the prefix")
	w.put("elsewhere.txt", "nor this")
	now = now.Add(time.Minute)
	st := round(t, wa)[e.ID]
	if st.State != Received || len(st.Objects) != len(files) || st.Err != nil {
		t.Fatalf("after three uploads: %+v", st)
	}
	for _, o := range st.Objects {
		if files[o.Key] == "" || o.Size != int64(len(files[o.Key])) || o.CRC64 != crcOf(files[o.Key]) || o.ContentType == "" {
			t.Errorf("listed %+v", o)
		}
	}
	var announced []string
	for _, a := range *got {
		announced = append(announced, a.Object.Key)
	}
	slices.Sort(announced)
	if !slices.Equal(announced, []string{"in/acme/a.pdf", "in/acme/b.csv", "in/acme/sub/c.txt"}) {
		t.Fatalf("announced %q", announced)
	}

	// A fourth file is announced alone; the known three are not looked up again.
	w.put("in/acme/d.pdf", "dddd")
	now = now.Add(time.Minute)
	before := w.log.count()
	if st := round(t, wa)[e.ID]; len(st.Objects) != 4 {
		t.Fatalf("after a fourth upload: %+v", st)
	}
	if n := w.log.count() - before; n != 2 {
		t.Errorf("%d requests for one listing and one new file, want 2", n)
	}
	if len(*got) != 4 || (*got)[3].Object.Key != "in/acme/d.pdf" {
		t.Fatalf("announced %+v", *got)
	}

	// A link made later than the files: they were there before it.
	later := w.requestLink("in/acme/sub/", time.Hour, now.Add(PreexistingSlack+time.Minute))
	if st := round(t, wa)[later.ID]; st.State != Waiting || len(st.Objects) != 0 {
		t.Fatalf("files older than the link: %+v", st)
	}
}

// TestCheckErrorsAreSentences: wrong credentials, a missing bucket and a
// gone profile show as sentences on the link, keep what was known, and
// back off.
func TestCheckErrorsAreSentences(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, link := w.link("in/q3.pdf", time.Hour, now)
	w.upload(link.ShareLink(), "x")
	wa, _ := w.watcher(&now)
	if st := round(t, wa)[e.ID]; st.State != Received {
		t.Fatalf("%+v", st)
	}

	for _, tc := range []struct {
		name     string
		lookup   Lookup
		bucket   string
		sentence string
	}{
		{name: "wrong secret", lookup: func(string) (Account, error) {
			a, _ := w.lookup("work")
			a.Credentials.AccessKeySecret = "rotated-meanwhile"
			return a, nil
		}, sentence: "refused the profile's AccessKey secret"},
		{name: "missing bucket", lookup: w.lookup, bucket: "gone-bucket", sentence: "The bucket does not exist."},
		{name: "profile gone", lookup: func(name string) (Account, error) { return Account{}, ProfileGone(name) }, sentence: "profile is gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry := e
			entry.ID = "copy-" + strings.ReplaceAll(tc.name, " ", "-")
			entry.Key = "in/other.pdf" // not settled: it has to be checked
			if tc.bucket != "" {
				entry.Bucket = tc.bucket
			}
			prev := Status{EntryID: entry.ID, State: Waiting}
			before := w.log.count()
			st := Check(context.Background(), entry, tc.lookup, &prev, now)
			if st.State != Waiting || st.Err == nil || !strings.Contains(st.Err.Error(), tc.sentence) {
				t.Fatalf("Check = %+v, want the earlier state and an error saying %q", st, tc.sentence)
			}
			if tc.name == "profile gone" && w.log.count() != before {
				t.Fatal("a link whose profile is gone was checked")
			}
		})
	}

	t.Run("backoff", func(t *testing.T) {
		entry, _ := w.link("in/backoff.pdf", time.Hour, now)
		wrong := func(string) (Account, error) {
			a, _ := w.lookup("work")
			a.Credentials.AccessKeySecret = "wrong"
			return a, nil
		}
		wb := &Watcher{History: w.hist.List, Lookup: wrong, Store: wa.Store, Now: func() time.Time { return now }}
		var checks []time.Duration
		start := now
		for i := range 8 {
			before := w.log.count()
			if st := round(t, wb)[entry.ID]; st.Err == nil {
				t.Fatalf("round %d: no error", i)
			}
			if w.log.count() > before {
				checks = append(checks, now.Sub(start))
			}
			now = now.Add(time.Minute)
		}
		// Checked at 0, then after 2 and 4 minutes of backoff.
		if want := []time.Duration{0, 2 * time.Minute, 6 * time.Minute}; !slices.Equal(checks, want) {
			t.Fatalf("checked at %v, want %v", checks, want)
		}
	})
}

func TestBackoffSchedule(t *testing.T) {
	w := &Watcher{}
	for fails, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		if got := w.backoff(fails); got != want {
			t.Errorf("backoff(%d) = %v, want %v", fails, got, want)
		}
	}
}

// TestTriggerChecksAtOnce: a running Watcher checks on start and again on
// Trigger (window focus) without waiting for the interval.
func TestTriggerChecksAtOnce(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, link := w.link("in/focus.pdf", time.Hour, now)
	var offset atomic.Int64
	wa, updates := w.running(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })
	if st := (<-updates)[e.ID]; st.State != Waiting {
		t.Fatalf("on start: %+v", st)
	}
	w.upload(link.ShareLink(), "hello")
	// Focus comes later than the burst guard; the hour-long interval is
	// far away, so only Trigger can start this round.
	offset.Store(int64(minRecheck + time.Second))
	wa.Trigger()
	if st := (<-updates)[e.ID]; st.State != Received {
		t.Fatalf("after Trigger: %+v", st)
	}
}

func TestTargetFor(t *testing.T) {
	p := credentials.Profile{Name: "work", Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9999", PathStyle: true}
	creds := signing.Credentials{AccessKeyID: "AK", AccessKeySecret: "s"}
	e := history.Entry{Bucket: "reports", ShareLink: "https://reports.oss-cn-shanghai.aliyuncs.com/in/a.pdf?x-oss-credential=AK%2F20261201%2Fcn-shanghai%2Foss%2Faliyun_v4_request#ossdrop=1"}
	got := TargetFor(e, Account{Profile: p, Credentials: creds})
	if got.Endpoint != "https://reports.oss-cn-shanghai.aliyuncs.com" || got.Region != "cn-shanghai" || got.PathStyle || got.Bucket != "reports" || got.Credentials != creds {
		t.Errorf("from the link: %+v", got)
	}
	// A link signed with STS credentials keeps no link in the history:
	// the profile says where it went.
	sts := TargetFor(history.Entry{Bucket: "reports", STS: true}, Account{Profile: p, Credentials: creds})
	if sts.Endpoint != p.Endpoint || sts.Region != "cn-hangzhou" || !sts.PathStyle || sts.Bucket != "reports" {
		t.Errorf("STS entry: %+v", sts)
	}
	damaged := TargetFor(history.Entry{Bucket: "reports", ShareLink: "not a link"}, Account{Profile: p, Credentials: creds})
	if damaged.Endpoint != p.Endpoint || damaged.Bucket != "reports" {
		t.Errorf("damaged link: %+v", damaged)
	}
}

func TestStoreKeepsDownloadsAndSurvivesDamage(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.SetDownload("demo/a#E", "/home/ann/a.pdf", now); err != nil {
		t.Fatal(err)
	}
	s2, _ := Open(dir)
	if p, ok := s2.Download("demo/a#E"); !ok || p != "/home/ann/a.pdf" {
		t.Fatalf("Download = %q %v", p, ok)
	}
	info, _ := os.Stat(s.Path())
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	raw, _ := os.ReadFile(s.Path())
	if strings.Contains(string(raw), testKey.Secret) {
		t.Fatal("the state file holds a secret")
	}
	os.WriteFile(s.Path(), []byte("{damaged"), 0o600)
	s3, err := Open(dir)
	if err != nil {
		t.Fatalf("a damaged state file stops the watcher: %v", err)
	}
	if _, ok := s3.Download("demo/a#E"); ok {
		t.Fatal("a damaged file was read")
	}
}

func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"version":1,"announced":{"demo/a#E":"2026-12-01T10:00:00Z"},"seen":{"id":{"state":"received","objects":[{"bucket":"demo","key":"a","size":1,"etag":"E","last_modified":"2026-12-01T10:00:00Z"}],"checked_at":"2026-12-01T10:00:00Z"}},"downloads":{"demo/a#E":{"path":"/tmp/a","at":"2026-12-01T10:00:00Z"}}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"seen":{"x":{"state":"exploded"}}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseState(data)
		if err != nil {
			return
		}
		if st.Version != stateVersion {
			t.Fatalf("version %d accepted", st.Version)
		}
		for id, s := range st.Seen {
			if !slices.Contains([]State{Waiting, Received, Expired, Unknown}, s.State) {
				t.Fatalf("status %s kept with state %q", id, s.State)
			}
		}
	})
}

// TestInvalidateDuringARound: the sandbox starts (Invalidate) while a
// round is asking for its account; the link is not held back by that
// round's failure, and the next round checks it with the new account.
func TestInvalidateDuringARound(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, link := w.link("in/race.pdf", time.Hour, now)
	w.upload(link.ShareLink(), "raced")
	store, _ := Open("")
	var started atomic.Bool
	var wa *Watcher
	wa = &Watcher{History: w.hist.List, Store: store, Now: func() time.Time { return now },
		Lookup: func(name string) (Account, error) {
			if !started.Load() {
				started.Store(true)
				wa.Invalidate() // what the window does when its sandbox comes up
				return Account{}, ProfileGone(name)
			}
			return w.lookup(name)
		}}
	if st := round(t, wa)[e.ID]; st.Err == nil {
		t.Fatalf("first round: %+v", st)
	}
	if st := round(t, wa)[e.ID]; st.State != Received || st.Err != nil {
		t.Fatalf("the round after Invalidate: %+v", st)
	}
}

// TestRequestLinkWaitingThenReceived: a real request link (a PostObject
// form) goes from waiting to received as partners post files through it,
// each file announced once.
func TestRequestLinkWaitingThenReceived(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: w.srv.URL(), PathStyle: true,
		Bucket: "demo", Prefix: "in/acme/", MaxSize: 1 << 20, Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
	l, err := signing.NewRequestLink(req, now)
	if err != nil {
		t.Fatal(err)
	}
	e := history.NewRequestEntry(w.profile.Name, req, l, now)
	if err := w.hist.Add(e); err != nil {
		t.Fatal(err)
	}
	wa, got := w.watcher(&now)
	if st := round(t, wa)[e.ID]; st.State != Waiting || st.Err != nil {
		t.Fatalf("before any upload: %+v", st)
	}
	files := map[string]string{"q3.pdf": "report", "photo.jpg": "pixels!"}
	for name, content := range files {
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, []byte(content), 0o600)
		if _, err := upload.Upload(context.Background(), upload.Request{LinkText: l.ShareLink(), File: path}); err != nil {
			t.Fatalf("POST %s: %v", name, err)
		}
	}
	now = now.Add(time.Minute)
	st := round(t, wa)[e.ID]
	if st.State != Received || len(st.Objects) != 2 || st.Err != nil {
		t.Fatalf("after two posts: %+v", st)
	}
	for _, o := range st.Objects {
		name := strings.TrimPrefix(o.Key, "in/acme/")
		if files[name] == "" || o.Size != int64(len(files[name])) || o.CRC64 != crcOf(files[name]) {
			t.Errorf("listed %+v", o)
		}
	}
	now = now.Add(time.Minute)
	round(t, wa)
	if len(*got) != 2 {
		t.Fatalf("announced %d times for two files: %+v", len(*got), *got)
	}
}

// linkChecked records a link for key as the app does when it asked the
// bucket first: whatever the key held then (nil: nothing) is in the
// entry.
func (w *world) linkChecked(key string, at time.Time, allowOverwrite bool) (history.Entry, *signing.Link) {
	w.t.Helper()
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: w.srv.URL(), PathStyle: true,
		Bucket: "demo", Key: key, Expires: time.Hour, AllowOverwrite: allowOverwrite,
		Credentials: signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	e := history.NewEntry(w.profile.Name, req, link, at)
	e.KeyChecked = true
	if info, err := w.srv.Stat("demo", key); err == nil {
		e.Existing = &history.ExistingObject{ETag: info.ETag, Size: info.Size, LastModified: info.LastModified}
	}
	if err := w.hist.Add(e); err != nil {
		w.t.Fatal(err)
	}
	return e, link
}

// TestKeyTakenWhenTheLinkWasMade: a link made for a key that already held
// an object is not "received" because of that object, however close in
// time the two are; with overwrite protection it says so in a state of
// its own, and once the object is replaced (a link without protection)
// the new one is received. A key checked free needs no clock tolerance.
func TestKeyTakenWhenTheLinkWasMade(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	w.put("in/hello.txt", "there before the link")

	// Made a second after the object: within PreexistingSlack, which alone
	// would call it received.
	unchecked, _ := w.link("in/hello.txt", time.Hour, now.Add(time.Second))
	protected, _ := w.linkChecked("in/hello.txt", now.Add(time.Second), false)
	replacing, replaceLink := w.linkChecked("in/hello.txt", now.Add(time.Second), true)
	wa, got := w.watcher(&now)
	sts := round(t, wa)
	if st := sts[unchecked.ID]; st.State != Received {
		t.Fatalf("a link whose key was not checked, within the clock tolerance: %+v", st)
	}
	if st := sts[protected.ID]; st.State != Taken || len(st.Objects) != 0 {
		t.Fatalf("a protected link for a taken key: %+v", st)
	}
	if st := sts[replacing.ID]; st.State != Waiting || len(st.Objects) != 0 {
		t.Fatalf("a link that may replace the object, before it did: %+v", st)
	}
	for _, a := range *got {
		if a.Entry.ID != unchecked.ID {
			t.Errorf("announced through a link made after the object: %+v", a)
		}
	}

	// The unprotected link replaces the object.
	now = now.Add(time.Minute)
	w.upload(replaceLink.ShareLink(), "the partner's version")
	sts = round(t, wa)
	if st := sts[replacing.ID]; st.State != Received || len(st.Objects) != 1 {
		t.Fatalf("after the link replaced the object: %+v", st)
	}
	// The protected link's key now holds another object than the one it
	// met: whoever stored it, that is an arrival under its key.
	if st := sts[protected.ID]; st.State != Received {
		t.Fatalf("the protected link after the object was replaced: %+v", st)
	}

	// A key checked free: an object is received even with a timestamp far
	// before the link (the owner's clock ahead by an hour).
	ahead := now.Add(time.Hour)
	free, freeLink := w.linkChecked("in/free.txt", ahead, false)
	w.upload(freeLink.ShareLink(), "arrived")
	if st := round(t, wa)[free.ID]; st.State != Received {
		t.Fatalf("a link whose key was checked free, clocks an hour apart: %+v", st)
	}
	uncheckedAhead, uncheckedLink := w.link("in/skewed.txt", time.Hour, ahead)
	w.upload(uncheckedLink.ShareLink(), "arrived")
	if st := round(t, wa)[uncheckedAhead.ID]; st.State != Waiting {
		t.Fatalf("without the check, an object older than the link by more than the tolerance: %+v", st)
	}
}

// TestEachStatusAtOnce: a link whose profile is gone needs no request and
// is reported as soon as its check ends (OnStatus), while another link's
// endpoint has not answered yet; the round's OnUpdate still comes once,
// at its end.
func TestEachStatusAtOnce(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	slowURL, release := sandboxtest.Stalled(t)
	slowEntry, _ := w.link("in/slow.pdf", time.Hour, now)
	gone := history.Entry{ID: "gone", Profile: "removed", Bucket: "demo", Key: "in/gone.pdf", Method: "PUT", Created: now, Expires: now.Add(time.Hour)}
	if err := w.hist.Add(gone); err != nil {
		t.Fatal(err)
	}
	slowProfile := w.profile
	slowProfile.Endpoint = slowURL
	lookup := func(name string) (Account, error) {
		a, err := w.lookup(name)
		a.Profile = slowProfile
		return a, err
	}
	slowEntry.ShareLink = "" // checked where the profile points: the slow server
	var order []string
	updates := 0
	store, _ := Open("")
	wa := &Watcher{History: func() ([]history.Entry, error) { return []history.Entry{slowEntry, gone}, nil }, Lookup: lookup, Store: store,
		Now: func() time.Time { return now },
		OnStatus: func(st Status) {
			order = append(order, st.EntryID)
			if st.EntryID == gone.ID {
				release() // only now may the slow endpoint answer
			}
		},
		OnUpdate: func(map[string]Status) { updates++ }}
	sts := round(t, wa)
	if !slices.Equal(order, []string{gone.ID, slowEntry.ID}) || updates != 1 {
		t.Fatalf("statuses came in the order %q with %d updates; want the gone profile's first, one update", order, updates)
	}
	if st := sts[gone.ID]; !errors.Is(st.Err, ErrProfileGone) {
		t.Fatalf("gone profile: %+v", st)
	}
	if st := sts[slowEntry.ID]; st.State != Waiting || st.Err != nil {
		t.Fatalf("slow endpoint: %+v", st)
	}
}

// TestRecheckComesBeforeThePacing: a link checked a moment ago is checked
// again at once when the app itself uploaded through it (Recheck), where
// a plain Trigger (window focus) leaves it alone.
func TestRecheckComesBeforeThePacing(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	e, link := w.link("in/own.pdf", time.Hour, now)
	other, _ := w.link("in/other.pdf", time.Hour, now)
	wa, updates := w.running(func() time.Time { return now })
	if st := (<-updates)[e.ID]; st.State != Waiting {
		t.Fatalf("on start: %+v", st)
	}
	w.upload(link.ShareLink(), "mine")
	before := w.log.count()
	wa.Trigger() // within minRecheck of the last check: nothing is asked
	<-updates
	if n := w.log.count() - before; n != 0 {
		t.Fatalf("a Trigger right after a check sent %d requests", n)
	}
	wa.Recheck(func(x history.Entry) bool { return x.Bucket == "demo" && x.Key == "in/own.pdf" })
	st := (<-updates)[e.ID]
	if st.State != Received {
		t.Fatalf("after Recheck: %+v", st)
	}
	if n := w.log.count() - before; n != 1 {
		t.Fatalf("Recheck of one link sent %d requests (the other link, %s, is not due)", n, other.Key)
	}
}
