package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/ossdrop/ossdrop/app/cli"
)

// TestLogicPackagesDoNotImportFyne keeps signing, app and message free of Fyne, so
// the CLI, the sandbox and the signing core build and test without a display.
func TestLogicPackagesDoNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "./signing/...", "./app/...").CombinedOutput()
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
		t.Errorf("signing/ or app/ depends on Fyne: %v", deps)
	}
}

// TestVersionIsFyneAppToml: the binary reports the Version line of
// FyneApp.toml (read here with a plain pattern, not the app's parser).
func TestVersionIsFyneAppToml(t *testing.T) {
	data, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version = "([^"]+)"$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version line")
	}
	var out bytes.Buffer
	env := cli.Std()
	env.Stdout = &out
	if code := cli.Run([]string{"version"}, env); code != 0 || out.String() != "ossdrop "+string(m[1])+"\n" {
		t.Errorf("ossdrop version: exit %d, %q; FyneApp.toml says %s", code, out.String(), m[1])
	}
}
