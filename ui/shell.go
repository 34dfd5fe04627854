package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/signing"
)

// prefCurlShell remembers the shell the curl command was last shown for.
const prefCurlShell = "curlShell"

// preferredShell is the shell chosen last time, or the system's natural
// one (PowerShell on Windows, a POSIX shell elsewhere).
func preferredShell() signing.Shell {
	if sh, err := signing.ParseShell(fyne.CurrentApp().Preferences().String(prefCurlShell)); err == nil {
		return sh
	}
	return signing.NaturalShell
}

// shellLabel names a shell in the picker.
func shellLabel(sh signing.Shell) string {
	switch sh {
	case signing.ShellPowerShell:
		return "PowerShell"
	case signing.ShellCmd:
		return lang.L("Command Prompt")
	}
	return "macOS / Linux"
}

func shellLabels() []string {
	labels := make([]string, len(signing.Shells))
	for i, sh := range signing.Shells {
		labels[i] = shellLabel(sh)
	}
	return labels
}

func shellOfLabel(label string) (signing.Shell, bool) {
	for _, sh := range signing.Shells {
		if shellLabel(sh) == label {
			return sh, true
		}
	}
	return "", false
}
