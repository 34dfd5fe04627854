package cli

import (
	"github.com/spf13/pflag"

	"github.com/ossdrop/ossdrop/signing"
)

// curlShellFlag is --curl-shell: which shell's quoting the printed curl
// command uses. The default is the system's natural shell (PowerShell on
// Windows, a POSIX shell elsewhere).
type curlShellFlag struct{ name string }

func addCurlShellFlag(fs *pflag.FlagSet) *curlShellFlag {
	f := &curlShellFlag{}
	fs.StringVar(&f.name, "curl-shell", string(signing.NaturalShell),
		"shell the curl command is written for: posix (sh, bash, zsh), powershell (uses curl.exe) or cmd")
	return f
}

// shell returns the chosen shell, or an error naming the choices.
func (f *curlShellFlag) shell() (signing.Shell, error) { return signing.ParseShell(f.name) }

// curlLabel introduces a curl command in text output.
func curlLabel(sh signing.Shell) string {
	switch sh {
	case signing.ShellPowerShell:
		return "curl (PowerShell)"
	case signing.ShellCmd:
		return "curl (cmd.exe)"
	}
	return "curl"
}

// curlCommands is every form of a curl command, keyed by shell, for --json.
func curlCommands(form func(signing.Shell, string) string, file string) map[signing.Shell]string {
	m := make(map[signing.Shell]string, len(signing.Shells))
	for _, sh := range signing.Shells {
		m[sh] = form(sh, file)
	}
	return m
}
