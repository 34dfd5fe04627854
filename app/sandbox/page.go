package sandbox

import (
	"net/http"
	"strconv"

	"github.com/ossdrop/ossdrop/assets/web"
)

// PagePath is where the sandbox serves the upload page. No bucket name
// starts with "_", so no bucket or object hides behind it, and the page is
// same-origin with every path-style link to the sandbox: it needs no CORS.
const PagePath = "/" + pageBucket + "/" + web.PageName

const pageBucket = "_ossdrop"

// pageCSP repeats the page's own Content-Security-Policy and adds what only
// a header can say: no other site may frame the page.
const pageCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src http: https:; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// PageURL returns the address of the upload page, e.g.
// "http://127.0.0.1:9000/_ossdrop/upload.html"; empty before Start or Serve.
func (s *Server) PageURL() string {
	u := s.URL()
	if u == "" {
		return ""
	}
	return u + PagePath
}

// servePage answers GET and HEAD for the upload page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, c *call) *Error {
	if c.key != web.PageName {
		return errorf(http.StatusNotFound, CodeNoSuchKey, "", "The sandbox serves only %s here.", PagePath)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "", "The upload page is read with GET.")
	}
	body := web.UploadPage()
	h := w.Header()
	h.Set("Content-Type", web.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", pageCSP)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
	return nil
}
