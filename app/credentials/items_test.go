package credentials

import (
	"errors"
	"strings"
	"testing"
)

// TestItems: an item is stored, read, replaced and removed under Service,
// never under a name a profile could have, and its value never shows in
// an error.
func TestItems(t *testing.T) {
	kc := memKeychain{}
	items := Items{Keychain: kc}
	const value = "https://b.oss-cn-hangzhou.aliyuncs.com/k?x-oss-security-token=CANARY-token"
	tests := []struct {
		name, item string
	}{
		{"sandbox secret", SandboxSecretItem},
		{"share link", LinkItem("0123456789abcdef")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ValidateName(strings.SplitN(tt.item, "/", 2)[0]) == nil {
				t.Fatalf("item %q could collide with a profile's items", tt.item)
			}
			if _, err := items.Get(tt.item); !errors.Is(err, ErrItemNotFound) {
				t.Fatalf("Get before Set: %v", err)
			}
			if err := items.Set(tt.item, value); err != nil {
				t.Fatal(err)
			}
			if got, err := items.Get(tt.item); err != nil || got != value {
				t.Fatalf("Get = %q, %v", got, err)
			}
			if _, ok := kc[Service+"\x00"+tt.item]; !ok {
				t.Fatalf("not stored under service %q", Service)
			}
			if err := items.Delete(tt.item); err != nil {
				t.Fatal(err)
			}
			if err := items.Delete(tt.item); err != nil {
				t.Fatalf("deleting a gone item: %v", err)
			}
		})
	}

	broken := Items{Keychain: failingKeychain{errors.New("org.freedesktop.DBus.Error.ServiceUnknown")}}
	for _, err := range []error{broken.Set(SandboxSecretItem, value), func() error { _, err := broken.Get(SandboxSecretItem); return err }()} {
		if !errors.Is(err, ErrKeychainUnavailable) || strings.Contains(err.Error(), "CANARY") {
			t.Errorf("no keychain: %v", err)
		}
	}
}

// TestKeyringItems stores an item in a real Secret Service and reads it
// back with secret-tool, as the app's sandbox secret and STS share links are.
func TestKeyringItems(t *testing.T) {
	realKeychain(t)
	items := SystemItems()
	name := LinkItem("keyringtest" + strings.ReplaceAll(t.Name(), "/", "-"))
	t.Cleanup(func() { items.Delete(name) })
	if err := items.Set(name, "share-link-CANARY"); err != nil {
		t.Fatal(err)
	}
	if got, ok := secretTool(t, "lookup", "service", Service, "username", name); ok && got != "share-link-CANARY" {
		t.Errorf("secret-tool sees %q", got)
	}
	if got, err := items.Get(name); err != nil || got != "share-link-CANARY" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := items.Delete(name); err != nil {
		t.Fatal(err)
	}
	if _, err := items.Get(name); !errors.Is(err, ErrItemNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}
