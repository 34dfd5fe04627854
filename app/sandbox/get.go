package sandbox

import (
	"errors"
	"log/slog"
	"net/http"
)

// responseOverrides are the GET parameters that set a response header.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// get serves an object (GetObject, and HEAD for its headers).
func (s *Server) get(w http.ResponseWriter, r *http.Request, c *call) *Error {
	info, f, err := s.store.open(c.bucket, c.key)
	if errors.Is(err, ErrNotFound) {
		return errorf(http.StatusNotFound, CodeNoSuchKey, "", "The specified key does not exist.")
	}
	if err != nil {
		s.log.Error("sandbox open failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Reading the object failed.")
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", info.ContentType)
	h.Set("ETag", info.ETag)
	h.Set("x-oss-object-type", "Normal")
	h.Set("x-oss-storage-class", info.StorageClass)
	for name, value := range info.Metadata {
		h.Set("x-oss-meta-"+name, value)
	}
	// Checksums describe the whole object; a range answer carries a part.
	if r.Header.Get("Range") == "" {
		h.Set("x-oss-hash-crc64ecma", info.CRC64)
		h.Set("Content-MD5", info.ContentMD5)
	}
	q := c.url.Query()
	for param, header := range responseOverrides {
		if v := q.Get(param); v != "" {
			h.Set(header, v)
		}
	}
	// ServeContent adds Content-Length, Last-Modified, ranges and
	// conditional requests (If-None-Match against the ETag).
	http.ServeContent(w, r, "", info.LastModified, f)
	return nil
}

// getAnonymous answers an unsigned GET or HEAD as OSS does: only an object
// whose ACL is public-read or public-read-write (a published upload page,
// say) is readable without a signature; everything else, missing objects
// included, is AccessDenied.
func (s *Server) getAnonymous(w http.ResponseWriter, r *http.Request, c *call) *Error {
	info, err := s.Stat(c.bucket, c.key)
	if err != nil || (info.ACL != "public-read" && info.ACL != "public-read-write") {
		return errorf(http.StatusForbidden, CodeAccessDenied, "", "You have no right to access this object because of bucket acl.")
	}
	return s.get(w, r, c)
}
