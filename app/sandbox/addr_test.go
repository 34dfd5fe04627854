package sandbox

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

var addrTests = []struct {
	addr     string
	why      string // "" for a valid address
	loopback bool
}{
	{"127.0.0.1:9000", "", true},
	{"127.0.0.1:0", "", true},
	{"localhost:9000", "", true},
	{"[::1]:0", "", true},
	{"[::1]:9000", "", true},
	{"0.0.0.0:9000", "", false},
	{":9000", "", false},
	{"192.168.1.2:9000", "", false},
	{"files.example.com:9000", "", false},
	{"[fe80::1%eth0]:9000", "", false},
	{"999.1.1.1:1", "999.1.1.1 is not an IPv4 address", false},
	{"127.0.0.01:9000", "127.0.0.01 is not an IPv4 address", false},
	{"1.2.3:9000", "1.2.3 is not an IPv4 address", false},
	{"localhost:99999", "the port 99999 is above 65535", false},
	{"localhost:999999999999999999999999", "the port 999999999999999999999999 is above 65535", false},
	{":abc", `the port "abc" is not a number`, false},
	{"127.0.0.1:-1", `the port "-1" is not a number`, false},
	{"127.0.0.1:", "it has no port", false},
	{"nohost", "it has no port", false},
	{"", "it is empty", false},
	{"::1:9000", "an IPv6 address goes in brackets", false},
	{"[::1:9000", "missing ']'", false},
	{"[::g]:9000", "::g is not an IPv6 address", false},
	{"bad_host:9000", "bad_host is neither an IP address nor a host name", false},
	{"-x.example:9000", "neither an IP address nor a host name", false},
}

// TestValidateAddr: a listening address is valid, or says what is wrong
// with it; only valid ones are asked whether they are loopback.
func TestValidateAddr(t *testing.T) {
	for _, tt := range addrTests {
		t.Run(tt.addr, func(t *testing.T) {
			err := ValidateAddr(tt.addr)
			if tt.why == "" {
				if err != nil {
					t.Fatalf("ValidateAddr = %v, want valid", err)
				}
				if lerr := CheckLoopback(tt.addr); (lerr == nil) != tt.loopback || (lerr != nil && !errors.Is(lerr, ErrNotLoopback)) {
					t.Errorf("CheckLoopback = %v, want loopback %v", lerr, tt.loopback)
				}
				return
			}
			var ae *AddrError
			if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidAddr) || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("ValidateAddr = %v, want an AddrError saying %q", err, tt.why)
			}
			if lerr := CheckLoopback(tt.addr); !errors.Is(lerr, ErrInvalidAddr) || errors.Is(lerr, ErrNotLoopback) {
				t.Errorf("CheckLoopback = %v: an invalid address is called invalid, not public", lerr)
			}
		})
	}
}

// FuzzValidateAddr: any string is either refused with a reason or is a
// host:port with a port net.Listen takes.
func FuzzValidateAddr(f *testing.F) {
	for _, tt := range addrTests {
		f.Add(tt.addr)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		err := ValidateAddr(addr)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddr) || errors.Is(CheckLoopback(addr), ErrNotLoopback) {
				t.Fatalf("%q: %v", addr, err)
			}
			return
		}
		_, port, serr := net.SplitHostPort(addr)
		n, perr := strconv.Atoi(port)
		if serr != nil || perr != nil || n < 0 || n > 65535 {
			t.Fatalf("%q accepted, but splits as port %q (%v, %v)", addr, port, serr, perr)
		}
		if lerr := CheckLoopback(addr); lerr != nil && !errors.Is(lerr, ErrNotLoopback) {
			t.Fatalf("%q accepted, but CheckLoopback = %v", addr, lerr)
		}
	})
}
