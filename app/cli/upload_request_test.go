package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/signing"
)

// requestSandbox runs a sandbox whose key pair is the CLI tests' own.
func requestSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	return sandboxtest.Start(t, nil, sandbox.Key{ID: "AKIDCLITEST", Secret: testSecret})
}

// objectSum reads an object back through a presigned GET and hashes it.
func objectSum(t *testing.T, srv *sandbox.Server, key string) [32]byte {
	t.Helper()
	link, err := signing.Presign(context.Background(), signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom,
		Endpoint: srv.URL(), Bucket: "demo", Key: key, Method: signing.MethodGet, Expires: time.Minute,
		Credentials: signing.Credentials{AccessKeyID: "AKIDCLITEST", AccessKeySecret: testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", key, resp.StatusCode, data)
	}
	return sha256.Sum256(data)
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func presignRequestJSON(t *testing.T, srv *sandbox.Server, extra ...string) requestOutput {
	t.Helper()
	args := append([]string{"presign", "--request", "--json", "--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo"}, extra...)
	code, stdout, stderr := runCLI(t, "", args...)
	if code != ExitOK {
		t.Fatalf("presign exit %d: %s", code, stderr)
	}
	var out requestOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("presign --request --json printed %q: %v", stdout, err)
	}
	return out
}

// TestRequestLinkEndToEnd signs a request link with the CLI, uploads a
// folder and files with 'ossdrop upload' and with the generated curl
// command, and reads every object back.
func TestRequestLinkEndToEnd(t *testing.T) {
	srv := requestSandbox(t)
	out := presignRequestJSON(t, srv, "--prefix", "in/acme/", "--max-size", "1000", "--min-size", "1")
	if out.URL != srv.URL()+"/demo" || out.Fields["key"] != "in/acme/${filename}" || out.Fields["policy"] == "" ||
		out.Fields["x-oss-signature"] == "" || out.MaxSize != 1000 || out.MinSize != 1 || !strings.HasPrefix(out.ShareLink, out.URL+"#ossdrop=2&method=POST&") {
		t.Fatalf("output %+v", out)
	}
	var policy struct {
		Conditions []any `json:"conditions"`
	}
	if err := json.Unmarshal(out.Policy, &policy); err != nil || len(policy.Conditions) < 6 {
		t.Errorf("policy %s: %v", out.Policy, err)
	}

	code, stdout, stderr := runCLI(t, "", "inspect", out.ShareLink)
	if code != ExitOK || !strings.Contains(stdout, "Folder:       in/acme/") || !strings.Contains(stdout, "Sizes:        1 byte to 1000 bytes") ||
		!strings.Contains(stdout, `"content-length-range"`) || !strings.Contains(stdout, "Overwrite:    protected") {
		t.Errorf("inspect exit %d:\n%s%s", code, stdout, stderr)
	}

	root := t.TempDir()
	files := map[string]string{"photos/a.jpg": "aaa", "photos/2026/b.jpg": "bbbb", "notes.txt": "notes", "big.bin": strings.Repeat("x", 1001)}
	writeFiles(t, root, files)
	code, stdout, stderr = runCLI(t, "", "upload", out.ShareLink, filepath.Join(root, "photos"), filepath.Join(root, "notes.txt"))
	if code != ExitOK || !strings.Contains(stdout, "3 of 3 files stored under demo/in/acme/") {
		t.Fatalf("upload exit %d:\n%s%s", code, stdout, stderr)
	}
	for name, key := range map[string]string{"photos/a.jpg": "in/acme/photos/a.jpg", "photos/2026/b.jpg": "in/acme/photos/2026/b.jpg", "notes.txt": "in/acme/notes.txt"} {
		if objectSum(t, srv, key) != sha256.Sum256([]byte(files[name])) {
			t.Errorf("%s differs from %s", key, name)
		}
	}

	// A file out of range fails alone; the others are stored; exit 1.
	writeFiles(t, root, map[string]string{"more/c.txt": "c"})
	code, stdout, stderr = runCLI(t, "", "upload", "--json", out.ShareLink, filepath.Join(root, "big.bin"), filepath.Join(root, "more"))
	var q queueOutput
	if err := json.Unmarshal([]byte(stdout), &q); err != nil || code != ExitFailed || q.OK || q.Stored != 1 || q.Failed != 1 {
		t.Fatalf("upload exit %d, %+v (%v):\n%s%s", code, q, err, stdout, stderr)
	}
	if q.Files[0].State != "failed" || !strings.Contains(q.Files[0].Error, "more than the 1000 bytes") || q.Files[1].Upload == nil || !q.Files[1].Upload.Verified {
		t.Errorf("files %+v", q.Files)
	}
	// The failure has the same "error" member as a PUT upload's, and
	// stderr points at the JSON, not at lines that were never printed.
	if q.Error == nil || q.Error.Kind != "too_large" || q.Error.ExitCode != ExitFailed || q.Error.Message != "1 of 2 files were not stored and verified." || q.Error.Hint == "" {
		t.Errorf("error member %+v", q.Error)
	}
	if strings.Contains(stderr, "lines above") || !strings.Contains(stderr, "error: 1 of 2 files were not stored and verified.") {
		t.Errorf("stderr %q", stderr)
	}
	var raw map[string]any
	if json.Unmarshal([]byte(stdout), &raw) != nil || raw["error"] == nil {
		t.Errorf("no top-level error in %s", stdout)
	}

	// The same folder again: every name is taken, and the link protects them.
	code, stdout, _ = runCLI(t, "", "upload", out.ShareLink, filepath.Join(root, "notes.txt"))
	if code != ExitFailed || !strings.Contains(stdout, "already stored") || !strings.Contains(stdout, "hint: Rename the file") {
		t.Errorf("second upload exit %d:\n%s", code, stdout)
	}

	// The curl command, with real curl.
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	file := filepath.Join(root, "via curl.txt")
	writeFiles(t, root, map[string]string{"via curl.txt": "sent by curl -F"})
	cmd := strings.Replace(out.Curl, "file=@./FILE", "file=@"+strings.ReplaceAll(file, "'", ""), 1)
	run := exec.Command("sh", "-c", cmd+" -sS -f -w '%{http_code}'")
	run.Env = append(os.Environ(), "PATH="+filepath.Dir(curl)+":/usr/bin:/bin")
	got, err := run.CombinedOutput()
	if err != nil || string(got) != "200" {
		t.Fatalf("curl: %v, %s\n%s", err, got, cmd)
	}
	if objectSum(t, srv, "in/acme/via curl.txt") != sha256.Sum256([]byte("sent by curl -F")) {
		t.Error("the object curl stored differs")
	}
	// curl with a file too big for the link: OSS's refusal, nothing stored.
	big := strings.Replace(out.Curl, "file=@./FILE", "file=@"+filepath.Join(root, "big.bin"), 1)
	got, _ = exec.Command("sh", "-c", big+" -sS").CombinedOutput()
	if !bytes.Contains(got, []byte("<Code>EntityTooLarge</Code>")) {
		t.Errorf("curl with a too-big file: %s", got)
	}
}

func TestPresignRequestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no folder", []string{"--request"}, ExitInvalid, "The folder is empty"},
		{"folder without slash", []string{"--request", "--prefix", "in/acme"}, ExitInvalid, "does not end with /"},
		{"bad size", []string{"--request", "--prefix", "in/", "--max-size", "lots"}, ExitInvalid, "--max-size"},
		{"min over max", []string{"--request", "--prefix", "in/", "--max-size", "1KB", "--min-size", "2KB"}, ExitInvalid, "larger than the maximum"},
		{"over 5 GiB", []string{"--request", "--prefix", "in/", "--max-size", "6GiB"}, ExitInvalid, "5 GiB"},
		{"prefix without --request", []string{"--prefix", "in/", "--key", "a"}, ExitInvalid, "--prefix goes with --request"},
		{"pin MD5", []string{"--request", "--prefix", "in/", "--pin-md5", "--file", "upload_request_test.go"}, ExitInvalid, "many files"},
		{"GET", []string{"--request", "--prefix", "in/", "--method", "GET"}, ExitInvalid, "--method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"presign", "--region", "cn-hangzhou", "--bucket", "demo"}, tt.args...)
			code, _, stderr := runCLI(t, "", args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	code, stdout, stderr := runCLI(t, "", "presign", "--request", "--region", "cn-hangzhou", "--bucket", "demo", "--prefix", "in/acme/",
		"--max-size", "200MB", "--content-type-prefix", "image/")
	if code != ExitOK || !strings.Contains(stdout, "Takes: files of up to 200.0 MiB, of types image/…, into in/acme/, never replacing a stored file") ||
		!strings.Contains(stdout, "curl ") || !strings.Contains(stdout, "https://demo.oss-cn-hangzhou.aliyuncs.com/#ossdrop=2") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
}
