package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLogicPackagesDoNotImportFyne keeps signing, app and message free of Fyne, so
// the CLI, the sandbox and the signing core build and test without a display.
func TestLogicPackagesDoNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "./signing/...", "./app/...", "./message/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var deps []string
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			deps = append(deps, dep)
		}
	}
	if len(deps) > 0 {
		t.Errorf("signing/, app/ or message/ depends on Fyne: %v", deps)
	}
}
