package cli

import (
	"strings"
	"testing"
)

// TestProfileTestAsksOSS: 'profile test' asks the endpoint itself, so a
// wrong secret or an AccessKey ID with a typo is found before a link is
// sent; without a bucket it says that OSS was not asked instead of
// calling the profile usable.
func TestProfileTestAsksOSS(t *testing.T) {
	mockKeyring(t)
	srv := newOwnerWorld(t).srv // a sandbox with the bucket demo
	s := newSession(t)
	add := func(name, id, secret string, extra ...string) {
		t.Helper()
		s.ok(secret+"\n", append([]string{"profile", "add", name, "--access-key-id", id, "--region", "cn-hangzhou",
			"--endpoint", srv.URL(), "--path-style"}, extra...)...)
	}
	add("good", ownerKey.ID, ownerKey.Secret, "--bucket", "demo")
	add("wrongsecret", ownerKey.ID, "not-the-secret", "--bucket", "demo")
	add("typo", "AKIDCLIOWNER0l", ownerKey.Secret, "--bucket", "demo")
	add("nobucket", ownerKey.ID, "not-the-secret")
	add("gone", ownerKey.ID, ownerKey.Secret, "--bucket", "not-there")

	tests := []struct {
		name string
		args []string
		code int
		out  string // on stdout for exit 0, on stderr otherwise
	}{
		{"right key", []string{"good"}, ExitOK, "took the AccessKey: a signed listing of demo at " + srv.URL() + " succeeded"},
		{"wrong secret", []string{"wrongsecret"}, ExitFailed, "error: OSS refused the profile's AccessKey secret.\nhint: "},
		{"ID with a typo", []string{"typo"}, ExitFailed, "error: OSS does not know this AccessKey ID.\nhint: "},
		{"missing bucket", []string{"gone"}, ExitFailed, "error: The bucket does not exist."},
		{"no bucket: says OSS was not asked", []string{"nobucket"}, ExitOK, "OSS        not asked: the profile names no bucket; add --bucket B"},
		{"--bucket asks about it", []string{"nobucket", "--bucket", "demo"}, ExitFailed, "error: OSS refused the profile's AccessKey secret."},
		{"--offline", []string{"wrongsecret", "--offline"}, ExitOK, "not asked (--offline)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := s.run("", append([]string{"profile", "test"}, tt.args...)...)
			got := stdout
			if tt.code != ExitOK {
				got = stderr
			}
			if code != tt.code || !strings.Contains(got, tt.out) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tt.code, tt.out, stdout, stderr)
			}
			if tt.code == ExitOK && strings.Contains(stdout, "usable") {
				t.Errorf("calls the profile usable: %s", stdout)
			}
		})
	}
	assertNoLeak(t, s.output.String(), ownerKey.Secret, "not-the-secret")
}
