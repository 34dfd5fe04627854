package upload

import (
	"errors"
	"syscall"
)

// wsaeconnrefused is Winsock's "connection refused" (WSAECONNREFUSED),
// which syscall does not name.
const wsaeconnrefused = syscall.Errno(10061)

// connectionRefused reports whether nothing listens at the address: the
// host answered the connection with a reset, so no retry can help.
func connectionRefused(err error) bool {
	return errors.Is(err, wsaeconnrefused) || errors.Is(err, syscall.ECONNREFUSED)
}
