package sandbox

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

func TestUploadPage(t *testing.T) {
	env := startSandbox(t, nil)
	if env.srv.PageURL() != env.srv.URL()+"/_ossdrop/upload.html" {
		t.Fatalf("PageURL %s", env.srv.PageURL())
	}
	resp, body := env.send(t, "GET", env.srv.PageURL(), http.Header{}, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != web.ContentType || !bytes.Equal(body, web.UploadPage()) {
		t.Fatalf("GET page: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("page headers %v", resp.Header)
	}
	resp, body = env.send(t, "HEAD", env.srv.PageURL(), http.Header{}, nil)
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != int64(len(web.UploadPage())) {
		t.Errorf("HEAD page: %d, %d bytes, length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
	resp, body = env.send(t, "PUT", env.srv.PageURL(), http.Header{}, []byte("x"))
	ossError(t, resp, body, 405, CodeMethodNotAllowed)
	resp, body = env.send(t, "GET", env.srv.URL()+"/_ossdrop/other.html", http.Header{}, nil)
	ossError(t, resp, body, 404, CodeNoSuchKey)
	// On a virtual-hosted bucket the same path is an ordinary object key.
	link := env.link(t, signing.Request{Endpoint: strings.Replace(env.srv.URL(), "127.0.0.1", "localhost", 1), Key: "_ossdrop/upload.html"})
	resp, _ = env.put(t, link, []byte("mine"))
	if resp.StatusCode != 200 {
		t.Fatalf("object under _ossdrop/ on a virtual-hosted bucket: %d", resp.StatusCode)
	}
	if _, err := env.srv.Stat("demo", "_ossdrop/upload.html"); err != nil {
		t.Fatal(err)
	}
}

// TestAnonymousRead: as on OSS, an object whose ACL is public-read (a
// published upload page) is readable without a signature; others are not,
// and a missing object is no different from a private one.
func TestAnonymousRead(t *testing.T) {
	env := startSandbox(t, nil)
	public := env.link(t, signing.Request{Key: "pub/page.html", ACL: "public-read", ContentType: "text/html"})
	private := env.link(t, signing.Request{Key: "pub/private.txt"})
	for _, l := range []*signing.Link{public, private} {
		if resp, body := env.put(t, l, []byte("<p>hi</p>")); resp.StatusCode != 200 {
			t.Fatalf("put: %d %s", resp.StatusCode, body)
		}
	}
	resp, body := env.send(t, "GET", env.srv.URL()+"/demo/pub/page.html", http.Header{}, nil)
	if resp.StatusCode != 200 || string(body) != "<p>hi</p>" || resp.Header.Get("Content-Type") != "text/html" {
		t.Fatalf("public-read GET: %d %q %s", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	for _, key := range []string{"pub/private.txt", "pub/missing.txt"} {
		resp, body := env.send(t, "GET", env.srv.URL()+"/demo/"+key, http.Header{}, nil)
		ossError(t, resp, body, 403, CodeAccessDenied)
	}
	resp, body = env.send(t, "PUT", env.srv.URL()+"/demo/pub/page.html", http.Header{}, []byte("x"))
	ossError(t, resp, body, 403, CodeAccessDenied)
}
