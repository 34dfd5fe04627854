package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// TestHelpTexts: every command's and profile verb's --help reads as
// sentences (no lower-case word after a full stop, as "the default
// profile. the profile's region" was) and has no empty Flags: section.
func TestHelpTexts(t *testing.T) {
	lowerAfterStop := regexp.MustCompile(`[a-z)]\. +[a-z]`)
	names := [][]string{}
	for _, c := range commands {
		names = append(names, []string{c.name})
	}
	for _, v := range profileCommands {
		names = append(names, []string{"profile", v.name})
	}
	for _, args := range names {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, _ := runCLI(t, "", append(args, "--help")...)
			if code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			prose := strings.NewReplacer("e.g.", "eg", "i.e.", "ie").Replace(stdout)
			for _, m := range lowerAfterStop.FindAllString(prose, -1) {
				t.Errorf("a lower-case word after a full stop: %q in\n%s", m, stdout)
			}
			if strings.Contains(stdout, "Flags:\n") && strings.HasSuffix(strings.TrimRight(stdout, "\n"), "Flags:") {
				t.Errorf("an empty Flags: section:\n%s", stdout)
			}
		})
	}
}

// TestInspectSentences: inspect gives an unreadable link's own hint (not
// the same hint for every case), and says an expired link's time the way
// upload does.
func TestInspectSentences(t *testing.T) {
	srv := newUploadTestServer(t, nil)
	link := uploadTestLink(t, srv.URL)
	code, _, stderr := runCLI(t, "", "inspect", link.URL+"#ossdrop=9")
	if code != ExitFailed || stderr != "error: The link was made by a newer OSS Drop (share-link format \"9\").\nhint: Update OSS Drop, then open the link again.\n" {
		t.Errorf("newer format: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "inspect", "garbage")
	if code != ExitFailed || !strings.Contains(stderr, "hint: Paste the whole link, starting with https://") {
		t.Errorf("garbage: exit %d %q", code, stderr)
	}
	later := link.ExpiresAt.Add(90 * time.Second)
	want := "error: " + signing.ExpiredText(link.ExpiresAt, later).String() + "\n"
	code, _, inspectErr := runUploadCLI(t, false, later, "", "inspect", link.ShareLink())
	_, _, uploadErr := runUploadCLI(t, false, later, "", "upload", link.ShareLink(), uploadTestFile(t, "x"))
	if code != ExitFailed || !strings.HasPrefix(inspectErr, want) || !strings.HasPrefix(uploadErr, want) || !strings.Contains(want, "(1 minute 30 seconds ago).") {
		t.Errorf("expired: want %q\ninspect %q\nupload  %q", want, inspectErr, uploadErr)
	}
}
