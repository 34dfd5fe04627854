// Package appinfo holds what FyneApp.toml says about the app: its name, ID,
// version and build number. FyneApp.toml is the one source of the version:
// the main package embeds it and hands it to Load at start-up, so that
// 'ossdrop version', the About dialog and the Windows version resource
// (written from the same file by 'make package-windows') always agree.
package appinfo

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// Info is the app's metadata from FyneApp.toml.
type Info struct {
	Website string `toml:"Website"`
	Details struct {
		// Icon is the icon's path in the source tree.
		Icon string `toml:"Icon"`
		// Name is the display name, "OSS Drop".
		Name string `toml:"Name"`
		// ID is the reverse-DNS application ID Fyne keys preferences by.
		ID string `toml:"ID"`
		// Version is MAJOR.MINOR.PATCH.
		Version string `toml:"Version"`
		// Build counts builds of one version (the fourth number of a
		// Windows file version).
		Build int `toml:"Build"`
	} `toml:"Details"`
}

// versionPattern is MAJOR.MINOR.PATCH without leading zeros.
var versionPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// validVersion accepts what Fyne and a Windows version resource (four
// 16-bit numbers, the build being the fourth) both can carry.
func validVersion(v string) bool {
	if !versionPattern.MatchString(v) {
		return false
	}
	for _, part := range strings.Split(v, ".") {
		if n, err := strconv.Atoi(part); err != nil || n > 65535 {
			return false
		}
	}
	return true
}

// Parse reads FyneApp.toml and checks the fields the app relies on.
func Parse(data []byte) (Info, error) {
	var i Info
	if _, err := toml.Decode(string(data), &i); err != nil {
		return Info{}, fmt.Errorf("read FyneApp.toml: %w", err)
	}
	d := i.Details
	switch {
	case d.Name == "" || d.ID == "":
		return Info{}, errors.New("read FyneApp.toml: [Details] needs Name and ID")
	case !validVersion(d.Version):
		return Info{}, fmt.Errorf("read FyneApp.toml: Version %q is not MAJOR.MINOR.PATCH", d.Version)
	case d.Build < 0 || d.Build > 65535:
		return Info{}, fmt.Errorf("read FyneApp.toml: Build %d is not between 0 and 65535", d.Build)
	}
	return i, nil
}

var (
	mu      sync.Mutex
	current = func() Info {
		var i Info
		i.Details.Name, i.Details.Version = "OSS Drop", "dev"
		return i
	}()
)

// Load parses FyneApp.toml and makes it what Get returns. The file is
// embedded at build time, so an error is a broken build: Load panics, and a
// test of the main package keeps that from shipping.
func Load(data []byte) {
	i, err := Parse(data)
	if err != nil {
		panic(err)
	}
	mu.Lock()
	defer mu.Unlock()
	current = i
}

// Get returns the loaded metadata; before Load (in a package's own tests)
// the name is "OSS Drop" and the version "dev".
func Get() Info {
	mu.Lock()
	defer mu.Unlock()
	return current
}
