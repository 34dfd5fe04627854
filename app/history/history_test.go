package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/privatefile"
	"github.com/ossdrop/ossdrop/signing"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// entry makes an entry created at t0+created that expires lives later.
func entry(id string, created, lives time.Duration) Entry {
	return Entry{
		ID: id, Profile: "work", Bucket: "b", Key: "k/" + id, Method: signing.MethodPut,
		Created: t0.Add(created), Expires: t0.Add(created + lives),
		Options: "PUT · overwrite protected", ShareLink: "https://b.example/k/" + id + "#ossdrop=1&method=PUT",
	}
}

func ids(entries []Entry) string {
	var out []string
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return strings.Join(out, ",")
}

func mustList(t *testing.T, s *Store) []Entry {
	t.Helper()
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// stored adds e to a new history and returns it with the file's bytes.
func stored(t *testing.T, e Entry) (*Store, []byte) {
	t.Helper()
	s := open(t)
	mustAdd(t, s, e)
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return s, raw
}

func mustAdd(t *testing.T, s *Store, entries ...Entry) {
	t.Helper()
	for _, e := range entries {
		if err := s.Add(e); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFacts: an entry keeps what the owner chose as facts, never an
// English sentence, so each reader words them in its own language.
func TestFacts(t *testing.T) {
	link := &signing.Link{Method: signing.MethodPut, URL: "https://b.example/k", ExpiresAt: t0.Add(time.Hour)}
	tests := []struct {
		name string
		req  signing.Request
		link *signing.Link
		want Entry
	}{
		{"plain put", signing.Request{}, link, Entry{Method: "PUT"}},
		{"allow overwrite", signing.Request{AllowOverwrite: true}, link, Entry{Method: "PUT", AllowOverwrite: true}},
		{"everything", signing.Request{
			ContentType: "text/plain", StorageClass: "IA", ACL: "private",
			Metadata: map[string]string{"a": "1", "b": "2"}, Callback: &signing.Callback{URLs: []string{"https://cb.example"}},
			ContentMD5: "1B2M2Y8AsgTpgAmY7PhCfg==",
		}, link, Entry{Method: "PUT", ContentType: "text/plain", StorageClass: "IA", ACL: "private", Metadata: 2, Callback: true, MD5Pinned: true}},
		{"default acl is not news", signing.Request{ACL: "default"}, link, Entry{Method: "PUT"}},
		{"link method wins", signing.Request{}, &signing.Link{Method: signing.MethodGet}, Entry{Method: "GET"}},
		{"empty link method falls back to put", signing.Request{}, &signing.Link{}, Entry{Method: "PUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEntry("p", tt.req, tt.link, t0)
			got := Entry{Method: e.Method, ContentType: e.ContentType, StorageClass: e.StorageClass, ACL: e.ACL, Metadata: e.Metadata,
				Callback: e.Callback, MD5Pinned: e.MD5Pinned, AllowOverwrite: e.AllowOverwrite}
			if got != tt.want || e.Options != "" {
				t.Errorf("facts %+v, want %+v; options %q", got, tt.want, e.Options)
			}
		})
	}
}

// TestNewEntry signs a real link offline, with STS credentials, to check
// what the entry keeps and that the secret is not among it.
func TestNewEntry(t *testing.T) {
	req := signing.Request{
		Region: "cn-hangzhou", Bucket: "drop-bucket", Key: "in/report.pdf", Expires: time.Hour,
		ContentType: "application/pdf",
		Credentials: signing.Credentials{
			AccessKeyID: "STS.NTestAccessKeyID", AccessKeySecret: "topSecretValue123", SecurityToken: "tokenValue456",
		},
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	e := NewEntry("work", req, link, now)
	if len(e.ID) != 16 {
		t.Errorf("ID = %q, want 16 hex digits", e.ID)
	}
	if other := NewEntry("work", req, link, now); other.ID == e.ID {
		t.Errorf("two entries share the ID %q", e.ID)
	}
	if e.Profile != "work" || e.Bucket != "drop-bucket" || e.Key != "in/report.pdf" || e.Method != "PUT" {
		t.Errorf("entry = %+v", e)
	}
	if !e.Created.Equal(now) || !e.Expires.Equal(link.ExpiresAt) {
		t.Errorf("Created, Expires = %v, %v; want %v, %v", e.Created, e.Expires, now, link.ExpiresAt)
	}
	// The link carries the STS token: the entry keeps the facts only.
	if e.ShareLink != "" || !e.STS || !CarriesToken(link.ShareLink()) {
		t.Errorf("STS link: ShareLink %q, STS %v", e.ShareLink, e.STS)
	}
	_, raw := stored(t, e)
	for _, secret := range []string{"topSecretValue123", "tokenValue456"} {
		if strings.Contains(fmt.Sprintf("%+v", e), secret) || strings.Contains(string(raw), secret) {
			t.Errorf("the entry or the file contains %q", secret)
		}
	}

	req.Credentials.SecurityToken = ""
	link, err = signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if e := NewEntry("work", req, link, now); e.ShareLink != link.ShareLink() || e.STS || e.ContentType != "application/pdf" {
		t.Errorf("a permanent key's link: %+v", e)
	}
}

func TestExpired(t *testing.T) {
	e := entry("a", 0, time.Hour)
	tests := []struct {
		name string
		e    Entry
		now  time.Time
		want bool
	}{
		{"before", e, t0.Add(59 * time.Minute), false},
		{"at expiry", e, t0.Add(time.Hour), true},
		{"after", e, t0.Add(2 * time.Hour), true},
		{"no expiry", Entry{ID: "z"}, t0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Expired(tt.now); got != tt.want {
				t.Errorf("Expired = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAddListOrder(t *testing.T) {
	tests := []struct {
		name  string
		added []Entry
		want  string
	}{
		{"empty", nil, ""},
		{"in order", []Entry{entry("a", 0, time.Hour), entry("b", time.Minute, time.Hour)}, "b,a"},
		{"out of order", []Entry{entry("b", time.Minute, time.Hour), entry("c", 2*time.Minute, time.Hour), entry("a", 0, time.Hour)}, "c,b,a"},
		{"same instant: later add first", []Entry{entry("a", 0, time.Hour), entry("b", 0, time.Hour)}, "b,a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			mustAdd(t, s, tt.added...)
			if got := ids(mustList(t, s)); got != tt.want {
				t.Errorf("List = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddFillsIDAndRejectsDuplicate(t *testing.T) {
	s := open(t)
	e := entry("", 0, time.Hour)
	mustAdd(t, s, e)
	if got := mustList(t, s); len(got) != 1 || got[0].ID == "" {
		t.Fatalf("List = %+v, want one entry with an ID", got)
	}
	mustAdd(t, s, entry("a", 0, time.Hour))
	if err := s.Add(entry("a", time.Minute, time.Hour)); err == nil {
		t.Error("Add with a duplicate ID succeeded")
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		wantErr error
		want    string
	}{
		{"newest", "c", nil, "b,a"},
		{"middle", "b", nil, "c,a"},
		{"oldest", "a", nil, "c,b"},
		{"unknown", "nope", ErrNotFound, "c,b,a"},
		{"empty id", "", ErrNotFound, "c,b,a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			mustAdd(t, s, entry("a", 0, time.Hour), entry("b", time.Minute, time.Hour), entry("c", 2*time.Minute, time.Hour))
			if err := s.Delete(tt.id); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Delete(%q) = %v, want %v", tt.id, err, tt.wantErr)
			}
			if got := ids(mustList(t, s)); got != tt.want {
				t.Errorf("List = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClearExpired(t *testing.T) {
	tests := []struct {
		name        string
		now         time.Time
		wantRemoved int
		want        string
	}{
		{"none expired", t0, 0, "c,b,a"},
		{"oldest expired", t0.Add(time.Hour), 1, "c,b"},
		{"two expired", t0.Add(time.Hour + time.Minute), 2, "c"},
		{"all expired", t0.Add(24 * time.Hour), 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			// c lives longer, so expiry, not creation order, decides.
			mustAdd(t, s, entry("a", 0, time.Hour), entry("b", time.Minute, time.Hour), entry("c", 2*time.Minute, 2*time.Hour))
			removed, err := s.ClearExpired(tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if removed != tt.wantRemoved {
				t.Errorf("removed = %d, want %d", removed, tt.wantRemoved)
			}
			if got := ids(mustList(t, s)); got != tt.want {
				t.Errorf("List = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClear(t *testing.T) {
	s := open(t)
	mustAdd(t, s, entry("a", 0, time.Hour), entry("b", time.Minute, time.Hour))
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if got := mustList(t, s); len(got) != 0 {
		t.Errorf("List after Clear = %q", ids(got))
	}
}

func TestCap(t *testing.T) {
	s := open(t)
	// Seed a full history directly: a thousand Adds would each rewrite the file.
	full := make([]Entry, MaxEntries)
	for i := range full {
		full[i] = entry(fmt.Sprintf("e%04d", i), time.Duration(i)*time.Second, time.Hour)
	}
	sortNewestFirst(full)
	if err := s.write(full); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, entry("new1", 2*time.Hour, time.Hour), entry("new2", 3*time.Hour, time.Hour))
	got := mustList(t, s)
	if len(got) != MaxEntries {
		t.Fatalf("len(List) = %d, want %d", len(got), MaxEntries)
	}
	if got[0].ID != "new2" || got[1].ID != "new1" {
		t.Errorf("newest = %s, %s; want new2, new1", got[0].ID, got[1].ID)
	}
	if last := got[len(got)-1].ID; last != "e0002" {
		t.Errorf("oldest kept = %s, want e0002 (e0000 and e0001 dropped)", last)
	}
	// An entry older than everything in a full history is dropped at once.
	mustAdd(t, s, entry("ancient", -time.Hour, time.Hour))
	if got := mustList(t, s); got[len(got)-1].ID == "ancient" || len(got) != MaxEntries {
		t.Errorf("ancient entry kept: oldest %s, len %d", got[len(got)-1].ID, len(got))
	}
}

func TestFileModeAndNoTempFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ossdrop")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, entry("a", 0, time.Hour), entry("b", time.Minute, time.Hour))
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClearExpired(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, s.Path()} {
		if err := privatefile.Check(p); err != nil {
			t.Error(err)
		}
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name() != FileName {
		var got []string
		for _, n := range names {
			got = append(got, n.Name())
		}
		t.Errorf("directory holds %q, want only %s", got, FileName)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	link := &signing.Link{Method: "PUT", URL: "https://b.example/k?x-oss-signature=abc", ExpiresAt: t0.Add(time.Hour),
		Headers: signing.Headers{{Name: "content-type", Value: "text/plain"}}}
	local := time.FixedZone("CST", 8*3600)
	want := []Entry{
		NewEntry("work", signing.Request{Bucket: "b", Key: "二/文件.txt", ContentType: "text/plain"}, link, t0.In(local).Add(time.Minute)),
		NewEntry("", signing.Request{Bucket: "b", Key: "k"}, link, t0),
	}
	mustAdd(t, s, want[1], want[0])

	again, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := mustList(t, again)
	if len(got) != len(want) {
		t.Fatalf("List = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Created.Equal(w.Created) || !g.Expires.Equal(w.Expires) {
			t.Errorf("entry %d times = %v, %v; want %v, %v", i, g.Created, g.Expires, w.Created, w.Expires)
		}
		g.Created, g.Expires, w.Created, w.Expires = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if g != w {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestCorruptFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		reason  string
	}{
		{"not json", "this is not json", "damaged"},
		{"truncated", `{"version":1,"entries":[{"id":"a"`, "damaged"},
		{"wrong shape", `{"version":1,"entries":{"id":"a"}}`, "damaged"},
		{"newer version", `{"version":2,"entries":[]}`, "version 2"},
		{"no version", `{"entries":[]}`, "version 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			if err := os.WriteFile(s.Path(), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.List()
			var ce *CorruptError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
				t.Fatalf("List error = %v, want a *CorruptError matching ErrCorrupt", err)
			}
			if ce.Path != s.Path() || !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), "Reset") {
				t.Errorf("error = %q, want the path, %q and a hint about Reset", err, tt.reason)
			}

			// Nothing may overwrite the damaged file.
			changes := map[string]func() error{
				"Add":          func() error { return s.Add(entry("a", 0, time.Hour)) },
				"Delete":       func() error { return s.Delete("a") },
				"Clear":        s.Clear,
				"ClearExpired": func() error { _, err := s.ClearExpired(t0); return err },
			}
			for name, change := range changes {
				if err := change(); !errors.Is(err, ErrCorrupt) {
					t.Errorf("%s error = %v, want ErrCorrupt", name, err)
				}
			}
			if data, _ := os.ReadFile(s.Path()); string(data) != tt.content {
				t.Errorf("file changed to %q", data)
			}

			movedTo, err := s.Reset(t0)
			if err != nil {
				t.Fatal(err)
			}
			if want := s.Path() + ".corrupt-20250601T120000Z"; movedTo != want {
				t.Errorf("Reset moved the file to %s, want %s", movedTo, want)
			}
			if data, _ := os.ReadFile(movedTo); string(data) != tt.content {
				t.Errorf("kept copy = %q, want the damaged content", data)
			}
			if got := mustList(t, s); len(got) != 0 {
				t.Errorf("List after Reset = %q, want empty", ids(got))
			}
			mustAdd(t, s, entry("a", 0, time.Hour))
			if _, err := s.Reset(t0); err == nil {
				t.Error("a second Reset in the same second replaced the kept copy")
			}
		})
	}
}

func TestResetWithoutFile(t *testing.T) {
	s := open(t)
	movedTo, err := s.Reset(t0)
	if err != nil || movedTo != "" {
		t.Errorf("Reset = %q, %v; want nothing to do", movedTo, err)
	}
}

func TestOpenNoDir(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestConcurrent(t *testing.T) {
	s := open(t)
	const workers, each = 8, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Add(entry(fmt.Sprintf("w%d-%d", w, i), time.Duration(w*each+i)*time.Second, time.Hour)); err != nil {
					t.Error(err)
				}
				if _, err := s.List(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got := mustList(t, s)
	if len(got) != workers*each {
		t.Fatalf("len(List) = %d, want %d", len(got), workers*each)
	}
	seen := map[string]bool{}
	for i, e := range got {
		if seen[e.ID] {
			t.Errorf("duplicate entry %s", e.ID)
		}
		seen[e.ID] = true
		if i > 0 && e.Created.After(got[i-1].Created) {
			t.Errorf("entry %d (%s) is newer than the one before it", i, e.ID)
		}
	}
}

// FuzzRead checks that no file content makes reading panic, and that what
// reads cleanly comes back newest first.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"", "this is not json", `{"version":1,"entries":[{"id":"a"`, `{"version":2,"entries":[]}`,
		`{"version":1,"entries":[{"id":"a","created":"2025-06-01T12:00:00Z"},{"id":"b","created":"2025-06-02T12:00:00Z"}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		s := &Store{dir: t.TempDir()}
		if err := os.WriteFile(s.Path(), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		entries, err := s.read()
		if err != nil {
			return
		}
		for i := 1; i < len(entries); i++ {
			if entries[i].Created.After(entries[i-1].Created) {
				t.Errorf("entry %d is newer than the one before it", i)
			}
		}
	})
}

func TestNewRequestEntry(t *testing.T) {
	req := signing.Request{Region: "cn-hangzhou", Bucket: "reports", Prefix: "in/acme/", MaxSize: 200_000_000, ContentTypePrefix: "image/",
		Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: "AKID", AccessKeySecret: "secret-never-stored"}}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	l, err := signing.NewRequestLink(req, now)
	if err != nil {
		t.Fatal(err)
	}
	e := NewRequestEntry("work", req, l, now)
	if e.Method != "POST" || e.Prefix != "in/acme/" || e.Key != "" || e.MaxSize != 200_000_000 || e.MinSize != 0 ||
		e.ContentTypePrefix != "image/" || !e.IsRequestLink() || e.Expires != now.Add(time.Hour) || e.ShareLink != l.ShareLink() {
		t.Errorf("entry %+v", e)
	}
	if e.Options != "" || e.AllowOverwrite || e.STS {
		t.Errorf("facts %+v", e)
	}
	s, raw := stored(t, e)
	if strings.Contains(string(raw), "secret-never-stored") || !strings.Contains(string(raw), `"prefix": "in/acme/"`) || !strings.Contains(string(raw), `"max_size": 200000000`) {
		t.Errorf("stored %s", raw)
	}
	got, _ := s.List()
	if len(got) != 1 || got[0].Prefix != "in/acme/" || got[0].MaxSize != 200_000_000 {
		t.Errorf("read back %+v", got)
	}
}

// TestMoveTokens: a history written before STS links were kept out of it
// loses their share links to keep, and keeps everything else.
func TestMoveTokens(t *testing.T) {
	s := open(t)
	sts := entry("sts", 0, time.Hour)
	sts.ShareLink = "https://b.example/k?x-oss-security-token=CANARY-token&x-oss-signature=1#ossdrop=1"
	plain := entry("plain", 0, time.Hour)
	mustAdd(t, s, sts, plain)
	kept := map[string]string{}
	n, err := s.MoveTokens(func(id, link string) { kept[id] = link })
	if err != nil || n != 1 || kept["sts"] != sts.ShareLink || len(kept) != 1 {
		t.Fatalf("MoveTokens = %d, %v; kept %v", n, err, kept)
	}
	raw, _ := os.ReadFile(s.Path())
	if strings.Contains(string(raw), "CANARY") {
		t.Fatalf("the token is still in the file:\n%s", raw)
	}
	got, _ := s.List()
	for _, e := range got {
		if e.ID == "sts" && (e.ShareLink != "" || !e.STS) || e.ID == "plain" && e.ShareLink != plain.ShareLink {
			t.Errorf("after the move: %+v", e)
		}
	}
	if n, err := s.MoveTokens(func(string, string) { t.Error("moved twice") }); n != 0 || err != nil {
		t.Errorf("second MoveTokens = %d, %v", n, err)
	}
}

// TestExistingObject: what a key held when the link was made is kept in
// the file and recognised again by its ETag and time, to the second that
// HeadObject tells; another ETag or a later second is another object.
func TestExistingObject(t *testing.T) {
	at := t0.Add(500 * time.Millisecond)
	x := &ExistingObject{ETag: "5D41402ABC4B2A76B9719D911017C592", Size: 5, LastModified: at}
	tests := []struct {
		name string
		x    *ExistingObject
		etag string
		at   time.Time
		want bool
	}{
		{"the same, as HeadObject tells it", x, `"5d41402abc4b2a76b9719d911017c592"`, t0, true},
		{"stored again a second later", x, x.ETag, t0.Add(time.Second), false},
		{"other bytes", x, "0CC175B9C0F1B6A831C399E269772661", at, false},
		{"nothing was there", nil, x.ETag, at, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.x.SameObject(tt.etag, tt.at); got != tt.want {
				t.Errorf("SameObject = %v, want %v", got, tt.want)
			}
		})
	}

	s := open(t)
	e := entry("checked", 0, time.Hour)
	e.KeyChecked, e.Existing = true, x
	if err := s.Add(e); err != nil {
		t.Fatal(err)
	}
	got, err := s.List()
	if err != nil || len(got) != 1 || !got[0].KeyChecked || got[0].Existing == nil || *got[0].Existing != *x {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if !got[0].Protected() {
		t.Error("an upload link without AllowOverwrite is protected")
	}
}
