//go:build !windows

package cli

import (
	"io"
	"os"
)

// stdinHint would say how to give ossdrop its input on standard input;
// elsewhere than on Windows the error itself says enough.
const stdinHint = ""

// Hints on how to give ossdrop a secret (or a secret and an STS token).
const (
	secretHint    = "type it when asked, or pipe it in as the first line of standard input"
	stsSecretHint = "type them when asked, or pipe the secret as the first line and the STS token as the second"
)

// stdio returns the process's standard streams as they are.
func stdio() (io.Reader, *os.File, *os.File) { return os.Stdin, os.Stdout, os.Stderr }
