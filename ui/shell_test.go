package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// TestResultShellPicker: the curl command starts in the system's natural
// shell, the picker rewrites it (and what Copy copies), and the next link
// keeps the choice.
func TestResultShellPicker(t *testing.T) {
	svc, _, _ := newFakeServices()
	svc.Now = time.Now
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("in/q3 report.pdf")
	test.Tap(tab.create)
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() })
	r := tab.result
	if r.shellPick.Selected != shellLabel(signing.NaturalShell) || r.curl.Text != r.link.CurlIn(signing.NaturalShell, "") {
		t.Errorf("picker %q, curl %q: want the natural shell %s", r.shellPick.Selected, r.curl.Text, signing.NaturalShell)
	}
	if len(r.shellPick.Options) != len(signing.Shells) {
		t.Errorf("options %q", r.shellPick.Options)
	}

	tests := []struct {
		shell  signing.Shell
		prefix string
	}{
		{signing.ShellPowerShell, "curl.exe -X PUT -T ./FILE -H 'x-oss-forbid-overwrite: true' 'https://"},
		{signing.ShellCmd, `curl.exe -X PUT -T ./FILE -H ^"x-oss-forbid-overwrite: true^" https://`},
		{signing.ShellPOSIX, "curl -X PUT -T ./FILE -H 'x-oss-forbid-overwrite: true' 'https://"},
	}
	for _, tt := range tests {
		t.Run(string(tt.shell), func(t *testing.T) {
			r.shellPick.SetSelected(shellLabel(tt.shell))
			if !strings.HasPrefix(r.curl.Text, tt.prefix) {
				t.Errorf("curl %q does not start with %q", r.curl.Text, tt.prefix)
			}
			copyButton := findButton(t, r.container, 3, "Copy", "Copied")
			test.Tap(copyButton)
			if got := fyne.CurrentApp().Clipboard().Content(); got != r.curl.Text {
				t.Errorf("Copy copied %q, the card shows %q", got, r.curl.Text)
			}
		})
	}

	r.shellPick.SetSelected(shellLabel(signing.ShellCmd))
	next := newResultCard(tab.win, svc, nil, nil)
	next.show(r.link, r.req)
	if next.shellPick.Selected != shellLabel(signing.ShellCmd) || !strings.HasPrefix(next.curl.Text, "curl.exe -X PUT") {
		t.Errorf("the next card forgot the shell: %q, %q", next.shellPick.Selected, next.curl.Text)
	}
}

// findButton returns the nth (from 1) button labelled one of texts.
func findButton(t *testing.T, root fyne.CanvasObject, nth int, texts ...string) *widget.Button {
	t.Helper()
	n := 0
	for _, o := range test.LaidOutObjects(root) {
		if b, ok := o.(*widget.Button); ok && slices.Contains(texts, b.Text) {
			if n++; n == nth {
				return b
			}
		}
	}
	t.Fatalf("no button %d labelled %q", nth, texts)
	return nil
}
