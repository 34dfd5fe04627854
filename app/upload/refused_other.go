//go:build !windows

package upload

import (
	"errors"
	"syscall"
)

// connectionRefused reports whether nothing listens at the address: the
// host answered the connection with a reset, so no retry can help.
func connectionRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
