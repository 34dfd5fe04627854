package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

func TestPresignPageLink(t *testing.T) {
	srv := requestSandbox(t)
	dir := t.TempDir()
	qr := filepath.Join(dir, "page.png")
	out := presignJSON(t, "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo", "--key", "in/phone.jpg", "--qr", qr)
	if !strings.HasPrefix(out.PageLink, srv.PageURL()+"#ossdrop-page=1&kind=put&link=") {
		t.Fatalf("page_link for a sandbox endpoint: %q", out.PageLink)
	}
	parts, ok, err := signing.ParsePageLink(out.PageLink)
	if !ok || err != nil || parts.Link != out.ShareLink {
		t.Fatalf("the page link carries %q, %v; want the share link", parts.Link, err)
	}
	f, err := os.Open(qr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if text, err := signing.DecodeQR(f); err != nil || text != out.PageLink {
		t.Fatalf("the QR code holds %q, %v; want the page link", text, err)
	}
	for name, text := range map[string]string{"share link": out.ShareLink, "page link": out.PageLink} {
		enc, err := signing.EncodeQR(text)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("sandbox %s: %d characters, QR version %d, level %s", name, len(text), enc.Version(), enc.Level)
	}

	// inspect reads a page link like the share link it carries.
	code, stdout, stderr := runCLI(t, out.PageLink, "inspect", "-")
	if code != ExitOK || !strings.Contains(stdout, "page link") || !strings.Contains(stdout, "Page:") {
		t.Fatalf("inspect of the page link: exit %d\n%s%s", code, stdout, stderr)
	}

	// ossdrop upload takes the page link as it takes the share link.
	file := filepath.Join(dir, "phone.jpg")
	if err := os.WriteFile(file, []byte("a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, "", "upload", out.PageLink, file); code != ExitOK {
		t.Fatalf("upload through the page link: exit %d\n%s%s", code, stdout, stderr)
	}
	if info, err := srv.Stat("demo", "in/phone.jpg"); err != nil || info.Size != 7 {
		t.Fatalf("stored %+v, %v", info, err)
	}

	// A request link gets a page link too (kind post), which upload takes.
	code, stdout, stderr = runCLI(t, "", "presign", "--json", "--request", "--prefix", "in/many/", "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo")
	var req requestOutput
	if code != ExitOK || json.Unmarshal([]byte(stdout), &req) != nil || !strings.HasPrefix(req.PageLink, srv.PageURL()+"#ossdrop-page=1&kind=post&link=") {
		t.Fatalf("presign --request page_link: exit %d %q\n%s", code, req.PageLink, stderr)
	}
	if code, stdout, stderr := runCLI(t, "", "upload", req.PageLink, file); code != ExitOK {
		t.Fatalf("upload through the request page link: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := srv.Stat("demo", "in/many/phone.jpg"); err != nil {
		t.Fatal(err)
	}

	// The human output says which form goes to whom.
	code, stdout, _ = runCLI(t, "", "presign", "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo", "--key", "in/p2.jpg")
	if code != ExitOK || !strings.Contains(stdout, "Page link, for a person") || !strings.Contains(stdout, "curl command to a script") ||
		!strings.Contains(stdout, "The plain URL alone") {
		t.Fatalf("presign text output:\n%s", stdout)
	}
	// A request link prints no plain URL, so it says nothing about one.
	code, stdout, _ = runCLI(t, "", "presign", "--request", "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo", "--prefix", "in/many/")
	if code != ExitOK || !strings.Contains(stdout, "Page link, for a person") || strings.Contains(stdout, "plain URL") {
		t.Fatalf("presign --request text output:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, "", "presign", "--request", "--region", "cn-hangzhou", "--bucket", "demo", "--prefix", "in/many/")
	if code != ExitOK || !strings.Contains(stdout, "which fills in the form for them") || strings.Contains(stdout, "plain URL") {
		t.Fatalf("presign --request without a page:\n%s", stdout)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"explicit page", []string{"--page-url", "https://files.example.com/_ossdrop/upload.html"}, "https://files.example.com/_ossdrop/upload.html#ossdrop-page=1&kind=put&link="},
		{"public endpoint, no page", []string{}, ""},
		{"download link", []string{"--method", "GET", "--endpoint", srv.URL()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := presignJSON(t, append([]string{"--region", "cn-hangzhou", "--bucket", "demo", "--key", "k"}, tt.args...)...)
			if !strings.HasPrefix(out.PageLink, tt.want) || (tt.want == "") != (out.PageLink == "") {
				t.Fatalf("page_link %q, want prefix %q", out.PageLink, tt.want)
			}
		})
	}
	for _, args := range [][]string{{"--page-url", "files.example.com/x"}, {"--page-url", "https://f.example.com/x", "--method", "GET"}} {
		code, _, stderr := runCLI(t, "", append([]string{"presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k"}, args...)...)
		if code != ExitInvalid || !strings.HasPrefix(stderr, "error: ") {
			t.Errorf("presign %v: exit %d %s", args, code, stderr)
		}
	}
}

func TestCORSCommand(t *testing.T) {
	srv := requestSandbox(t)
	target := []string{"--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo"}
	cors := func(args ...string) (int, string, string) {
		return runCLI(t, "", append(append([]string{"cors"}, args...), target...)...)
	}
	code, stdout, stderr := cors("show")
	if code != ExitOK || !strings.Contains(stdout, "has no CORS rules") {
		t.Fatalf("cors show, no rules: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = cors("allow", "https://files.example.com/_ossdrop/upload.html")
	if code != ExitOK || !strings.Contains(stdout, "Allowing the origin https://files.example.com") || !strings.Contains(stdout, "may now upload") ||
		!strings.Contains(stdout, "1. origins https://files.example.com; methods PUT, POST; headers content-type, content-md5, x-oss-*; exposes ETag, x-oss-request-id, x-oss-hash-crc64ecma") {
		t.Fatalf("cors allow: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = cors("allow", "https://files.example.com")
	if code != ExitOK || !strings.Contains(stdout, "Nothing to change") {
		t.Fatalf("cors allow again: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = cors("show")
	if code != ExitOK || !strings.Contains(stdout, "(1 of at most 10") {
		t.Fatalf("cors show: exit %d\n%s", code, stdout)
	}
	tests := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"no verb", nil, ExitInvalid, "'ossdrop cors' needs show or allow"},
		{"unknown verb", []string{"delete"}, ExitInvalid, "'ossdrop cors' takes show"},
		{"no origin, no profile page", []string{"allow"}, ExitInvalid, "needs the ORIGIN"},
		{"not an address", []string{"allow", "files.example.com"}, ExitInvalid, "is not the address of a page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cors(tt.args...)
			if code != tt.exit || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
		})
	}
	code, _, stderr = runCLI(t, "", "cors", "show", "--endpoint", "http://127.0.0.1:1", "--region", "cn-hangzhou", "--bucket", "demo")
	if code != ExitFailed || !strings.Contains(stderr, "not reachable") || !strings.Contains(stderr, "hint: ") {
		t.Fatalf("cors show at a closed port: exit %d %s", code, stderr)
	}
}

func TestPageCommand(t *testing.T) {
	srv := requestSandbox(t)
	path := filepath.Join(t.TempDir(), "upload.html")
	code, stdout, stderr := runCLI(t, "", "page", "save", path)
	if code != ExitOK || !strings.Contains(stdout, "cors allow") {
		t.Fatalf("page save: exit %d %s%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, web.UploadPage()) {
		t.Fatal("page save wrote other bytes than the page")
	}
	if code, _, stderr := runCLI(t, "", "page", "save", path); code != ExitFailed || !strings.Contains(stderr, "already exists") {
		t.Fatalf("page save over a file: exit %d %s", code, stderr)
	}

	code, stdout, stderr = runCLI(t, "", "page", "publish", "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo")
	want := srv.URL() + "/demo/" + bucket.PageKey
	if code != ExitOK || !strings.Contains(stdout, "Published the upload page: "+want) || !strings.Contains(stdout, "ossdrop profile page NAME "+want) {
		t.Fatalf("page publish: exit %d\n%s%s", code, stdout, stderr)
	}
	resp, err := http.Get(want)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, web.UploadPage()) {
		t.Fatalf("GET %s: %d", want, resp.StatusCode)
	}
	if code, _, stderr := runCLI(t, "", "page", "bogus"); code != ExitInvalid || !strings.Contains(stderr, "save FILE or publish") {
		t.Fatalf("page bogus: exit %d %s", code, stderr)
	}
}

func TestProfilePage(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	s.ok("secret\n", "profile", "add", "web", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--bucket", "demo",
		"--page-url", "https://files.example.com/_ossdrop/upload.html")
	if out := s.ok("", "profile", "show", "web"); !strings.Contains(lineWith(out, "Upload page"), "https://files.example.com/_ossdrop/upload.html") {
		t.Fatalf("profile show:\n%s", out)
	}
	// presign with the profile gives the page link and QR of its page.
	out := s.ok("", "presign", "--profile", "web", "--key", "k", "--json")
	var link presignOutput
	if err := json.Unmarshal([]byte(out), &link); err != nil || !strings.HasPrefix(link.PageLink, "https://files.example.com/_ossdrop/upload.html#") {
		t.Fatalf("presign with a profile page: %v %q", err, link.PageLink)
	}
	if out := s.ok("", "profile", "page", "web", "https://up.example.org/u.html"); !strings.Contains(out, "ossdrop cors allow https://up.example.org --profile web") {
		t.Fatalf("profile page set:\n%s", out)
	}
	if out := s.ok("", "profile", "page", "web"); !strings.Contains(out, "https://up.example.org/u.html") {
		t.Fatalf("profile page show:\n%s", out)
	}
	if code, _, stderr := s.run("", "profile", "page", "web", "ftp://x"); code != ExitInvalid || !strings.Contains(stderr, "https://") {
		t.Fatalf("profile page with a bad URL: exit %d %s", code, stderr)
	}
	if out := s.ok("", "profile", "page", "web", "--clear"); !strings.Contains(out, "no upload page now") {
		t.Fatalf("profile page --clear:\n%s", out)
	}
	if out := s.ok("", "profile", "show", "web"); strings.TrimSpace(strings.TrimPrefix(lineWith(out, "Upload page"), "Upload page:")) != "-" {
		t.Fatalf("after --clear:\n%s", out)
	}
	if code, _, stderr := s.run("secret\n", "profile", "add", "bad", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--page-url", "upload.html"); code != ExitInvalid || !strings.Contains(stderr, "https://") {
		t.Fatalf("profile add with a bad page URL: exit %d %s", code, stderr)
	}
}

// TestPageSaveExistingBareName: a file name the user typed keeps its case
// in the error, even when it starts the sentence would.
func TestPageSaveExistingBareName(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("mypage", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "page", "save", "mypage")
	if got, _ := os.ReadFile("mypage"); code != ExitFailed || !strings.Contains(stderr, "error: The file mypage already exists.\n") || string(got) != "mine" {
		t.Errorf("exit %d, file %q\n%s", code, got, stderr)
	}
}

// A folder is no file to save the page as: the sentence says so and names a
// file in it, rather than calling the folder an existing file.
func TestPageSaveIntoFolder(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "page", "save", dir)
	want := "error: " + dir + " is a folder.\nhint: Give a file name in it, such as " + filepath.Join(dir, "upload.html") + ".\n"
	if code != ExitFailed || stderr != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, stderr, want)
	}
}
