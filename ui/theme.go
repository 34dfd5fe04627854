package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/ossdrop/ossdrop/assets"
)

// appTheme is Fyne's theme with the shipped CJK fonts in front of each text
// style. Fyne tries a style's faces in order for every character: this
// theme's font first, then its own Noto Sans for that style, then the
// system's fonts. The CJK fonts hold no Latin glyphs, so Latin text is drawn
// exactly as before, while Chinese text gets glyphs of the same weight as
// the Latin beside it (a system fallback font is always regular) and never
// needs the system's 19.5 MB CJK collection, nor a CJK font at all.
type appTheme struct {
	fyne.Theme
}

func newAppTheme() fyne.Theme {
	return &appTheme{Theme: theme.DefaultTheme()}
}

// Font puts the CJK font of the style first: bold for bold text, the one
// that measures like Fyne's monospace font for monospace text, regular for
// the rest (CJK fonts have no italics); symbols keep Fyne's symbol font. A
// font chosen with FYNE_FONT wins, as in Fyne's own theme.
func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Symbol || os.Getenv("FYNE_FONT") != "":
		return t.Theme.Font(s)
	case s.Monospace:
		return assets.CJKMono
	case s.Bold:
		return assets.CJKBold
	default:
		return assets.CJKRegular
	}
}
