package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// TestParseArgs: "ossdrop LINK [FILE…]", "ossdrop FILE" and --sandbox, as
// the command line routes them to the app (cli.IsCommand): every file and
// folder named, in the order given.
func TestParseArgs(t *testing.T) {
	dir := t.TempDir()
	file, photo, folder := filepath.Join(dir, "report.pdf"), filepath.Join(dir, "photo.png"), filepath.Join(dir, "scans")
	writeFile(t, file, "x")
	writeFile(t, photo, "x")
	os.Mkdir(folder, 0o700)
	gone := filepath.Join(dir, "gone.txt")
	const link = "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=1"
	tests := []struct {
		name string
		args []string
		want Options
	}{
		{"nothing", nil, Options{}},
		{"sandbox", []string{"--sandbox"}, Options{Sandbox: true}},
		{"link", []string{link}, Options{Link: link}},
		{"link and file", []string{link, file}, Options{Link: link, Files: []string{file}}},
		{"file", []string{file}, Options{Files: []string{file}}},
		{"file first", []string{file, link}, Options{Link: link, Files: []string{file}}},
		{"curl command", []string{"--sandbox", "curl -T f 'https://x/k'", file}, Options{Sandbox: true, Link: "curl -T f 'https://x/k'", Files: []string{file}}},
		{"not a file", []string{"not-a-file", file}, Options{Link: "not-a-file", Files: []string{file}}},
		{"several, in order", []string{link, photo, file, folder}, Options{Link: link, Files: []string{photo, file, folder}}},
		{"a missing file after the link", []string{link, photo, gone, file}, Options{Link: link, Files: []string{photo, gone, file}}},
		{"files around the link", []string{file, link, photo}, Options{Link: link, Files: []string{file, photo}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseArgs(tt.args); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseArgs(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}

// TestHandOverFillsTheQueue: "ossdrop REQUEST-LINK FILE…" puts every file
// and folder named in the queue, in the order given, as a drop of them
// does; a path that cannot be read is said, the rest still go in. A
// one-file link explains several files as it does for a drop.
func TestHandOverFillsTheQueue(t *testing.T) {
	sb := newTestSandbox(t)
	svc, _, _ := newFakeServices()
	m := newSandboxWindow(t, svc)
	m.loadProfiles()
	defer m.close()
	l, err := signing.NewRequestLink(signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: sb.url,
		Bucket: "demo", Prefix: "in/", Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: sb.key.ID, AccessKeySecret: sb.key.Secret}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	empty, huge, photo, notes := filepath.Join(dir, "empty.png"), filepath.Join(dir, "huge.png"), filepath.Join(dir, "photo.png"), filepath.Join(dir, "notes.txt")
	writeFile(t, empty, "")
	writeFile(t, huge, strings.Repeat("h", 4096))
	writeFile(t, photo, "\x89PNG")
	writeFile(t, notes, "notes")
	scans := filepath.Join(dir, "scans")
	os.MkdirAll(filepath.Join(scans, "sub"), 0o700)
	writeFile(t, filepath.Join(scans, "sub", "page.txt"), "page")
	gone := filepath.Join(dir, "gone.txt")

	m.handOver(ParseArgs([]string{l.ShareLink(), empty, huge, gone, photo, scans, notes}))
	var names []string
	for _, r := range m.upload.queue.rows {
		names = append(names, r.file.Name)
	}
	if want := []string{"empty.png", "huge.png", "photo.png", "scans/sub/page.txt", "notes.txt"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("queue %q, want %q", names, want)
	}
	if !strings.Contains(m.upload.queue.totalText.Text, "gone.txt") {
		t.Errorf("the missing file is not said: %q", m.upload.queue.totalText.Text)
	}

	// A one-file link: several files are explained, as for a drop.
	put := sb.link(t, "", "in/one.txt", nil).ShareLink()
	m.handOver(ParseArgs([]string{put, photo, notes}))
	if m.upload.file != "" || !strings.Contains(m.upload.fileWarning.Text, "2 files, but this link uploads one object") {
		t.Errorf("two files for a one-file link: file %q, %q", m.upload.file, m.upload.fileWarning.Text)
	}
}

// TestHandOverShowsTheLink: a later start's link and file (handed over by
// app/instance) land on this window's Upload tab, as they would have on
// its own; --sandbox starts the sandbox here.
func TestHandOverShowsTheLink(t *testing.T) {
	sb := newTestSandbox(t)
	svc, _, _ := newFakeServices()
	m := newSandboxWindow(t, svc)
	m.loadProfiles()
	defer m.close()
	link := sb.link(t, "", "handed/q3.pdf", nil).ShareLink()
	file := tempFile(t, "q3.pdf", "handed over")
	m.handOver(Options{Link: link, Files: []string{file}})
	if m.tabs.SelectedIndex() != 1 || m.upload.paste.Text != link || m.upload.file != file || m.upload.upload.Disabled() {
		t.Fatalf("after the hand-over: tab %d, paste %q, file %q, %q", m.tabs.SelectedIndex(), m.upload.paste.Text, m.upload.file, m.upload.blocked.Text)
	}
	m.handOver(Options{Sandbox: true})
	waitFor(t, "the sandbox", func() bool { return m.sandbox != nil && m.createTab.key.Text != "" })
	if m.tabs.SelectedIndex() != 0 || m.createTab.profile.Selected != SandboxProfileName {
		t.Fatalf("--sandbox handed over: tab %d, profile %q", m.tabs.SelectedIndex(), m.createTab.profile.Selected)
	}
}
