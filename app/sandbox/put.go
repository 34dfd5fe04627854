package sandbox

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var (
	storageClasses = []string{"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}
	objectACLs     = []string{"default", "private", "public-read", "public-read-write"}
)

// maxMetadataBytes is OSS's limit for all user metadata of one object.
const maxMetadataBytes = 8 << 10

// put stores an object (PutObject).
func (s *Server) put(w http.ResponseWriter, r *http.Request, c *call) *Error {
	// Refuse an oversized body before reading it.
	if r.ContentLength > MaxObjectSize {
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	}
	in := putInput{
		Bucket: c.bucket, Key: c.key, Size: r.ContentLength,
		ContentType:     r.Header.Get("Content-Type"),
		ForbidOverwrite: strings.EqualFold(strings.TrimSpace(r.Header.Get("x-oss-forbid-overwrite")), "true"),
	}
	if in.ContentType == "" {
		in.ContentType = "application/octet-stream"
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(sum) != 16 {
			return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The Content-MD5 you specified was invalid.")
		}
		in.MD5 = sum
	}
	if v := r.Header.Get("x-oss-content-sha256"); v != "" && v != unsignedPayload {
		sum, err := hex.DecodeString(v)
		if err != nil || len(sum) != 32 {
			return invalidArgument("", "The x-oss-content-sha256 is neither UNSIGNED-PAYLOAD nor a hex SHA-256.")
		}
		in.SHA256 = sum
	}
	meta := map[string]string{}
	for name, values := range r.Header {
		if m, ok := strings.CutPrefix(strings.ToLower(name), "x-oss-meta-"); ok && m != "" {
			meta[m] = strings.Join(values, ",")
		}
	}
	if e := in.options(r.Header.Get("x-oss-storage-class"), r.Header.Get("x-oss-object-acl"), meta); e != nil {
		return e
	}
	cb, e := parseCallback(r.Header)
	if e != nil {
		return e
	}

	info, err := s.store.put(in, c.bodyIn)
	switch {
	case errors.Is(err, errExists):
		return errorf(http.StatusConflict, CodeFileAlreadyExists, "", "The object you specified already exists and can not be overwritten.")
	case errors.Is(err, errTooLarge):
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	case errors.Is(err, errStorage):
		s.log.Error("sandbox store failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Storing the object failed on the server.")
	case errors.Is(err, errStalled):
		return errorf(http.StatusBadRequest, CodeRequestTimeout, "", "Your socket connection to the server was not read from or written to within the timeout period.")
	case errors.Is(err, errIncomplete):
		return errorf(http.StatusBadRequest, CodeIncompleteBody, "", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	case errors.Is(err, errMD5):
		return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The Content-MD5 you specified did not match what we received.")
	case errors.Is(err, errSHA256):
		return errorf(http.StatusBadRequest, CodeInvalidDigest, "", "The x-oss-content-sha256 you specified did not match what we received.")
	case err != nil:
		s.log.Error("sandbox store failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Storing the object failed.")
	}

	if cb == nil {
		return s.answerStatus(w, info, http.StatusOK, nil)
	}
	return s.answerStored(w, r, c, info, cb, "PutObject")
}

// options checks and sets the storage class, ACL and user metadata an
// upload asks for, from headers (PUT) or form fields (POST) alike.
func (in *putInput) options(storageClass, acl string, meta map[string]string) *Error {
	in.StorageClass, in.ACL = storageClass, acl
	if in.StorageClass == "" {
		in.StorageClass = "Standard"
	} else if !slices.Contains(storageClasses, in.StorageClass) {
		return invalidArgument("", "The storage class %q is not valid.", in.StorageClass)
	}
	if in.ACL == "" {
		in.ACL = "default"
	} else if !slices.Contains(objectACLs, in.ACL) {
		return invalidArgument("", "The object ACL %q is not valid.", in.ACL)
	}
	total := 0
	for name, value := range meta {
		total += len("x-oss-meta-") + len(name) + len(value)
	}
	if total > maxMetadataBytes {
		return invalidArgument("", "The user metadata takes %d bytes: at most %d are allowed.", total, maxMetadataBytes)
	}
	if len(meta) > 0 {
		in.Metadata = meta
	}
	return nil
}

// answerStored ends an upload that has a callback: OSS stores first, then
// calls the owner's server and relays its answer (200), or says the call
// failed (203, the object stays).
func (s *Server) answerStored(w http.ResponseWriter, r *http.Request, c *call, info *ObjectInfo, cb *callback, operation string) *Error {
	h := w.Header()
	h.Set("ETag", info.ETag)
	h.Set("x-oss-hash-crc64ecma", info.CRC64)
	h.Set("Content-MD5", info.ContentMD5)
	clientIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	body := cb.render(callbackValues{
		bucket: info.Bucket, object: info.Key, etag: strings.Trim(info.ETag, `"`), size: info.Size,
		mimeType: info.ContentType, crc64: info.CRC64, contentMD5: info.ContentMD5,
		clientIP: clientIP, requestID: c.id, operation: operation,
	})
	res := cb.run(r.Context(), s.callbacks, s.cbTimeout, body)
	if res.failure != "" {
		return errorf(http.StatusNonAuthoritativeInfo, CodeCallbackFailed, "", "%s", res.failure)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.body)
	return nil
}
