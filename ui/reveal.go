package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
)

// revealFile opens the folder holding path in the system's file manager
// (through the desktop's URL opener, which every platform has), so the
// owner finds the downloaded file there.
func revealFile(path string) error {
	dir := filepath.ToSlash(filepath.Dir(path))
	if !strings.HasPrefix(dir, "/") {
		dir = "/" + dir // C:/Users/… becomes file:///C:/Users/…
	}
	u := &url.URL{Scheme: "file", Path: dir}
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		return fmt.Errorf("open the folder %s: %w", filepath.Dir(path), err)
	}
	return nil
}
