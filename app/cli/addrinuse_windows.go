package cli

import (
	"errors"

	"golang.org/x/sys/windows"
)

// addrInUse reports whether a listen failed because another program has
// the address (Winsock's own code: syscall.EADDRINUSE is not what Windows
// returns).
func addrInUse(err error) bool { return errors.Is(err, windows.WSAEADDRINUSE) }
