package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/ossdrop/ossdrop/app/privatefile"
	"github.com/ossdrop/ossdrop/signing"
)

// Canaries: recognisable values that must never show up in a file, an
// error or a String form.
const (
	canarySecret = "s3cr3t-LEAK-CANARY-unit-7f3a9c"
	canaryToken  = "t0k3n-LEAK-CANARY-unit-2b8e41"
)

// The modes below exclude each other in one test process: keyring.MockInit
// replaces go-keyring's provider for good, so mock tests skip when a real
// keychain run was asked for, and real ones skip otherwise.
const (
	envRealKeyring = "OSSDROP_KEYRING_TEST"
	envNoKeyring   = "OSSDROP_NO_KEYRING_TEST"
)

// mockStore returns an empty store in a temp dir over go-keyring's mock.
func mockStore(t *testing.T) *Store {
	t.Helper()
	if os.Getenv(envRealKeyring) == "1" || os.Getenv(envNoKeyring) == "1" {
		t.Skip("a real keychain run: the mock would replace the Secret Service")
	}
	MockInit()
	return NewStore(filepath.Join(t.TempDir(), "ossdrop"), SystemKeychain{})
}

func permanent(name string) Profile {
	return Profile{Name: name, AccessKeyID: "TESTKYUnitTest0001abcd", Kind: KindPermanent, Region: "cn-hangzhou", Bucket: "uploads"}
}

func sts(name string, expires time.Time) Profile {
	return Profile{Name: name, AccessKeyID: "STS.NUnitTest00002wxyz", Kind: KindSTS, Region: "cn-shanghai", STSExpires: expires}
}

func mustAdd(t *testing.T, s *Store, p Profile, sec Secrets) {
	t.Helper()
	if err := s.Add(p, sec); err != nil {
		t.Fatalf("Add(%s): %v", p.Name, err)
	}
}

func TestAddValidation(t *testing.T) {
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name string
		p    Profile
		sec  Secrets
		want string // substring of the error; "" means success
	}{
		{"permanent", permanent("work"), Secrets{AccessKeySecret: canarySecret}, ""},
		{"sts", sts("temp", future), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, ""},
		{"custom endpoint", Profile{Name: "sandbox", AccessKeyID: "TESTKYUnitTest0001abcd", Kind: KindPermanent, Region: "cn-hangzhou",
			EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", PathStyle: true}, Secrets{AccessKeySecret: canarySecret}, ""},
		{"reserved name", permanent(EnvironmentProfile), Secrets{AccessKeySecret: canarySecret}, "reserved"},
		{"slash in name", permanent("a/b"), Secrets{AccessKeySecret: canarySecret}, "not a usable profile name"},
		{"empty name", permanent(""), Secrets{AccessKeySecret: canarySecret}, "not a usable profile name"},
		{"no id", Profile{Name: "x", Kind: KindPermanent, Region: "cn-hangzhou"}, Secrets{AccessKeySecret: canarySecret}, "AccessKey ID is empty"},
		{"no secret", permanent("x"), Secrets{}, "secret is empty"},
		{"token on permanent", permanent("x"), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, "has no STS token"},
		{"sts without token", sts("x", future), Secrets{AccessKeySecret: canarySecret}, "needs its security token"},
		{"sts for 12 hours", sts("x", time.Now().Add(12*time.Hour)), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, ""},
		{"sts for 9 days", sts("x", time.Now().Add(9*24*time.Hour)), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, "lasts at most 12 hours"},
		{"sts for 13 hours", sts("x", time.Now().Add(13*time.Hour)), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, "12h or less"},
		{"sts without expiry", sts("x", time.Time{}), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}, "time its token expires"},
		{"bad kind", Profile{Name: "x", AccessKeyID: "TESTKYUnitTest0001abcd", Kind: "forever", Region: "cn-hangzhou"}, Secrets{AccessKeySecret: canarySecret}, "not a profile kind"},
		{"bad region", Profile{Name: "x", AccessKeyID: "TESTKYUnitTest0001abcd", Kind: KindPermanent, Region: "Hangzhou!"}, Secrets{AccessKeySecret: canarySecret}, "not an OSS region"},
		{"no region", Profile{Name: "x", AccessKeyID: "TESTKYUnitTest0001abcd", Kind: KindPermanent}, Secrets{AccessKeySecret: canarySecret}, "region is empty"},
		{"bad bucket", Profile{Name: "x", AccessKeyID: "TESTKYUnitTest0001abcd", Kind: KindPermanent, Region: "cn-hangzhou", Bucket: "Bad_Bucket"}, Secrets{AccessKeySecret: canarySecret}, "bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mockStore(t)
			err := s.Add(tt.p, tt.sec)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Add: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Add error = %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalidProfile) {
				t.Errorf("Add error %v is not ErrInvalidProfile", err)
			}
			assertNoCanary(t, err.Error())
			if _, statErr := os.Stat(s.Path()); !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("a rejected profile wrote %s", s.Path())
			}
		})
	}
}

func TestLoad(t *testing.T) {
	s := mockStore(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	mustAdd(t, s, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	mustAdd(t, s, sts("temp", now.Add(time.Hour)), Secrets{AccessKeySecret: canarySecret + "-2", SecurityToken: canaryToken})
	mustAdd(t, s, sts("old", now.Add(-time.Minute)), Secrets{AccessKeySecret: canarySecret + "-3", SecurityToken: canaryToken + "-3"})
	mustAdd(t, s, permanent("gone"), Secrets{AccessKeySecret: canarySecret + "-4"})
	mustAdd(t, s, sts("tokenless", now.Add(time.Hour)), Secrets{AccessKeySecret: canarySecret + "-5", SecurityToken: canaryToken + "-5"})
	if err := keyring.Delete(Service, "gone/secret"); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Delete(Service, "tokenless/sts-token"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		profile string
		want    signing.Credentials
		wantErr error
		msg     string
	}{
		{"permanent", "work", signing.Credentials{AccessKeyID: "TESTKYUnitTest0001abcd", AccessKeySecret: canarySecret}, nil, ""},
		{"sts", "temp", signing.Credentials{AccessKeyID: "STS.NUnitTest00002wxyz", AccessKeySecret: canarySecret + "-2", SecurityToken: canaryToken, TokenExpires: now.Add(time.Hour)}, nil, ""},
		{"expired sts", "old", signing.Credentials{}, ErrTokenExpired, "expired at"},
		{"secret gone", "gone", signing.Credentials{}, ErrSecretMissing, "ossdrop profile rotate gone"},
		{"token gone", "tokenless", signing.Credentials{}, ErrSecretMissing, "STS token of profile"},
		{"no such profile", "nobody", signing.Credentials{}, ErrNoProfile, "no profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c, err := s.Load(tt.profile)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if c != tt.want {
					t.Errorf("Load credentials = %#v, want %#v", c, tt.want)
				}
				if p.Name != tt.profile {
					t.Errorf("Load profile = %s", p.Name)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Load error %q does not say %q", err, tt.msg)
			}
			if c != (signing.Credentials{}) {
				t.Errorf("a failed Load returned credentials")
			}
			assertNoCanary(t, err.Error())
		})
	}
	t.Run("expired matches signing's sentinel", func(t *testing.T) {
		_, _, err := s.Load("old")
		if !errors.Is(err, signing.ErrTokenExpired) {
			t.Errorf("%v is not signing.ErrTokenExpired", err)
		}
	})
}

func TestDefaults(t *testing.T) {
	s := mockStore(t)
	if _, err := s.Default(); !errors.Is(err, ErrNoDefault) {
		t.Fatalf("empty store Default error = %v", err)
	}
	sec := Secrets{AccessKeySecret: canarySecret}
	mustAdd(t, s, permanent("a"), sec)
	mustAdd(t, s, permanent("b"), sec)
	steps := []struct {
		name string
		do   func() error
		want string // the default afterwards; "" for none
	}{
		{"first added is default", func() error { return nil }, "a"},
		{"add with Default takes it", func() error { p := permanent("c"); p.Default = true; return s.Add(p, sec) }, "c"},
		{"SetDefault", func() error { return s.SetDefault("b") }, "b"},
		{"SetDefault unknown", func() error { return s.SetDefault("zzz") }, "b"},
		{"rename keeps default", func() error { return s.Rename("b", "bee") }, "bee"},
		{"remove default with two left", func() error { return s.Remove("bee") }, ""},
		{"SetDefault a", func() error { return s.SetDefault("a") }, "a"},
		{"remove default with one left", func() error { return s.Remove("a") }, "c"},
		{"clear", func() error { return s.SetDefault("") }, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := st.do()
			if err != nil && !errors.Is(err, ErrNoProfile) {
				t.Fatal(err)
			}
			ps, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			got, n := "", 0
			for _, p := range ps {
				if p.Default {
					got, n = p.Name, n+1
				}
			}
			if got != st.want || n > 1 {
				t.Errorf("default = %q (%d defaults), want %q", got, n, st.want)
			}
		})
	}
}

func TestRotateRenameRemove(t *testing.T) {
	s := mockStore(t)
	mustAdd(t, s, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	user := func(name, item string) string { return name + "/" + item }

	t.Run("rotate to a new key", func(t *testing.T) {
		p := permanent("work")
		p.AccessKeyID = "TESTKYRotated0000zzzz"
		p.Region = "ignored-by-rotate"
		if err := s.Rotate(p, Secrets{AccessKeySecret: canarySecret + "-new"}); err != nil {
			t.Fatal(err)
		}
		got, c, err := s.Load("work")
		if err != nil {
			t.Fatal(err)
		}
		if c.AccessKeyID != "TESTKYRotated0000zzzz" || c.AccessKeySecret != canarySecret+"-new" || got.Region != "cn-hangzhou" {
			t.Errorf("after rotate: %v %v region %s", got, c, got.Region)
		}
	})
	t.Run("rotate restores a missing secret", func(t *testing.T) {
		keyring.Delete(Service, user("work", "secret"))
		if _, _, err := s.Load("work"); !errors.Is(err, ErrSecretMissing) {
			t.Fatalf("Load = %v, want ErrSecretMissing", err)
		}
		p, _ := s.Get("work")
		if err := s.Rotate(p, Secrets{AccessKeySecret: canarySecret}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Load("work"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("rotate permanent to sts and back", func(t *testing.T) {
		p := sts("work", time.Now().Add(time.Hour))
		if err := s.Rotate(p, Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}); err != nil {
			t.Fatal(err)
		}
		if v, _ := keyring.Get(Service, user("work", "sts-token")); v != canaryToken {
			t.Errorf("token item = %q", v)
		}
		if err := s.Rotate(permanent("work"), Secrets{AccessKeySecret: canarySecret}); err != nil {
			t.Fatal(err)
		}
		if _, err := keyring.Get(Service, user("work", "sts-token")); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("a permanent profile kept its old token item: %v", err)
		}
		if got, _ := s.Get("work"); !got.STSExpires.IsZero() {
			t.Errorf("permanent profile kept STSExpires %v", got.STSExpires)
		}
	})
	t.Run("update keeps the key", func(t *testing.T) {
		p, _ := s.Get("work")
		p.Bucket, p.Label, p.AccessKeyID = "other-bucket", "client X", "TESTKYIgnoredByUpdate00"
		p.PageURL = "https://files.example.com/_ossdrop/upload.html"
		if err := s.Update(p); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get("work")
		if got.Bucket != "other-bucket" || got.Label != "client X" || got.AccessKeyID == "TESTKYIgnoredByUpdate00" || got.PageURL != p.PageURL {
			t.Errorf("after update: %+v", got)
		}
		p.PageURL = "files.example.com/upload.html"
		if err := s.Update(p); !errors.Is(err, ErrInvalidProfile) || !strings.Contains(err.Error(), "https://") {
			t.Errorf("update with a page URL that is not one: %v", err)
		}
		if got, _ := s.Get("work"); got.PageURL != "https://files.example.com/_ossdrop/upload.html" {
			t.Errorf("a refused update changed the page URL to %q", got.PageURL)
		}
	})
	t.Run("rename moves the items", func(t *testing.T) {
		mustAdd(t, s, permanent("taken"), Secrets{AccessKeySecret: canarySecret})
		if err := s.Rename("work", "taken"); !errors.Is(err, ErrProfileExists) {
			t.Errorf("rename onto a profile: %v", err)
		}
		if err := s.Rename("work", "job"); err != nil {
			t.Fatal(err)
		}
		if _, err := keyring.Get(Service, user("work", "secret")); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("old item still there: %v", err)
		}
		if _, c, err := s.Load("job"); err != nil || c.AccessKeySecret != canarySecret {
			t.Errorf("Load(job) = %v, %v", c, err)
		}
	})
	t.Run("remove deletes the items", func(t *testing.T) {
		if err := s.Remove("job"); err != nil {
			t.Fatal(err)
		}
		if _, err := keyring.Get(Service, user("job", "secret")); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("item survived remove: %v", err)
		}
		if _, err := s.Get("job"); !errors.Is(err, ErrNoProfile) {
			t.Errorf("Get after remove: %v", err)
		}
		if err := s.Remove("job"); !errors.Is(err, ErrNoProfile) {
			t.Errorf("second remove: %v", err)
		}
	})
	assertNoCanaryInDir(t, filepath.Dir(s.Path()))
}

func TestAddExisting(t *testing.T) {
	s := mockStore(t)
	mustAdd(t, s, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	err := s.Add(permanent("work"), Secrets{AccessKeySecret: canarySecret + "-other"})
	if !errors.Is(err, ErrProfileExists) {
		t.Fatalf("Add twice: %v", err)
	}
	if _, c, _ := s.Load("work"); c.AccessKeySecret != canarySecret {
		t.Error("a refused Add replaced the secret")
	}
	if err := s.CanAdd(permanent("work")); !errors.Is(err, ErrProfileExists) {
		t.Errorf("CanAdd: %v", err)
	}
}

// failingKeychain answers every call with err, as go-keyring does when no
// Secret Service is on the bus.
type failingKeychain struct{ err error }

func (k failingKeychain) Get(string, string) (string, error) { return "", k.err }
func (k failingKeychain) Set(string, string, string) error   { return k.err }
func (k failingKeychain) Delete(string, string) error        { return k.err }

func TestKeychainUnavailable(t *testing.T) {
	busErr := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	dir := t.TempDir()
	ok := NewStore(dir, memKeychain{})
	mustAdd(t, ok, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	s := NewStore(dir, failingKeychain{busErr})

	ops := []struct {
		name string
		do   func() error
	}{
		{"add", func() error { return s.Add(permanent("new"), Secrets{AccessKeySecret: canarySecret}) }},
		{"load", func() error { _, _, err := s.Load("work"); return err }},
		{"check", func() error { return s.Check("work") }},
		{"rotate", func() error { return s.Rotate(permanent("work"), Secrets{AccessKeySecret: canarySecret}) }},
		{"rename", func() error { return s.Rename("work", "job") }},
		{"remove", func() error { return s.Remove("work") }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			err := op.do()
			if !errors.Is(err, ErrKeychainUnavailable) {
				t.Fatalf("error = %v, want ErrKeychainUnavailable", err)
			}
			if !errors.Is(err, busErr) {
				t.Errorf("the bus error is not wrapped")
			}
			for _, want := range []string{"cannot be reached", "never keeps secrets in a file", "OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%q does not say %q", err, want)
				}
			}
			assertNoCanary(t, err.Error())
			names := []string{}
			ps, _ := s.List()
			for _, p := range ps {
				names = append(names, p.Name)
			}
			if strings.Join(names, ",") != "work" {
				t.Errorf("profiles after a failed %s: %v", op.name, names)
			}
		})
	}
	assertNoCanaryInDir(t, dir)
}

// memKeychain is the smallest Keychain: what a GUI test would write.
type memKeychain map[string]string

func (m memKeychain) Get(service, user string) (string, error) {
	if v, ok := m[service+"\x00"+user]; ok {
		return v, nil
	}
	return "", ErrItemNotFound
}
func (m memKeychain) Set(service, user, secret string) error {
	m[service+"\x00"+user] = secret
	return nil
}
func (m memKeychain) Delete(service, user string) error {
	if _, ok := m[service+"\x00"+user]; !ok {
		return ErrItemNotFound
	}
	delete(m, service+"\x00"+user)
	return nil
}

func TestFakeKeychainContract(t *testing.T) {
	s := NewStore(t.TempDir(), memKeychain{})
	mustAdd(t, s, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	s.keychain.Delete(Service, "work/secret")
	if _, _, err := s.Load("work"); !errors.Is(err, ErrSecretMissing) {
		t.Errorf("a fake's ErrItemNotFound should read as a missing secret, got %v", err)
	}
}

func TestProfileFile(t *testing.T) {
	s := mockStore(t)
	mustAdd(t, s, permanent("work"), Secrets{AccessKeySecret: canarySecret})
	mustAdd(t, s, sts("temp", time.Now().Add(2*time.Hour).Truncate(time.Second).UTC()), Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken})

	for _, p := range []string{s.Path(), filepath.Dir(s.Path())} {
		if err := privatefile.Check(p); err != nil {
			t.Error(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	if len(entries) != 1 {
		t.Errorf("temp files left next to the profiles: %v", entries)
	}
	data, _ := os.ReadFile(s.Path())
	var f profilesFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Default != "work" || len(f.Profiles) != 2 || f.Profiles[1].EndpointKind != "public" {
		t.Errorf("file = %s", data)
	}
	assertNoCanaryInDir(t, filepath.Dir(s.Path()))

	t.Run("a newer version is refused, not overwritten", func(t *testing.T) {
		os.WriteFile(s.Path(), []byte(`{"version":2,"profiles":[]}`), 0o600)
		if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "version 2") {
			t.Errorf("List = %v", err)
		}
		if err := s.Add(permanent("x"), Secrets{AccessKeySecret: canarySecret}); err == nil {
			t.Errorf("Add overwrote a newer file")
		}
	})
}

func TestRedaction(t *testing.T) {
	sec := Secrets{AccessKeySecret: canarySecret, SecurityToken: canaryToken}
	p := sts("temp", time.Now())
	var logged bytes.Buffer
	for _, s := range []string{
		fmt.Sprint(sec), fmt.Sprintf("%v %+v %#v %s", sec, sec, sec, sec), fmt.Sprintf("%v", &sec), p.String(),
		fmt.Sprint(sec.LogValue()),
	} {
		logged.WriteString(s)
	}
	assertNoCanary(t, logged.String())
	if !strings.Contains(fmt.Sprint(sec), "STS token set") {
		t.Errorf("String = %q", fmt.Sprint(sec))
	}
}

func TestMaskAccessKeyID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TESTKYAbCdEfGhIjabcd", "TEST****abcd"},
		{"STS.NUgYrLnoC37mZZCNnAbCd", "STS.****AbCd"},
		{"TEST12345678", "TEST****5678"},
		{"short", "****"},
		{"", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskAccessKeyID(tt.in); got != tt.want {
				t.Errorf("MaskAccessKeyID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		ok   bool
		kind Kind
	}{
		{"unset", map[string]string{EnvAccessKeySecret: canarySecret}, false, ""},
		{"permanent", map[string]string{EnvAccessKeyID: "TESTKYEnv000000001234", EnvAccessKeySecret: canarySecret}, true, KindPermanent},
		{"sts", map[string]string{EnvAccessKeyID: "STS.Env000000001234", EnvAccessKeySecret: canarySecret, EnvSessionToken: canaryToken}, true, KindSTS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c, ok := FromEnv(func(k string) string { return tt.env[k] })
			if ok != tt.ok || p.Kind != tt.kind {
				t.Fatalf("FromEnv = %v, %v", p, ok)
			}
			if ok && (p.Name != EnvironmentProfile || c.AccessKeySecret != canarySecret || c.SecurityToken != tt.env[EnvSessionToken] || !c.FromEnvironment) {
				t.Errorf("FromEnv = %v, %v", p, c)
			}
		})
	}
}

func assertNoCanary(t *testing.T, s string) {
	t.Helper()
	for _, c := range []string{canarySecret, canaryToken} {
		if strings.Contains(s, c) {
			t.Errorf("a secret leaked into %q", s)
		}
	}
}

func assertNoCanaryInDir(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(path)
		for _, c := range []string{canarySecret, canaryToken} {
			if bytes.Contains(data, []byte(c)) {
				t.Errorf("%s contains a secret", path)
			}
		}
		return nil
	})
}
