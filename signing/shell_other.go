//go:build !windows

package signing

// NaturalShell is the shell a person on this system most likely pastes a
// command into: a POSIX shell on Linux, macOS and the BSDs.
const NaturalShell = ShellPOSIX
