package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// The CJK fonts: Noto Sans CJK SC, Regular and Bold, cut down by
// scripts/cjk-font to the characters the translations use and the 3,500
// commonly used ones (SIL Open Font License: fonts/LICENSE.txt). They hold
// no Latin glyphs, so Latin text keeps Fyne's own Noto Sans.
var (
	//go:embed fonts/NotoSansCJKsc-Regular-subset.otf
	cjkRegular []byte
	//go:embed fonts/NotoSansCJKsc-Bold-subset.otf
	cjkBold []byte

	// CJKRegular is the regular weight of the shipped CJK font.
	CJKRegular = fyne.NewStaticResource("NotoSansCJKsc-Regular-subset.otf", cjkRegular)
	// CJKBold is the bold weight of the shipped CJK font, so that bold
	// Chinese text matches bold Latin beside it.
	CJKBold = fyne.NewStaticResource("NotoSansCJKsc-Bold-subset.otf", cjkBold)
)
