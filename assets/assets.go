// Package assets embeds the files the app ships inside its binary: the icon
// and the translations (English and Simplified Chinese).
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon, used for the window and the About dialog.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// Translations holds translations/<lang>.json for fyne/lang; the English
// strings are the keys, so en.json only lists what reads differently. The
// directory is also the Fyne-free package translations (the upload page's
// strings), whose Go file is left out here.
//
//go:embed translations/*.json
var Translations embed.FS
