package ui

import (
	"path/filepath"
	"testing"
)

// TestParseArgs: "ossdrop LINK [FILE]", "ossdrop FILE" and --sandbox, as
// the command line routes them to the app (cli.IsCommand).
func TestParseArgs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.pdf")
	writeFile(t, file, "x")
	const link = "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=1"
	tests := []struct {
		args []string
		want Options
	}{
		{nil, Options{}},
		{[]string{"--sandbox"}, Options{Sandbox: true}},
		{[]string{link}, Options{Link: link}},
		{[]string{link, file}, Options{Link: link, File: file}},
		{[]string{file}, Options{File: file}},
		{[]string{file, link}, Options{Link: link, File: file}},
		{[]string{"--sandbox", "curl -T f 'https://x/k'", file}, Options{Sandbox: true, Link: "curl -T f 'https://x/k'", File: file}},
		{[]string{"not-a-file", file}, Options{Link: "not-a-file", File: file}},
	}
	for _, tt := range tests {
		if got := ParseArgs(tt.args); got != tt.want {
			t.Errorf("ParseArgs(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
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
	m.handOver(Options{Link: link, File: file})
	if m.tabs.SelectedIndex() != 1 || m.upload.paste.Text != link || m.upload.file != file || m.upload.upload.Disabled() {
		t.Fatalf("after the hand-over: tab %d, paste %q, file %q, %q", m.tabs.SelectedIndex(), m.upload.paste.Text, m.upload.file, m.upload.blocked.Text)
	}
	m.handOver(Options{Sandbox: true})
	waitFor(t, "the sandbox", func() bool { return m.sandbox != nil && m.createTab.key.Text != "" })
	if m.tabs.SelectedIndex() != 0 || m.createTab.profile.Selected != SandboxProfileName {
		t.Fatalf("--sandbox handed over: tab %d, profile %q", m.tabs.SelectedIndex(), m.createTab.profile.Selected)
	}
}
