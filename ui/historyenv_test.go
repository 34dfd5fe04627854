package ui

import (
	"cmp"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/signing"
)

// TestEnvironmentLinks: a link 'ossdrop presign' signed with the
// OSS_ACCESS_KEY_* variables is checked with the variables the app was
// started with, against the real sandbox. Without them its row says so
// and what to do (never that a profile is gone); with a wrong secret the
// row names the variable to fix; and its profile reads as the variables,
// not as the raw name "environment".
func TestEnvironmentLinks(t *testing.T) {
	key := sandbox.Key{ID: "SANDBOXENVLINKS00001", Secret: "env-links-test-secret"}
	srv := sandboxtest.Start(t, func(c *sandbox.Config) { c.Buckets = []string{"demo"} }, key)
	now := time.Now()
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), PathStyle: true,
		Bucket: "demo", Key: "env/q3.pdf", Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret}}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	e := history.NewEntry(credentials.EnvironmentProfile, req, link, now)
	vars := func(id, secret string) func(string) string {
		return func(name string) string {
			return map[string]string{credentials.EnvAccessKeyID: id, credentials.EnvAccessKeySecret: secret}[name]
		}
	}
	tests := []struct {
		name       string
		getenv     func(string) string
		state      arrivals.State
		row        string // the row's line
		says, not  string // the details' state
		importance widget.Importance
	}{
		{"app started without the variables", nil, arrivals.Unknown, "Not checked: OSS Drop was started without OSS_ACCESS_KEY_ID.",
			"OSS Drop was not started with them. Start OSS Drop from a shell where they are set, or check the link there with ossdrop status.", "gone", widget.LowImportance},
		{"app started with an empty secret", vars(key.ID, ""), arrivals.Unknown, "Not checked: OSS Drop was started with OSS_ACCESS_KEY_SECRET empty.",
			"Start OSS Drop from a shell where both are set", "gone", widget.LowImportance},
		{"app started with them", vars(key.ID, key.Secret), arrivals.Waiting, "Waiting for the upload.", "Waiting for the upload.", "Not checked", widget.LowImportance},
		{"app started with a wrong secret", vars(key.ID, "not-the-secret"), arrivals.Unknown, "OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET.",
			"OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET.", "profile", widget.DangerImportance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _, hist := newFakeServices()
			svc.Now, svc.Getenv = time.Now, tt.getenv
			hist.entries = []history.Entry{e}
			test.NewTempApp(t)
			m := newMainWindow(test.NewTempWindow(t, widget.NewLabel("")), svc)
			if err := m.arrivals.watcher.Round(context.Background()); err != nil {
				t.Fatal(err)
			}
			st := m.arrivals.watcher.Statuses()[e.ID]
			if st.State != tt.state {
				t.Fatalf("status %+v, want %s", st, tt.state)
			}
			v := viewOf(e, &st, now)
			if v.state != tt.row || v.stateImportance != tt.importance {
				t.Errorf("row says %q (importance %v), want %q", v.state, v.stateImportance, tt.row)
			}
			if full := cmp.Or(v.fullState, v.state); !strings.Contains(full, tt.says) || strings.Contains(full, tt.not) {
				t.Errorf("details say %q: want %q, no %q", full, tt.says, tt.not)
			}
			if !strings.HasPrefix(v.detail, "Environment variables · ") {
				t.Errorf("row's detail %q does not name the variables", v.detail)
			}
		})
	}
}

// TestEnvironmentLinkDownload: getting the file of such a link in an app
// started without the variables says how to get it, not that a profile is
// gone.
func TestEnvironmentLinkDownload(t *testing.T) {
	test.NewTempApp(t)
	_, err := (&arrivalWatch{svc: &Services{}}).lookup(credentials.EnvironmentProfile)
	got := checkFailure(err)
	if !strings.Contains(got, "OSS Drop was not started with") || !strings.Contains(got, "ossdrop download") || strings.Contains(got, "gone") {
		t.Errorf("download failure says %q", got)
	}
}

// TestEnvironmentRowFits: the row's line for such a link is whole in a
// window 800 pixels wide, English and Chinese; the details say the rest.
func TestEnvironmentRowFits(t *testing.T) {
	test.NewTempApp(t)
	e := history.Entry{ID: "e", Profile: credentials.EnvironmentProfile, Bucket: "demo", Key: "env/q3-report.pdf", Method: "PUT", Created: fakeNow, Expires: fakeNow.Add(time.Hour)}
	for _, chinese := range []bool{false, true} {
		t.Run(map[bool]string{false: "en", true: "zh-Hans"}[chinese], func(t *testing.T) {
			if chinese {
				useChinese(t)
				loadTranslations()
				defer func() {
					os.Setenv("LC_ALL", "C")
					loadTranslations()
				}()
			}
			for _, err := range []error{arrivals.ErrNoEnvironment, arrivals.ErrNoEnvironmentSecret} {
				v := viewOf(e, &arrivals.Status{State: arrivals.Unknown, Err: err}, fakeNow)
				r := newHistoryRow(nil)
				w := test.NewTempWindow(t, r)
				w.Resize(fyne.NewSize(800, 100))
				r.show(v)
				need := fyne.MeasureText(v.state, theme.TextSize(), r.state.TextStyle).Width + 2*theme.InnerPadding()
				if got := r.state.Size().Width; need > got {
					t.Errorf("state %q needs %.0f px, the row gives it %.0f", v.state, need, got)
				}
				if !strings.Contains(v.fullState, "ossdrop status") {
					t.Errorf("details say %q", v.fullState)
				}
			}
		})
	}
}

// TestEnvironmentProfileInChinese: the pseudo-profile's name and the
// sentence of an unchecked link are Chinese in the Chinese UI.
func TestEnvironmentProfileInChinese(t *testing.T) {
	useChinese(t)
	loadTranslations()
	defer func() {
		t.Setenv("LC_ALL", "C")
		loadTranslations()
	}()
	if got := profileLabel(credentials.EnvironmentProfile); got != "环境变量" {
		t.Errorf("profile label %q, want 环境变量", got)
	}
	if got := checkErrorText(arrivals.ErrNoEnvironment); !strings.HasPrefix(got, "未检查：") || !strings.Contains(got, "ossdrop status") {
		t.Errorf("unchecked link says %q", got)
	}
}
