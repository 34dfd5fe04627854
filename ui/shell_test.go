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
			copyButton := lastButton(t, r.container, "Copy", "Copied") // the curl command is the last text

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

// lastButton returns the last button labelled one of texts.
func lastButton(t *testing.T, root fyne.CanvasObject, texts ...string) *widget.Button {
	t.Helper()
	var last *widget.Button
	for _, o := range test.LaidOutObjects(root) {
		if b, ok := o.(*widget.Button); ok && slices.Contains(texts, b.Text) {
			last = b
		}
	}
	if last == nil {
		t.Fatalf("no button labelled %q", texts)
	}
	return last
}

// TestResultShellPickerRequestLink: the picker rewrites a request link's
// curl -F command too.
func TestResultShellPickerRequestLink(t *testing.T) {
	r, l, req := newRequestResultCard(t)
	r.showRequest(l, req)
	for _, sh := range signing.Shells {
		r.shellPick.SetSelected(shellLabel(sh))
		if r.curl.Text != l.CurlIn(sh, "") || r.curlText != r.curl.Text || !strings.Contains(r.curl.Text, " -F ") {
			t.Errorf("%s: curl %q", sh, r.curl.Text)
		}
	}
}

// newRequestResultCard is an empty result card in a test window and a
// request link (folder in/acme/, at most 1 MiB) to show on it.
func newRequestResultCard(t *testing.T) (*resultCard, *signing.RequestLink, signing.Request) {
	t.Helper()
	svc, _, _ := newFakeServices()
	svc.Now = time.Now
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	r := newResultCard(w, svc, func(signing.Request) {}, func(string) {})
	w.SetContent(r.container)
	req := signing.Request{Region: "cn-hangzhou", Bucket: "reports", Method: signing.MethodPost, Prefix: "in/acme/", MaxSize: 1 << 20,
		Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: "AKIDUITEST000001", AccessKeySecret: "ui-test-secret"}}
	l, err := signing.NewRequestLink(req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r, l, req
}
