package credentials

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// These tests talk to a real Secret Service. They run only when asked, and
// inside a throw-away session bus (see the Makefile):
//
//	OSSDROP_KEYRING_TEST=1     a gnome-keyring-daemon is unlocked on the bus
//	OSSDROP_NO_KEYRING_TEST=1  DBUS_SESSION_BUS_ADDRESS points nowhere

func realKeychain(t *testing.T) {
	t.Helper()
	if os.Getenv(envRealKeyring) != "1" {
		t.Skip("set " + envRealKeyring + "=1 inside dbus-run-session with gnome-keyring unlocked")
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal(envRealKeyring + "=1 but no session bus: run the test inside dbus-run-session")
	}
}

// secretTool asks the Secret Service directly (libsecret-tools), so the
// test does not take go-keyring's word for what it stored. installed is
// false when secret-tool is missing.
func secretTool(t *testing.T, args ...string) (out string, installed bool) {
	t.Helper()
	path, err := exec.LookPath("secret-tool")
	if err != nil {
		t.Log("secret-tool not installed: not cross-checking the keychain")
		return "", false
	}
	b, err := exec.Command(path, args...).Output()
	if err != nil {
		t.Errorf("secret-tool %v: %v", args, err)
	}
	return string(b), true
}

func TestKeyringRoundTrip(t *testing.T) {
	realKeychain(t)
	s := NewStore(filepath.Join(t.TempDir(), "ossdrop"), SystemKeychain{})
	// A unique name keeps a run on someone's real login keyring harmless.
	name := fmt.Sprintf("rt%d", time.Now().UnixNano())
	secret := "s3cr3t-LEAK-CANARY-rt-" + name
	token := "t0k3n-LEAK-CANARY-rt-" + name
	t.Cleanup(func() { s.Remove(name); s.Remove(name + "-sts"); s.Remove(name + "-moved") })

	p := permanent(name)
	mustAdd(t, s, p, Secrets{AccessKeySecret: secret})
	if got, ok := secretTool(t, "lookup", "service", Service, "username", name+"/secret"); ok && got != secret {
		t.Errorf("secret-tool sees %d bytes, not the secret", len(got))
	}

	ps, err := s.List()
	if err != nil || len(ps) != 1 || ps[0].Name != name || !ps[0].Default {
		t.Fatalf("List = %v, %v", ps, err)
	}

	_, c, err := s.Load(name)
	if err != nil || c.AccessKeySecret != secret {
		t.Fatalf("Load = %v, %v", c, err)
	}
	link, err := signing.Presign(context.Background(), signing.Request{
		Region: p.Region, Bucket: p.Bucket, Key: "keyring/round-trip.txt", Expires: time.Minute, Credentials: c,
	})
	if err != nil {
		t.Fatalf("Presign with the keychain's credentials: %v", err)
	}
	if !strings.Contains(link.URL, "x-oss-signature=") || strings.Contains(link.URL, secret) {
		t.Errorf("link = %s", link.URL)
	}

	if err := s.Rotate(p, Secrets{AccessKeySecret: secret + "-rotated"}); err != nil {
		t.Fatal(err)
	}
	if _, c, err = s.Load(name); err != nil || c.AccessKeySecret != secret+"-rotated" {
		t.Fatalf("Load after rotate = %v, %v", c, err)
	}

	stsP := sts(name+"-sts", time.Now().Add(time.Hour))
	mustAdd(t, s, stsP, Secrets{AccessKeySecret: secret, SecurityToken: token})
	if _, c, err = s.Load(stsP.Name); err != nil || c.SecurityToken != token {
		t.Fatalf("Load STS = %v, %v", c, err)
	}

	if err := s.Rename(name, name+"-moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := (SystemKeychain{}).Get(Service, name+"/secret"); !errors.Is(err, ErrItemNotFound) {
		t.Errorf("old item after rename: %v", err)
	}

	// Deleted behind OSS Drop's back, as Seahorse would.
	if err := (SystemKeychain{}).Delete(Service, name+"-moved/secret"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Load(name + "-moved")
	if !errors.Is(err, ErrSecretMissing) || !strings.Contains(err.Error(), "ossdrop profile rotate "+name+"-moved") {
		t.Errorf("Load of a vanished item = %v", err)
	}

	for _, n := range []string{name + "-moved", stsP.Name} {
		if err := s.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
	for _, user := range []string{name + "-moved/secret", stsP.Name + "/secret", stsP.Name + "/sts-token"} {
		if _, err := (SystemKeychain{}).Get(Service, user); !errors.Is(err, ErrItemNotFound) {
			t.Errorf("item %s after remove: %v", user, err)
		}
	}
	assertNoCanaryInDir(t, filepath.Dir(s.Path()))
	assertNoSecretInDir(t, filepath.Dir(s.Path()), secret, token)
}

func TestKeyringUnavailable(t *testing.T) {
	if os.Getenv(envNoKeyring) != "1" {
		t.Skip("set " + envNoKeyring + "=1 with DBUS_SESSION_BUS_ADDRESS pointing nowhere")
	}
	dir := t.TempDir()
	s := NewStore(filepath.Join(dir, "ossdrop"), SystemKeychain{})
	secret := "s3cr3t-LEAK-CANARY-nokeyring"

	start := time.Now()
	err := s.Add(permanent("work"), Secrets{AccessKeySecret: secret})
	if !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("Add without a keychain = %v, want ErrKeychainUnavailable", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("Add took %v to give up", time.Since(start))
	}
	msg := err.Error()
	t.Log(msg)
	for _, want := range []string{"cannot be reached", "gnome-keyring", "KeePassXC", "OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "never keeps secrets in a file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("the error shows the secret")
	}
	if ps, _ := s.List(); len(ps) != 0 {
		t.Errorf("a profile was saved without its secret: %v", ps)
	}
	assertNoSecretInDir(t, dir, secret)
}

func assertNoSecretInDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(path)
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains a secret", path)
			}
		}
		return nil
	})
}
