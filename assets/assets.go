// Package assets embeds the files the app ships inside its binary: the icon
// today, translations and fonts as the GUI grows.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon, used for the window and the About dialog.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
