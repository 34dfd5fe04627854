package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// The CJK fonts: Noto Sans CJK SC, Regular and Bold, cut down by
// scripts/cjk-font to the characters the translations use and the 3,500
// commonly used ones (SIL Open Font License: fonts/LICENSE.txt). They hold
// no Latin glyphs but the space, so Latin text keeps Fyne's own fonts; their
// line metrics and space are those of the Fyne font each goes with, so a
// label measures the same with or without them.
var (
	//go:embed fonts/NotoSansCJKsc-Regular-subset.otf
	cjkRegular []byte
	//go:embed fonts/NotoSansCJKsc-Bold-subset.otf
	cjkBold []byte
	//go:embed fonts/NotoSansCJKsc-Mono-subset.otf
	cjkMono []byte

	// CJKRegular is the regular weight of the shipped CJK font.
	CJKRegular = fyne.NewStaticResource("NotoSansCJKsc-Regular-subset.otf", cjkRegular)
	// CJKBold is the bold weight of the shipped CJK font, so that bold
	// Chinese text matches bold Latin beside it.
	CJKBold = fyne.NewStaticResource("NotoSansCJKsc-Bold-subset.otf", cjkBold)
	// CJKMono is the regular glyphs with the line metrics and space of
	// Fyne's monospace font, for monospace text (CJK glyphs are one em
	// wide in any case), and 0.15 em more room under each line: Fyne
	// measures monospace lines with it, and with DejaVu Sans Mono's own
	// line height the window's painter cut off most of every underscore.
	CJKMono = fyne.NewStaticResource("NotoSansCJKsc-Mono-subset.otf", cjkMono)
)
