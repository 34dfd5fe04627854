package assets

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"sort"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

// parse reads a font the way Fyne does (go-text's parser).
func parse(t *testing.T, r fyne.Resource) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(r.Content()))
	if err != nil {
		t.Fatalf("%s: %v", r.Name(), err)
	}
	return f
}

// TestFontsCoverTranslations checks that every character of every
// translation has a glyph in the shipped CJK font or in Fyne's Noto Sans of
// the same weight, so no label shows a box on a machine without fonts. A
// failure means the translations gained characters: run make cjk-font.
func TestFontsCoverTranslations(t *testing.T) {
	weights := []struct {
		name       string
		cjk, latin fyne.Resource
	}{
		{"regular", CJKRegular, theme.DefaultTextFont()},
		{"bold", CJKBold, theme.DefaultTextBoldFont()},
	}
	files, err := fs.Glob(Translations, "translations/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no translations: %v", err)
	}
	for _, w := range weights {
		t.Run(w.name, func(t *testing.T) {
			cjk, latin := parse(t, w.cjk), parse(t, w.latin)
			for _, name := range files {
				raw, err := Translations.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]string
				if err := json.Unmarshal(raw, &m); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				missing := map[rune]bool{}
				for k, v := range m {
					for _, r := range k + v {
						if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
							continue
						}
						_, inCJK := cjk.NominalGlyph(r)
						_, inLatin := latin.NominalGlyph(r)
						if !inCJK && !inLatin {
							missing[r] = true
						}
					}
				}
				if len(missing) > 0 {
					var rs []rune
					for r := range missing {
						rs = append(rs, r)
					}
					sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
					t.Errorf("%s: no glyph for %q in %s or %s: run make cjk-font", path.Base(name), string(rs), w.cjk.Name(), w.latin.Name())
				}
			}
		})
	}
}

// TestCJKFontsLeaveLatinAlone checks that the CJK fonts carry no Latin
// letters or digits: Fyne tries the theme's font first, so any Latin glyph
// here would replace Fyne's Noto Sans in every English label. The space is
// the exception (see TestCJKFontsMeasureLikeFyne's).
func TestCJKFontsLeaveLatinAlone(t *testing.T) {
	for _, r := range []fyne.Resource{CJKRegular, CJKBold, CJKMono} {
		f := parse(t, r)
		for c := rune(0x21); c < 0x250; c++ {
			if _, ok := f.NominalGlyph(c); ok {
				t.Errorf("%s has a glyph for %q", r.Name(), c)
			}
		}
		for _, c := range "中文件链接上传。，：（）" {
			if _, ok := f.NominalGlyph(c); !ok {
				t.Errorf("%s has no glyph for %q", r.Name(), c)
			}
		}
	}
}

// monoLineGap is the line gap, in ems, that the monospace CJK font has
// beyond DejaVu Sans Mono's (scripts/cjk-font's MONO_LINE_GAP).
const monoLineGap = 0.15

// TestCJKFontsMeasureLikeFyne: each CJK font has the line metrics and the
// space of the Fyne font it is used with. Fyne measures a label's height
// and places its baseline with the first font of the style that has a
// space, which is the CJK font (go-text's shaper expects every font to have
// one, and a space after Chinese text is drawn with it), so other metrics
// would change the size of every label, Chinese or not. The monospace font
// has monoLineGap more line gap, on purpose: scripts/cjk-font's
// MONO_LINE_GAP says why.
func TestCJKFontsMeasureLikeFyne(t *testing.T) {
	for _, pair := range []struct {
		cjk, latin fyne.Resource
		extraGap   float64
	}{
		{CJKRegular, theme.DefaultTextFont(), 0},
		{CJKBold, theme.DefaultTextBoldFont(), 0},
		{CJKMono, theme.DefaultTextMonospaceFont(), monoLineGap},
	} {
		t.Run(pair.cjk.Name(), func(t *testing.T) {
			cjk, latin := parse(t, pair.cjk), parse(t, pair.latin)
			perEm := func(f *font.Face, v float32) float64 { return float64(v) / float64(f.Upem()) }
			ce, ok1 := cjk.FontHExtents()
			le, ok2 := latin.FontHExtents()
			if !ok1 || !ok2 {
				t.Fatal("no horizontal extents")
			}
			for _, m := range []struct {
				name     string
				cjk, lat float32
				extra    float64
			}{{"ascender", ce.Ascender, le.Ascender, 0}, {"descender", ce.Descender, le.Descender, 0}, {"line gap", ce.LineGap, le.LineGap, pair.extraGap}} {
				if d := perEm(cjk, m.cjk) - perEm(latin, m.lat) - m.extra; d > 0.001 || d < -0.001 {
					t.Errorf("%s %.3f em, %s has %.3f em", m.name, perEm(cjk, m.cjk), pair.latin.Name(), perEm(latin, m.lat))
				}
			}
			space := func(f *font.Face) float64 {
				gid, ok := f.NominalGlyph(' ')
				if !ok {
					t.Fatal("no space")
				}
				return perEm(f, f.HorizontalAdvance(gid))
			}
			if d := space(cjk) - space(latin); d > 0.001 || d < -0.001 {
				t.Errorf("space %.3f em, %s has %.3f em", space(cjk), pair.latin.Name(), space(latin))
			}
		})
	}
}
