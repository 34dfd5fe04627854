package sandbox

import (
	"log/slog"
	"net/http"
)

// delete removes an object (DeleteObject). OSS answers 204 whether or not
// the object existed, so a retried delete is not an error.
func (s *Server) delete(w http.ResponseWriter, _ *http.Request, c *call) *Error {
	if err := s.store.remove(c.bucket, c.key); err != nil {
		s.log.Error("sandbox delete failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Deleting the object failed.")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
