package upload_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// requestLink signs a request link for the sandbox and inspects its share
// link, as the partner's side receives it.
func requestLink(t *testing.T, srv *sandbox.Server, mod func(*signing.Request)) *signing.Inspection {
	t.Helper()
	req := signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: "drop",
		Prefix: "in/acme/", MinSize: 1, MaxSize: 1 << 20, Expires: 15 * time.Minute,
		Credentials: signing.Credentials{AccessKeyID: sandboxKey.ID, AccessKeySecret: sandboxKey.Secret},
	}
	if mod != nil {
		mod(&req)
	}
	l, err := signing.NewRequestLink(req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in, err := signing.Inspect(l.ShareLink(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func writeTree(t *testing.T, files map[string]int) string {
	t.Helper()
	root := t.TempDir()
	for name, n := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + n)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestRequestLinkUpload(t *testing.T) {
	srv := startSandbox(t, 0)
	in := requestLink(t, srv, func(r *signing.Request) { r.Metadata = map[string]string{"project": "apollo"} })
	file, sum := randomFile(t, "report 1.pdf", 300_000)
	var last upload.Progress
	res, err := upload.Upload(context.Background(), upload.Request{Link: in, File: file, Progress: func(p upload.Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key != "in/acme/report 1.pdf" || !res.CRCVerified || !res.MD5Verified || res.Size != 300_000 {
		t.Errorf("result %+v", res)
	}
	if last.Sent != 300_000 || last.Total != 300_000 {
		t.Errorf("last progress %+v counts more than the file", last)
	}
	if download(t, srv, "in/acme/report 1.pdf") != sum {
		t.Error("the stored object differs from the file")
	}
	info, _ := srv.Stat("drop", "in/acme/report 1.pdf")
	if info.ContentType != "application/pdf" || info.Metadata["project"] != "apollo" {
		t.Errorf("stored %+v", info)
	}
}

func TestRequestLinkPreChecks(t *testing.T) {
	srv := startSandbox(t, 0)
	dir := writeTree(t, map[string]int{"big.png": 2 << 20, "empty.png": 0, "notes.txt": 10, "ok.png": 10})
	tests := []struct {
		name string
		mod  func(*signing.Request)
		file string
		kind error
		text string
	}{
		{"too big", nil, "big.png", upload.ErrTooLarge, "2.0 MiB, more than the 1.0 MiB this link takes"},
		{"too small", nil, "empty.png", upload.ErrTooSmall, "less than the 1 byte"},
		{"wrong type", func(r *signing.Request) { r.ContentTypePrefix = "image/" }, "notes.txt", upload.ErrType, "looks like text/plain"},
		{"right type", func(r *signing.Request) { r.ContentTypePrefix = "image/" }, "ok.png", nil, ""},
		{"expired", func(r *signing.Request) { r.Expires = time.Second }, "ok.png", upload.ErrExpired, "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := requestLink(t, srv, tt.mod)
			now := time.Now
			if tt.kind == upload.ErrExpired {
				now = func() time.Time { return time.Now().Add(time.Minute) }
			}
			err := upload.Check(upload.Request{Link: in, File: filepath.Join(dir, tt.file), Now: now})
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ue *upload.Error
			if !errors.Is(err, tt.kind) || !errors.As(err, &ue) || !strings.Contains(ue.Sentence.String(), tt.text) || ue.Hint.IsZero() {
				t.Errorf("got %v, want %v saying %q with a hint", err, tt.kind, tt.text)
			}
		})
	}
}

func TestExpandKeepsFolders(t *testing.T) {
	root := writeTree(t, map[string]int{"photos/a.jpg": 1, "photos/2026/b.jpg": 1, "loose.txt": 1})
	files, err := upload.Expand([]string{filepath.Join(root, "photos"), filepath.Join(root, "loose.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "loose.txt,photos/2026/b.jpg,photos/a.jpg" {
		t.Errorf("names %q", names)
	}
	if _, err := upload.Expand([]string{filepath.Join(root, "missing")}); !errors.Is(err, upload.ErrFile) {
		t.Errorf("missing path: %v", err)
	}
}

func TestQueue(t *testing.T) {
	srv := startSandbox(t, 0)
	in := requestLink(t, srv, nil)
	root := writeTree(t, map[string]int{"photos/a.jpg": 100_000, "photos/sub/b.jpg": 200_000, "photos/c.jpg": 300_000,
		"too big.bin": 2 << 20, "taken.txt": 50})
	// taken.txt is already there: the link protects it.
	if _, err := upload.Upload(context.Background(), upload.Request{Link: in, File: filepath.Join(root, "taken.txt")}); err != nil {
		t.Fatal(err)
	}
	files, err := upload.Expand([]string{filepath.Join(root, "photos"), filepath.Join(root, "too big.bin"), filepath.Join(root, "taken.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu        sync.Mutex
		snapshots []upload.QueueStatus
		maxActive int
	)
	q := &upload.Queue{Link: in, Parallel: 2, Progress: func(s upload.QueueStatus) {
		mu.Lock()
		defer mu.Unlock()
		snapshots = append(snapshots, s)
		active := 0
		for _, f := range s.Files {
			if f.State == upload.Sending {
				active++
			}
		}
		maxActive = max(maxActive, active)
	}}
	final := q.Run(context.Background(), files)
	if !final.Done || final.Stored != 3 || final.Failed != 2 || final.OK() {
		t.Fatalf("final %+v", final)
	}
	// taken.txt passes its checks, so it counts in the total; whether its
	// 50 bytes left before OSS refused it (which OSS may do as soon as it
	// has read the key) is a race between the two sides, so they may or
	// may not count as sent.
	if final.Sent < 600_000 || final.Sent > 600_050 || final.Total != 600_050 {
		t.Errorf("bytes %d of %d, want 600000 to 600050 of 600050", final.Sent, final.Total)
	}
	for _, f := range final.Files {
		switch f.Name {
		case "too big.bin":
			// Its size says why it was refused (--json's "size").
			if f.State != upload.Failed || !errors.Is(f.Err, upload.ErrTooLarge) || f.Result != nil || f.Size != 2<<20 {
				t.Errorf("%s: %+v", f.Name, f)
			}
		case "taken.txt":
			var ue *upload.Error
			if f.State != upload.Failed || !errors.As(f.Err, &ue) || ue.Kind != upload.ErrExists || !strings.Contains(ue.Hint.String(), "Rename") {
				t.Errorf("%s: %+v", f.Name, f)
			}
		default:
			if f.State != upload.Stored || !f.Result.Verified() || f.Key != "in/acme/"+f.Name {
				t.Errorf("%s: %+v", f.Name, f)
			}
			data, _ := os.ReadFile(f.Path)
			if download(t, srv, f.Key) != sha256.Sum256(data) {
				t.Errorf("%s differs on the server", f.Key)
			}
		}
	}
	if maxActive > 2 || maxActive == 0 {
		t.Errorf("%d files were sent at once, want 1 or 2", maxActive)
	}
	if len(snapshots) < 4 || !snapshots[len(snapshots)-1].Done {
		t.Errorf("%d snapshots, last done %v", len(snapshots), snapshots[len(snapshots)-1].Done)
	}
}

func TestQueueCancel(t *testing.T) {
	srv := startSandbox(t, 0)
	in := requestLink(t, srv, nil)
	root := writeTree(t, map[string]int{"a.bin": 10, "b.bin": 10})
	files, _ := upload.Expand([]string{root})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	final := (&upload.Queue{Link: in}).Run(ctx, files)
	for _, f := range final.Files {
		if f.State != upload.Canceled {
			t.Errorf("%s: state %v after cancel", f.Name, f.State)
		}
	}
	if objs, _ := srv.Objects(); len(objs) != 0 {
		t.Errorf("stored after cancel: %+v", objs)
	}
}

func TestQueueSameKeyTwice(t *testing.T) {
	srv := startSandbox(t, 0)
	in := requestLink(t, srv, nil)
	a, b := writeTree(t, map[string]int{"x.txt": 3}), writeTree(t, map[string]int{"x.txt": 4})
	files, _ := upload.Expand([]string{filepath.Join(a, "x.txt"), filepath.Join(b, "x.txt")})
	final := (&upload.Queue{Link: in}).Run(context.Background(), files)
	if final.Stored != 1 || final.Failed != 1 || !strings.Contains(final.Files[1].Err.Error(), "both be stored") {
		t.Errorf("final %+v", final)
	}
}

// TestQueueCheck: Check says, before anything is sent, which files can go
// through the link and why the others cannot, as Run would find them.
func TestQueueCheck(t *testing.T) {
	srv := startSandbox(t, 0)
	in := requestLink(t, srv, nil) // 1 byte to 1 MiB
	root := writeTree(t, map[string]int{"ok.txt": 3, "empty.txt": 0, "huge.bin": 2 << 20, "sub/ok.txt": 5})
	files := []upload.File{
		{Path: filepath.Join(root, "ok.txt"), Name: "ok.txt"},
		{Path: filepath.Join(root, "empty.txt"), Name: "empty.txt"},
		{Path: filepath.Join(root, "huge.bin"), Name: "huge.bin"},
		{Path: filepath.Join(root, "sub", "ok.txt"), Name: "ok.txt"},
		{Path: filepath.Join(root, "gone.txt"), Name: "gone.txt"},
	}
	plans, errs := (&upload.Queue{Link: in}).Check(files)
	tests := []struct {
		name string
		kind error // nil: the file can go
	}{
		{"ok.txt", nil}, {"empty.txt", upload.ErrTooSmall}, {"huge.bin", upload.ErrTooLarge},
		{"the second ok.txt", upload.ErrFile}, {"gone.txt", upload.ErrFile},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.kind == nil && (errs[i] != nil || plans[i] == nil || plans[i].Key != "in/acme/ok.txt"):
				t.Errorf("plan %+v, error %v", plans[i], errs[i])
			case tt.kind != nil && (!errors.Is(errs[i], tt.kind) || plans[i] != nil):
				t.Errorf("error %v, want %v", errs[i], tt.kind)
			}
		})
	}
	if objs, _ := srv.Objects(); len(objs) != 0 {
		t.Errorf("Check stored %+v", objs)
	}
}
