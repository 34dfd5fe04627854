package ui

import (
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/ossdrop/ossdrop/app/credentials"
)

// inLanguage switches the UI's translations to a locale ("zh_CN.UTF-8")
// for the rest of the test, and back to English after it.
func inLanguage(t *testing.T, locale string) {
	t.Helper()
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", locale)
	loadTranslations()
	t.Cleanup(func() {
		os.Setenv("LC_ALL", "C")
		loadTranslations()
	})
}

func TestFormatsFollowLanguage(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.Local)
	thu := time.Date(2026, 11, 26, 15, 4, 59, 0, time.Local)
	nextYear := time.Date(2027, 1, 2, 9, 30, 0, 0, time.Local)
	tests := []struct {
		locale                            string
		dateTime, otherYear               string
		one, bytes, kib, duration, expiry string
	}{
		{"C", "Thu 26 Nov 15:04", "Sat 2 Jan 2027 09:30", "1 byte", "512 bytes", "1.5 KiB", "2 days 5 hours", "in 2 days 5 hours"},
		{"zh_CN.UTF-8", "11月26日 周四 15:04", "2027年1月2日 周六 09:30", "1 字节", "512 字节", "1.5 KiB", "2 天 5 小时", "2 天 5 小时后"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			inLanguage(t, tt.locale)
			for _, c := range []struct{ what, got, want string }{
				{"formatDateTime", formatDateTime(thu, now), tt.dateTime},
				{"formatDateTime, another year", formatDateTime(nextYear, now), tt.otherYear},
				{"formatSize(1)", formatSize(1), tt.one},
				{"formatSize(512)", formatSize(512), tt.bytes},
				{"formatSize(1536)", formatSize(1536), tt.kib},
				{"humanDuration", humanDuration(thu.Sub(now)), tt.duration},
				{"untilText", untilText(thu, now), tt.expiry},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestChineseLabelsBreakAnywhere builds the whole window in Chinese and
// checks that no label wraps only at spaces (see textWrap), and that in
// English running text still wraps at spaces.
func TestChineseLabelsBreakAnywhere(t *testing.T) {
	for _, tt := range []struct {
		locale string
		want   fyne.TextWrap
	}{
		{"C", fyne.TextWrapWord},
		{"zh_CN.UTF-8", fyne.TextWrapBreak},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			inLanguage(t, tt.locale)
			svc, _, _ := newFakeServices()
			test.NewTempApp(t)
			w := test.NewTempWindow(t, widget.NewLabel(""))
			m := newMainWindow(w, svc)
			m.loadProfiles()
			waitFor(t, "the profiles", func() bool { return len(m.profiles) > 0 })
			wrapping := 0
			for _, tab := range m.tabs.Items {
				tab.Content.Refresh()
				for _, o := range test.LaidOutObjects(tab.Content) {
					l, ok := o.(*widget.Label)
					if !ok || l.Wrapping == fyne.TextWrapOff || l.Wrapping == fyne.TextWrapBreak && tt.want == fyne.TextWrapWord {
						continue // links and code break anywhere in every language
					}
					wrapping++
					if l.Wrapping != tt.want {
						t.Errorf("label %q wraps with %v, want %v", l.Text, l.Wrapping, tt.want)
					}
				}
			}
			if wrapping < 5 {
				t.Fatalf("only %d wrapping labels found: the walk missed the tabs' content", wrapping)
			}
		})
	}
}

// TestSandboxProfileInChinese: the sandbox's pseudo-profile reads as
// "本地沙箱" in the profile list while it keeps its stored name, so links
// it signed still find it.
func TestSandboxProfileInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	svc, _, _ := newFakeServices()
	tab := newTestCreateTab(t, svc)
	sb := &Sandbox{Profile: credentials.Profile{Name: SandboxProfileName, Region: "cn-hangzhou", Bucket: "demo"}}
	ps, _ := svc.Profiles.List()
	tab.setProfiles(ps, sb)
	if got := tab.profile.Options; len(got) != 2 || got[0] != "本地沙箱" || got[1] != "work" {
		t.Fatalf("profile list %q, want 本地沙箱 and work", got)
	}
	tab.selectProfile(SandboxProfileName)
	if p, ok := tab.selectedProfile(); !ok || p.Name != SandboxProfileName {
		t.Errorf("selectedProfile = %q, %v", p.Name, ok)
	}
	tab.selectProfile("work")
	if p, ok := tab.selectedProfile(); !ok || p.Name != "work" {
		t.Errorf("after choosing work: %q, %v", p.Name, ok)
	}
}
