package sandbox

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ErrInvalidAddr is wrapped by the errors of ValidateAddr: the address is
// no host:port a listener can take, whichever machines it would reach.
var ErrInvalidAddr = errors.New("invalid listening address")

// AddrError says what is wrong with a listening address, as a clause
// ("999.1.1.1:1 is not a valid address: …") the command line puts after
// the flag's name.
type AddrError struct {
	Addr string
	Why  string
}

func (e *AddrError) Error() string {
	return fmt.Sprintf("%s is not a valid address: %s", e.Addr, e.Why)
}

// Unwrap lets errors.Is find ErrInvalidAddr.
func (e *AddrError) Unwrap() error { return ErrInvalidAddr }

// ValidateAddr checks that addr is a host:port to listen on: a port from
// 0 to 65535 (0 picks a free one), and a host that is empty (every
// interface), an IPv4 or bracketed IPv6 address, or a host name. It is
// checked before the loopback rule, so that an address with a typo is
// called wrong instead of public: "999.1.1.1" is no IP address, and
// net.Listen would only fail to look it up as a name.
func ValidateAddr(addr string) error {
	bad := func(format string, args ...any) error {
		return &AddrError{Addr: addr, Why: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(addr) == "" {
		return bad("it is empty")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		switch {
		case !strings.Contains(addr, ":"):
			return bad("it has no port")
		case strings.Count(addr, ":") > 1 && !strings.HasPrefix(addr, "["):
			return bad("an IPv6 address goes in brackets before the port, as in [::1]:9000")
		}
		var ae *net.AddrError
		if errors.As(err, &ae) {
			return bad("%s", ae.Err)
		}
		return bad("%v", err)
	}
	if port == "" {
		return bad("it has no port")
	}
	n, err := strconv.ParseUint(port, 10, 64)
	switch {
	case err != nil && strings.Trim(port, "0123456789") == "":
		return bad("the port %s is above 65535", port) // too many digits for a uint64
	case err != nil:
		return bad("the port %q is not a number", port)
	case n > 65535:
		return bad("the port %d is above 65535", n)
	}
	return validHost(host, bad)
}

// validHost checks the host part of a listening address.
func validHost(host string, bad func(string, ...any) error) error {
	if host == "" || host == "localhost" {
		return nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	switch {
	case strings.Contains(host, ":"):
		return bad("%s is not an IPv6 address", host)
	case strings.Trim(host, "0123456789.") == "":
		// Only digits and dots: meant as an IPv4 address, never a name.
		return bad("%s is not an IPv4 address, which is four numbers from 0 to 255 without leading zeros", host)
	case !validHostName(host):
		return bad("%s is neither an IP address nor a host name", host)
	}
	return nil
}

// validHostName reports whether name is a DNS host name: dot-separated
// labels of letters, digits and hyphens, none longer than 63 characters
// or starting or ending with a hyphen, 253 characters in all.
func validHostName(name string) bool {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
