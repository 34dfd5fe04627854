package ui

import (
	"bytes"
	"image/color"
	"math"
	"testing"

	"github.com/go-text/typesetting/font"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/assets"
)

// TestAppThemeFonts: the shipped CJK font of the right weight comes first
// for every text style but symbols, and a font the user chose with
// FYNE_FONT is left alone.
func TestAppThemeFonts(t *testing.T) {
	th := newAppTheme()
	tests := []struct {
		name  string
		style fyne.TextStyle
		want  fyne.Resource
	}{
		{"regular", fyne.TextStyle{}, assets.CJKRegular},
		{"bold", fyne.TextStyle{Bold: true}, assets.CJKBold},
		{"bold italic", fyne.TextStyle{Bold: true, Italic: true}, assets.CJKBold},
		{"italic", fyne.TextStyle{Italic: true}, assets.CJKRegular},
		{"monospace", fyne.TextStyle{Monospace: true}, assets.CJKMono},
		{"symbol", fyne.TextStyle{Symbol: true}, theme.DefaultTheme().Font(fyne.TextStyle{Symbol: true})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := th.Font(tt.style); got != tt.want {
				t.Errorf("Font(%+v) = %s, want %s", tt.style, got.Name(), tt.want.Name())
			}
		})
	}
	t.Run("FYNE_FONT", func(t *testing.T) {
		t.Setenv("FYNE_FONT", "/nonexistent/font.ttf")
		if got := th.Font(fyne.TextStyle{Bold: true}); got == assets.CJKBold {
			t.Error("the CJK font replaced the font chosen with FYNE_FONT")
		}
	})
}

// ink is how many pixels of a rendered label differ from the background:
// bold text has more.
func ink(t *testing.T, text string, style fyne.TextStyle) int {
	t.Helper()
	w := test.NewTempWindow(t, &widget.Label{Text: text, TextStyle: style})
	w.Resize(fyne.NewSize(400, 60))
	img := w.Canvas().Capture()
	n := 0
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if differs(img.At(x, y), bg) {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatalf("%q drew nothing", text)
	}
	return n
}

func differs(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) uint32 { return max(x, y) - min(x, y) }
	return d(r1, r2)+d(g1, g2)+d(b1, b2) > 3*0x4000
}

// TestBoldChineseMatchesBoldLatin: in a bold label, Chinese is as much
// bolder than regular as Latin is. A system fallback font (how Fyne draws
// characters its own fonts lack) is always the regular weight, which made
// "OSS 链接" bold on the left and regular on the right.
func TestBoldChineseMatchesBoldLatin(t *testing.T) {
	test.NewTempApp(t)
	fyne.CurrentApp().Settings().SetTheme(newAppTheme())
	for _, tt := range []struct{ name, text string }{
		{"Latin", "Upload link"},
		{"Chinese", "上传链接"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			regular, bold := ink(t, tt.text, fyne.TextStyle{}), ink(t, tt.text, fyne.TextStyle{Bold: true})
			if ratio := float64(bold) / float64(regular); ratio < 1.15 {
				t.Errorf("bold %q has %d inked pixels, regular %d: not bold (ratio %.2f)", tt.text, bold, regular, ratio)
			}
		})
	}
}

// TestMonospaceLinesHoldTheirUnderscores: a line of monospace text (the
// curl command) is drawn tall enough for the underscore under its
// baseline. The window's painter draws each line into an image of the
// line's height, rounded to whole pixels, under a baseline rounded up;
// DejaVu Sans Mono's underscore reaches exactly to the font's descent, so
// with the font's own line height the rounding cut most of it off and
// "aliyun_v4_request" read as "aliyun v4 request". Checked for the
// display scales people use.
func TestMonospaceLinesHoldTheirUnderscores(t *testing.T) {
	test.NewTempApp(t)
	fyne.CurrentApp().Settings().SetTheme(newAppTheme())
	mono := fyne.TextStyle{Monospace: true}
	face, err := font.ParseTTF(bytes.NewReader(theme.DefaultTextMonospaceFont().Content()))
	if err != nil {
		t.Fatal(err)
	}
	gid, _ := face.NominalGlyph('_')
	ext, _ := face.GlyphExtents(gid)
	depth := -(ext.YBearing + ext.Height) / float32(face.Upem()) // below the baseline, in ems
	for _, text := range []string{"aliyun_v4_request", "上传_报告"} {
		for _, size := range []float32{theme.TextSize(), theme.CaptionTextSize()} {
			line, baseline := fyne.CurrentApp().Driver().RenderedTextSize(text, size, mono, nil)
			for _, scale := range []float64{1, 1.25, 1.5, 1.75, 2} {
				height := math.Round(float64(line.Height) * scale)                       // the GL painter's image
				bottom := math.Ceil(float64(baseline)*scale) + float64(depth*size)*scale // the underscore's lower edge
				if bottom > height {
					t.Errorf("%q at %.0f pt, scale %.2f: the underscore reaches %.2f pixels down, the line is %.0f high", text, size, scale, bottom, height)
				}
			}
		}
	}
}
