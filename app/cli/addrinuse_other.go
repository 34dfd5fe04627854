//go:build !windows

package cli

import (
	"errors"
	"syscall"
)

// addrInUse reports whether a listen failed because another program has
// the address.
func addrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
