// Package translations embeds the app's translation files (<lang>.json,
// English strings as keys) without depending on Fyne, so code that must not
// import Fyne, such as the upload page the sandbox serves, can use the same
// strings as the desktop app.
package translations

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed *.json
var files embed.FS

// Load returns the translations of one language ("zh-Hans"): English key to
// translated text.
func Load(lang string) (map[string]string, error) {
	raw, err := files.ReadFile(lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("translations for %s: %w", lang, err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("translations for %s: %w", lang, err)
	}
	return m, nil
}
