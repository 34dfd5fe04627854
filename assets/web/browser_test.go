package web_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

// The browser tests drive Debian's Chromium over the DevTools protocol
// (chromedp) against the sandbox on 127.0.0.1. Without Chromium they skip
// with one line, unless OSSDROP_REQUIRE_BROWSER is set (make test sets it:
// make deps installs the browser, so there it must run).

var browserKey = sandbox.Key{ID: "SANDBOXBROWSERTEST1", Secret: "sandbox-browser-test-secret"}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OSSDROP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("OSSDROP_REQUIRE_BROWSER") != "" {
		t.Fatal("chromium is not installed, and OSSDROP_REQUIRE_BROWSER is set: run make deps")
	}
	t.Skip("chromium is not installed (make deps installs it): the upload page's browser tests did not run")
	return ""
}

// newBrowser starts one headless Chromium for a test, with a fresh profile
// and none of its background connections (the network here is closed).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab opens a new tab; language, when set, is what navigator.language says.
func tab(t *testing.T, browser context.Context, language string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if language != "" {
		setLanguage := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
				UserAgent: "Mozilla/5.0 (X11; Linux x86_64) OSSDropTest", AcceptLanguage: language})
			return chromedp.Void{}, err
		}
		if _, err := chromedp.Run(ctx, setLanguage); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

// timed bounds one step, so a page that never finishes fails the test
// instead of hanging it.
func timed(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type pageEnv struct {
	srv    *sandbox.Server
	target signing.Request
	// other serves the page on a second port: another origin.
	other *httptest.Server
	shots string
}

func newPageEnv(t *testing.T, now func() time.Time) *pageEnv {
	t.Helper()
	srv, err := sandbox.New(sandbox.Config{Dir: t.TempDir(), Keys: []sandbox.Key{browserKey}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", web.ContentType)
		_, _ = w.Write(web.UploadPage())
	}))
	t.Cleanup(other.Close)
	return &pageEnv{srv: srv, other: other, shots: artifacts(t), target: signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), PathStyle: true, Bucket: "demo",
		Credentials: signing.Credentials{AccessKeyID: browserKey.ID, AccessKeySecret: browserKey.Secret},
	}}
}

// artifacts is where screenshots go: $OSSDROP_ARTIFACTS, or the
// worktree's artifacts folder.
func artifacts(t *testing.T) string {
	t.Helper()
	shots := os.Getenv("OSSDROP_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join("..", "..", "artifacts")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

func (e *pageEnv) link(t *testing.T, key string, change func(*signing.Request)) *signing.Link {
	t.Helper()
	req := e.target
	req.Key, req.Expires = key, time.Hour
	if change != nil {
		change(&req)
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// readBack downloads an object through a signed GET and returns its SHA-256.
func (e *pageEnv) readBack(t *testing.T, key string) string {
	t.Helper()
	link := e.link(t, key, func(r *signing.Request) { r.Method = signing.MethodGet })
	resp, err := http.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("read back %s: %d", key, resp.StatusCode)
	}
	h := sha256.New()
	if _, err := io.Copy(h, resp.Body); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeFile(t *testing.T, name string, size int, seed uint64) (path, sum string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return path, hex.EncodeToString(s[:])
}

// view is what the page shows, read in one evaluation.
type view struct {
	State   string `json:"state"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Hint    string `json:"hint"`
	Check   string `json:"check"`
	Expiry  string `json:"expiry"`
	Problem string `json:"problem"`
	Files   string `json:"files"`
	Lang    string `json:"lang"`
}

const readView = `(() => {
  const text = id => { const el = document.getElementById(id); return el && !el.closest("[hidden]") ? el.textContent : ""; };
  return { state: document.body.dataset.state || "", title: text("result-title"), text: text("result-text"), hint: text("result-hint"),
    check: text("result-check"), expiry: text("expiry"), problem: text("problem-text"), files: text("files"),
    lang: document.documentElement.lang };
})()`

func look(t *testing.T, ctx context.Context) view {
	t.Helper()
	v, err := chromedp.Run(timed(t, ctx), chromedp.Evaluate[view](readView))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// opened counts page loads, to make each address new.
var opened atomic.Int64

// open loads a page link as a new document (a query the page ignores
// makes each address new; a link that differs only after # would otherwise
// stay in the same document) and waits for the page to read it.
func open(t *testing.T, ctx context.Context, pageLink string) view {
	t.Helper()
	page, fragment, _ := strings.Cut(pageLink, "#")
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	fresh := page + sep + "load=" + strconv.FormatInt(opened.Add(1), 10) + "#" + fragment
	err := chromedp.Do(timed(t, ctx), chromedp.Navigate(fresh),
		chromedp.Poll[chromedp.Void](`["ready", "bad-link", "no-link"].includes(document.body.dataset.state)`))
	if err != nil {
		t.Fatalf("open %s: %v", pageLink, err)
	}
	return look(t, ctx)
}

// uploadFile picks paths in the page's file input, presses Upload and
// waits for the outcome.
func uploadFile(t *testing.T, ctx context.Context, paths ...string) view {
	t.Helper()
	err := chromedp.Do(timed(t, ctx),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), paths),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.state = "picked"`),
		chromedp.Click(chromedp.CSS("#upload")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "done"`),
	)
	if err != nil {
		t.Fatalf("upload %v: %v", paths, err)
	}
	return look(t, ctx)
}

func pageLink(t *testing.T, page string, link *signing.Link) string {
	t.Helper()
	s, err := link.PageLink(page)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *pageEnv) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(timed(t, ctx), chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.shots, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func noHorizontalScroll(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	widths, err := chromedp.Run(timed(t, ctx), chromedp.Evaluate[[]int](
		`[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if widths[0] > widths[2] || widths[1] > widths[2] {
		t.Errorf("%s: the page is %d (body %d) pixels wide in a %d-pixel viewport: it scrolls sideways", when, widths[0], widths[1], widths[2])
	}
}

// TestBrowserUploadSameOrigin opens the page the sandbox serves, which is
// same-origin with the links, uploads through it, and reads the object back.
func TestBrowserUploadSameOrigin(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	link := env.link(t, "browser/same origin 报告.bin", nil)
	v := open(t, ctx, pageLink(t, env.srv.PageURL(), link))
	if v.State != "ready" || !strings.HasPrefix(v.Expiry, "Until ") || v.Lang != "en" {
		t.Fatalf("page after opening the link: %+v", v)
	}
	path, sum := writeFile(t, "report.bin", 3<<20+17, 1)
	v = uploadFile(t, ctx, path)
	// The file by its own name, where it went, and a time that reads.
	if v.Title != "Uploaded" || v.Check != "Integrity verified (CRC-64)." || !strings.HasPrefix(v.Text, "report.bin (3.0 MiB) is stored as browser/same origin 报告.bin. Took ") ||
		strings.Contains(v.Text, "Took 0 seconds") || !strings.Contains(v.Files, "report.bin (3.0 MiB) goes to browser/same origin 报告.bin.") {
		t.Fatalf("upload: %+v", v)
	}
	if got := env.readBack(t, "browser/same origin 报告.bin"); got != sum {
		t.Fatalf("SHA-256 read back %s, sent %s", got, sum)
	}
	// The link protects its key and has its file: Upload stays off, and
	// the next step is another link.
	if c := controls(t, ctx); !c.UploadDisabled || c.Again != "Use another link" {
		t.Fatalf("after success: %+v", c)
	}
	if err := chromedp.Do(timed(t, ctx), chromedp.Click(chromedp.CSS("#again")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "no-link"`)); err != nil {
		t.Fatalf("Use another link: %v", err)
	}

	// The same link opened again: the key is taken and protected.
	open(t, ctx, pageLink(t, env.srv.PageURL(), link))
	v = uploadFile(t, ctx, path)
	if v.Title != "Upload failed" || !strings.Contains(v.Text, "already stored, and the sender protected it from being replaced") || v.Hint == "" {
		t.Fatalf("second upload to a protected key: %+v", v)
	}
	if c := controls(t, ctx); !c.UploadDisabled || c.Again != "Use another link" {
		t.Fatalf("after the taken key: %+v", c)
	}
}

// pageControls are the page's buttons as they stand.
type pageControls struct {
	UploadDisabled bool   `json:"uploadDisabled"`
	Again          string `json:"again"`
	AgainShown     bool   `json:"againShown"`
	DropShown      bool   `json:"dropShown"`
}

func controls(t *testing.T, ctx context.Context) pageControls {
	t.Helper()
	c, err := chromedp.Run(timed(t, ctx), chromedp.Evaluate[pageControls](`({ uploadDisabled: document.getElementById("upload").disabled,
		again: document.getElementById("again").textContent, againShown: !document.getElementById("again").hidden, dropShown: !document.getElementById("choose").hidden })`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBrowserUploadAnotherOnAnOpenLink: a link without overwrite
// protection takes another file (it replaces the first): Upload another
// keeps the link, and Upload waits for a new file.
func TestBrowserUploadAnotherOnAnOpenLink(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	link := env.link(t, "browser/open.txt", func(r *signing.Request) { r.AllowOverwrite = true })
	open(t, ctx, pageLink(t, env.srv.PageURL(), link))
	first, _ := writeFile(t, "first.txt", 100, 7)
	if v := uploadFile(t, ctx, first); v.Title != "Uploaded" || !strings.Contains(v.Files, "OSS stores the file as application/octet-stream") {
		t.Fatalf("first upload: %+v", v)
	}
	if c := controls(t, ctx); !c.UploadDisabled || c.Again != "Upload another" {
		t.Fatalf("after success: %+v", c)
	}
	if err := chromedp.Do(timed(t, ctx), chromedp.Click(chromedp.CSS("#again"))); err != nil {
		t.Fatal(err)
	}
	second, sum := writeFile(t, "second.txt", 200, 8)
	if v := uploadFile(t, ctx, second); v.Title != "Uploaded" || !strings.HasPrefix(v.Text, "second.txt (200 bytes) is stored as browser/open.txt. Took less than a second.") {
		t.Fatalf("second upload through the same link: %+v", v)
	}
	if got := env.readBack(t, "browser/open.txt"); got != sum {
		t.Fatal("the second file did not replace the first")
	}
}

// TestBrowserExpiredLinkHidesTheDropZone: a link this device's clock
// says has expired shows when, and offers no file to choose.
func TestBrowserExpiredLinkHidesTheDropZone(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	link := env.link(t, "browser/old.txt", nil)
	// Signed in 2020 as far as the page can tell (the page reads the date
	// from the link; no server is asked).
	share := regexp.MustCompile(`x-oss-date=\d{8}T\d{6}Z`).ReplaceAllString(link.ShareLink(), "x-oss-date=20200101T000000Z")
	page, err := signing.BuildPageLink(env.srv.PageURL(), signing.PageKindPut, share)
	if err != nil {
		t.Fatal(err)
	}
	v := open(t, ctx, page)
	if !strings.HasPrefix(v.Expiry, "Expired at 2020-01-01") {
		t.Fatalf("expired link: %+v", v)
	}
	if c := controls(t, ctx); c.DropShown {
		t.Fatalf("the drop zone shows for an expired link: %+v", c)
	}
}

// TestBrowserUploadOtherOrigin serves the page from a second port: without
// a CORS rule the browser blocks the upload and the page says why; after
// "Allow browser uploads" (the SDK client's AllowOrigin) it goes through,
// with the checksums the rule exposes.
func TestBrowserUploadOtherOrigin(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	page := env.other.URL + "/upload.html"
	origin, _ := signing.PageOrigin(page)
	path, sum := writeFile(t, "photo.jpg", 200<<10, 2)

	link := env.link(t, "browser/cross.jpg", nil)
	open(t, ctx, pageLink(t, page, link))
	v := uploadFile(t, ctx, path)
	if v.Title != "Upload failed" || !strings.Contains(v.Text, "The browser blocked the upload") || !strings.Contains(v.Hint, "ossdrop cors allow "+origin) {
		t.Fatalf("upload from another origin without a rule: %+v", v)
	}
	if _, err := env.srv.Stat("demo", "browser/cross.jpg"); err == nil {
		t.Fatal("a blocked upload stored the object")
	}

	c, err := bucket.New(env.target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AllowOrigin(context.Background(), origin); err != nil {
		t.Fatal(err)
	}
	// Nothing was stored: the card offers the same file again, not
	// another one, and Try again sends it.
	if c := controls(t, ctx); c.Again != "Try again" || !c.AgainShown {
		t.Fatalf("after a blocked upload the card offers %+v", c)
	}
	err = chromedp.Do(timed(t, ctx),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.state = "picked"`),
		chromedp.Click(chromedp.CSS("#again")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "done"`))
	if err != nil {
		t.Fatal(err)
	}
	v = look(t, ctx)
	if v.Title != "Uploaded" || v.Check != "Integrity verified (CRC-64)." {
		t.Fatalf("upload from another origin with a rule: %+v", v)
	}
	if got := env.readBack(t, "browser/cross.jpg"); got != sum {
		t.Fatalf("SHA-256 read back %s, sent %s", got, sum)
	}
	env.screenshot(t, ctx, "upload-page-other-origin.png")
}

// TestBrowserFilePage opens the page as a file (file://), as a person does
// who saves it and double-clicks it: the upload is blocked, and the page
// says to open it from a web server (the sandbox's own page, here), not to
// allow "file://" in a CORS rule, which no bucket can.
func TestBrowserFilePage(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	dir := t.TempDir()
	file := filepath.Join(dir, "upload.html")
	if err := os.WriteFile(file, web.UploadPage(), 0o600); err != nil {
		t.Fatal(err)
	}
	link := env.link(t, "browser/from a file.bin", nil)
	_, fragment, _ := strings.Cut(pageLink(t, "http://127.0.0.1:1/upload.html", link), "#")
	path, _ := writeFile(t, "from a file.bin", 10<<10, 4)
	for _, tt := range []struct{ language, sentence, hint, again string }{
		{"en-US", "this page was opened as a file (file://)", "Open the sandbox's own page instead, with the same link after #: " + env.srv.URL() + "/_ossdrop/upload.html.", "Try again"},
		{"zh-CN", "此页面是作为文件（file://）打开的", "请改为打开沙箱自己的页面，并在 # 之后带上同一个链接：" + env.srv.URL() + "/_ossdrop/upload.html。", "重试"},
	} {
		t.Run(tt.language, func(t *testing.T) {
			ctx := tab(t, browser, tt.language)
			open(t, ctx, "file://"+filepath.ToSlash(file)+"#"+fragment)
			v := uploadFile(t, ctx, path)
			if !strings.Contains(v.Text, tt.sentence) || !strings.Contains(v.Hint, tt.hint) || strings.Contains(v.Hint, "cors allow") {
				t.Fatalf("upload from a file page: %+v", v)
			}
			if _, err := env.srv.Stat("demo", "browser/from a file.bin"); err == nil {
				t.Fatal("a blocked upload stored the object")
			}
			if c := controls(t, ctx); c.Again != tt.again || !c.AgainShown {
				t.Errorf("after a blocked upload the card offers %+v, want %q", c, tt.again)
			}
			if tt.language == "en-US" {
				env.screenshot(t, ctx, "upload-page-file.png")
			}
		})
	}
}

// TestBrowserContentType: the link binds a content type, and the browser
// would type the file differently; the page sends the link's type, so the
// signature holds.
func TestBrowserContentType(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	link := env.link(t, "browser/data.csv", func(r *signing.Request) { r.ContentType = "application/octet-stream" })
	open(t, ctx, pageLink(t, env.srv.PageURL(), link))
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v := uploadFile(t, ctx, path)
	if v.Title != "Uploaded" || !strings.Contains(v.Files, "It will be uploaded as application/octet-stream") {
		t.Fatalf("upload with a bound content type: %+v", v)
	}
	info, err := env.srv.Stat("demo", "browser/data.csv")
	if err != nil || info.ContentType != "application/octet-stream" {
		t.Fatalf("stored %+v, %v", info, err)
	}

	// A link with no content type: the page must send none at all (any
	// Content-Type would be signed), whatever the browser thinks the file is.
	bare := env.link(t, "browser/any.txt", nil)
	open(t, ctx, pageLink(t, env.srv.PageURL(), bare))
	if v := uploadFile(t, ctx, path); v.Title != "Uploaded" {
		t.Fatalf("upload with no content type bound: %+v", v)
	}
	if info, err := env.srv.Stat("demo", "browser/any.txt"); err != nil || info.ContentType != "application/octet-stream" {
		t.Fatalf("stored %+v, %v (the browser sent a Content-Type)", info, err)
	}
}

// TestBrowserExpiredLink: the sandbox's clock is two hours ahead, so OSS
// (the sandbox) says the link has expired while this device says it has
// not; the page says both.
func TestBrowserExpiredLink(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, func() time.Time { return time.Now().Add(2 * time.Hour) })
	ctx := tab(t, browser, "en-US")
	link := env.link(t, "browser/late.txt", nil)
	open(t, ctx, pageLink(t, env.srv.PageURL(), link))
	path, _ := writeFile(t, "late.txt", 10, 3)
	v := uploadFile(t, ctx, path)
	if v.Title != "Upload failed" || !strings.Contains(v.Text, "OSS says this link has expired") ||
		!strings.Contains(v.Text, "one of the two clocks is wrong") || v.Hint != "Ask the sender for a new link." {
		t.Fatalf("expired link: %+v", v)
	}
}

// TestBrowserBadLinks: a page with no link asks for one; a damaged one says so.
func TestBrowserBadLinks(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	if v := open(t, ctx, env.srv.PageURL()); v.State != "no-link" {
		t.Fatalf("page without a link: %+v", v)
	}
	v := open(t, ctx, env.srv.PageURL()+"#ossdrop-page=1&kind=put&link=https%3A%2F%2Fexample.com%2Fx")
	if v.State != "bad-link" || !strings.Contains(v.Problem, "damaged") {
		t.Fatalf("damaged link: %+v", v)
	}
	v = open(t, ctx, env.srv.PageURL()+"#ossdrop-page=1&kind=zip&link=x")
	if v.State != "bad-link" || !strings.Contains(v.Problem, "cannot use this kind of link") {
		t.Fatalf("unknown kind: %+v", v)
	}
	// Pasting a share link into the page opens it.
	link := env.link(t, "browser/pasted.txt", nil)
	open(t, ctx, env.srv.PageURL())
	err := chromedp.Do(timed(t, ctx),
		chromedp.SetValue(chromedp.CSS("#paste-text"), "\n<"+link.ShareLink()+">\n"),
		chromedp.Click(chromedp.CSS("#paste-open")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === "ready"`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if key, err := chromedp.Run(timed(t, ctx), chromedp.Text(chromedp.CSS("#key"))); err != nil || key != "browser/pasted.txt" {
		t.Fatalf("pasted link shows key %q, %v", key, err)
	}
}

// TestBrowserPhoneAndLanguages renders the page at 390x844 (a phone) in
// English and Chinese, with a long key and an error showing, checks that
// nothing scrolls sideways, and keeps screenshots of both sizes.
func TestBrowserPhoneAndLanguages(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	longKey := "browser/" + strings.Repeat("quarterly-report-", 8) + "final.pdf"
	for _, tc := range []struct{ language, lang, uploaded string }{
		{"en-US", "en", "Uploaded"},
		{"zh-CN", "zh-Hans", "已上传"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			short := tc.lang
			if short == "zh-Hans" {
				short = "zh"
			}
			desktop := tab(t, browser, tc.language)
			key := longKey + "." + short
			link := env.link(t, key, func(r *signing.Request) {
				r.ContentType = "application/pdf"
				r.Metadata = map[string]string{"project": "apollo"}
			})
			v := open(t, desktop, pageLink(t, env.srv.PageURL(), link))
			if v.Lang != tc.lang {
				t.Fatalf("navigator.language %s gave lang %q", tc.language, v.Lang)
			}
			path, _ := writeFile(t, "季度报告.pdf", 64<<10, 4)
			if v = uploadFile(t, desktop, path); v.Title != tc.uploaded || !strings.HasPrefix(v.Text, "季度报告.pdf (64.0 KiB)"[:len("季度报告.pdf")]) {
				t.Fatalf("upload: %+v", v)
			}
			// Chinese sentences carry their own punctuation: no space is
			// put between them, nor around the size.
			if short == "zh" && (!strings.HasPrefix(v.Text, "季度报告.pdf（64.0 KiB）已保存为 "+key+"。用时") || strings.Contains(v.Text, "。 ")) {
				t.Fatalf("Chinese result %q", v.Text)
			}
			env.screenshot(t, desktop, "upload-page-desktop-"+short+".png")

			phone := tab(t, browser, tc.language)
			if err := chromedp.Do(timed(t, phone), chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
				t.Fatal(err)
			}
			open(t, phone, pageLink(t, env.srv.PageURL(), link))
			noHorizontalScroll(t, phone, "phone, link shown")
			v = uploadFile(t, phone, path) // taken: a long sentence and the details
			if v.State != "done" || v.Hint == "" {
				t.Fatalf("second upload: %+v", v)
			}
			if err := chromedp.Do(timed(t, phone), chromedp.Evaluate[chromedp.Void](`document.getElementById("result-details").open = true`)); err != nil {
				t.Fatal(err)
			}
			noHorizontalScroll(t, phone, "phone, error and details shown")
			env.screenshot(t, phone, "upload-page-phone-"+short+".png")
		})
	}
}

// TestBrowserChecksums compares the page's CRC-64 and MD5, written in
// JavaScript, with Go's for lengths around the block sizes.
func TestBrowserChecksums(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "")
	open(t, ctx, env.srv.PageURL())
	table := crc64.MakeTable(crc64.ECMA)
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70000} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		var js bytes.Buffer
		js.WriteString("(() => { const b = new Uint8Array([")
		for i, x := range b {
			if i > 0 {
				js.WriteByte(',')
			}
			js.WriteString(strconv.Itoa(int(x)))
		}
		js.WriteString("]); return [ossdrop.crc64(b), ossdrop.md5(b)]; })()")
		got, err := chromedp.Run(timed(t, ctx), chromedp.Evaluate[[]string](js.String()))
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(b)
		if want := strconv.FormatUint(crc64.Checksum(b, table), 10); got[0] != want || got[1] != hex.EncodeToString(sum[:]) {
			t.Errorf("%d bytes: page says CRC-64 %s, MD5 %s; Go says %s, %x", n, got[0], got[1], want, sum)
		}
	}
}

// TestBrowserRequestLink takes several files through a request link (an
// OSS PostObject policy): a file over the link's size limit is refused
// before a byte is sent, the others are posted as forms and read back, a
// second round finds their names taken, and a page on another origin
// posts once the bucket's CORS rule allows it.
func TestBrowserRequestLink(t *testing.T) {
	browser := newBrowser(t)
	env := newPageEnv(t, nil)
	ctx := tab(t, browser, "en-US")
	req := env.target
	req.Method, req.Prefix, req.MaxSize, req.Expires = signing.MethodPost, "in/acme/", 100<<10, time.Hour
	l, err := signing.NewRequestLink(req, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	page, err := l.PageLink(env.srv.PageURL())
	if err != nil {
		t.Fatal(err)
	}
	v := open(t, ctx, page)
	if v.State != "ready" {
		t.Fatalf("request link: %+v", v)
	}
	if folder, _ := chromedp.Run(timed(t, ctx), chromedp.Text(chromedp.CSS("#key"))); folder != "in/acme/" {
		t.Errorf("folder shown: %q", folder)
	}
	a, sumA := writeFile(t, "contract.pdf", 40<<10, 7)
	b, sumB := writeFile(t, "annex 1.txt", 3000, 8)
	big, _ := writeFile(t, "video.bin", 150<<10, 9)
	v = uploadFile(t, ctx, a, b, big)
	if v.Title != "Some files were not stored" || !strings.Contains(v.Text, "2 of 3 files stored") ||
		!strings.Contains(v.Files, "video.bin is 150.0 KiB, more than the 100.0 KiB this link takes") || strings.Count(v.Files, "Integrity verified (CRC-64).") != 2 {
		t.Fatalf("three files through a request link: %+v", v)
	}
	for key, sum := range map[string]string{"in/acme/contract.pdf": sumA, "in/acme/annex 1.txt": sumB} {
		if got := env.readBack(t, key); got != sum {
			t.Errorf("%s: SHA-256 read back %s, sent %s", key, got, sum)
		}
	}
	if _, err := env.srv.Stat("demo", "in/acme/video.bin"); err == nil {
		t.Error("the file over the limit was stored")
	}
	env.screenshot(t, ctx, "upload-page-request-link.png")
	phone := tab(t, browser, "zh-CN")
	if err := chromedp.Do(timed(t, phone), chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	open(t, phone, page)
	if err := chromedp.Do(timed(t, phone), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{a, b, big})); err != nil {
		t.Fatal(err)
	}
	noHorizontalScroll(t, phone, "phone, request link with three files")
	env.screenshot(t, phone, "upload-page-request-link-phone-zh.png")
	v = uploadFile(t, ctx, a, b)
	if v.Title != "Upload failed" || strings.Count(v.Files, "is already stored, and the sender protected it") != 2 {
		t.Fatalf("the same files again: %+v", v)
	}

	other := env.other.URL + "/upload.html"
	origin, _ := signing.PageOrigin(other)
	c, err := bucket.New(env.target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AllowOrigin(context.Background(), origin); err != nil {
		t.Fatal(err)
	}
	crossPage, _ := l.PageLink(other)
	open(t, ctx, crossPage)
	photo, sumP := writeFile(t, "photo.jpg", 20<<10, 10)
	if v = uploadFile(t, ctx, photo); v.Title != "Uploaded" || !strings.Contains(v.Files, "Integrity verified (CRC-64).") {
		t.Fatalf("request link from another origin with a rule: %+v", v)
	}
	if got := env.readBack(t, "in/acme/photo.jpg"); got != sumP {
		t.Errorf("SHA-256 read back %s, sent %s", got, sumP)
	}
}

// fakeOSS serves the page and answers every upload to it as answers says
// for the object's key, so the page meets refusals the sandbox never
// gives (a server failure, a timeout, a stored object whose checksum
// differs, a dropped connection). The page and the links share its
// origin: no CORS rule is involved.
func fakeOSS(t *testing.T, answers map[string]func(w http.ResponseWriter)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", web.ContentType)
			_, _ = w.Write(web.UploadPage())
			return
		}
		key := strings.TrimPrefix(r.URL.Path, "/demo/")
		if r.Method == http.MethodPost {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			key = r.FormValue("key")
		}
		_, _ = io.Copy(io.Discard, r.Body)
		answer, ok := answers[key]
		if !ok {
			t.Errorf("no answer for %s %q", r.Method, key)
			answer = ossError(500, "InternalError", "no answer")
		}
		answer(w)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// ossError answers as OSS refuses: an XML error document.
func ossError(status int, code, message string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-oss-request-id", "6551FAKE")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>`+message+`</Message><RequestId>6551FAKE</RequestId></Error>`)
	}
}

// TestBrowserWhatComesNext: after each outcome the result card offers
// only a way on that can work, as the app's Upload tab decides (retryable
// in ui/queue.go, usedUp in ui/uploadresult.go): Try again only where a
// retry can succeed (no answer, a server failure, a timeout); for a
// refusal a retry cannot change, what to do instead and Use another link
// (the link is at fault) or nothing (the file is), with Upload disabled
// for that file; a stored file whose checksum differs, on a link that
// protects its key, never Upload another.
func TestBrowserWhatComesNext(t *testing.T) {
	browser := newBrowser(t)
	ctx := tab(t, browser, "en-US")
	srv := fakeOSS(t, map[string]func(http.ResponseWriter){
		"sig.txt":   ossError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."),
		"late.txt":  ossError(403, "AccessDenied", "Request has expired."),
		"taken.txt": ossError(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten."),
		"busy.txt":  ossError(503, "ServiceUnavailable", "Please reduce your request rate."),
		"slow.txt":  ossError(400, "RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period."),
		"in/big.txt": ossError(403, "AccessDenied",
			`Invalid according to Policy: Policy Condition failed: ["content-length-range", 0, 10]`),
		"drop.txt": func(w http.ResponseWriter) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"crc.txt": func(w http.ResponseWriter) {
			w.Header().Set("x-oss-hash-crc64ecma", "1")
			w.Header().Set("ETag", `"00000000000000000000000000000000"`)
			w.WriteHeader(200)
		},
		"in/crc.txt": func(w http.ResponseWriter) {
			w.Header().Set("x-oss-hash-crc64ecma", "1")
			w.WriteHeader(204)
		},
	})
	page := srv.URL + "/upload.html"
	target := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL, PathStyle: true, Bucket: "demo",
		Credentials: signing.Credentials{AccessKeyID: browserKey.ID, AccessKeySecret: browserKey.Secret}, Expires: time.Hour}
	putLink := func(key string, protect bool) string {
		req := target
		req.Key, req.AllowOverwrite = key, !protect
		l, err := signing.Presign(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return pageLink(t, page, l)
	}
	requestLink := func(key, prefix string) string {
		req := target
		req.Key, req.Prefix = key, prefix
		l, err := signing.NewRequestLink(req, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.PageLink(page)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name, link, file string
		title, says      string // the card's title, and what its text and hint say
		again            string // the card's button; "" none
		uploadDisabled   bool
	}{
		{"signature", putLink("sig.txt", true), "a.txt", "Upload failed", "ask the sender for a new one", "Use another link", true},
		{"expired", putLink("late.txt", true), "a.txt", "Upload failed", "Ask the sender for a new link.", "Use another link", true},
		{"key taken", putLink("taken.txt", true), "a.txt", "Upload failed", "Ask the sender for a new link", "Use another link", true},
		{"policy", requestLink("", "in/"), "big.txt", "Upload failed", "ask the sender for another link", "", true},
		{"server failure", putLink("busy.txt", true), "a.txt", "Upload failed", "try again in a few minutes", "Try again", false},
		{"timeout", putLink("slow.txt", true), "a.txt", "Upload failed", "try again", "Try again", false},
		{"no answer", putLink("drop.txt", true), "a.txt", "Upload failed", "try again", "Try again", false},
		{"checksum, protected", putLink("crc.txt", true), "a.txt", "Stored, with a problem", "tell the sender", "Use another link", true},
		{"checksum, open", putLink("crc.txt", false), "a.txt", "Stored, with a problem", "upload it again", "Upload another", true},
		{"checksum, protected request link", requestLink("in/crc.txt", ""), "crc.txt", "Stored, with a problem", "tell the sender", "Use another link", true},
	}
	shots := &pageEnv{shots: artifacts(t)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open(t, ctx, tt.link)
			path, _ := writeFile(t, tt.file, 100, 11)
			v := uploadFile(t, ctx, path)
			c := controls(t, ctx)
			shown := ""
			if c.AgainShown {
				shown = c.Again
			}
			all := v.Text + " " + v.Hint + " " + v.Check + " " + v.Files
			if v.Title != tt.title || !strings.Contains(all, tt.says) || shown != tt.again || c.UploadDisabled != tt.uploadDisabled {
				t.Errorf("card %+v, controls %+v: want %q saying %q, button %q, Upload disabled %v", v, c, tt.title, tt.says, tt.again, tt.uploadDisabled)
			}
			switch tt.name {
			case "signature", "policy", "checksum, protected request link":
				shots.screenshot(t, ctx, "upload-page-next-"+strings.ReplaceAll(strings.ReplaceAll(tt.name, ",", ""), " ", "-")+".png")
			}
			if tt.again == "" || tt.again == "Try again" {
				return
			}
			if strings.Contains(all, "try again") || strings.Contains(all, "Try again") {
				t.Errorf("a refusal a retry cannot change says to try again: %q", all)
			}
		})
	}

	// In Chinese, the refused link's card says the same, with its button.
	zh := tab(t, browser, "zh-CN")
	open(t, zh, tests[0].link)
	path, _ := writeFile(t, "a.txt", 100, 11)
	v := uploadFile(t, zh, path)
	if c := controls(t, zh); v.Title != "上传失败" || c.Again != "换一个链接" || !c.AgainShown || !c.UploadDisabled {
		t.Errorf("in Chinese: card %+v, controls %+v", v, c)
	}
	shots.screenshot(t, zh, "upload-page-next-signature-zh.png")
}
