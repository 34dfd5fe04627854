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
// here would replace Fyne's Noto Sans in every English label.
func TestCJKFontsLeaveLatinAlone(t *testing.T) {
	for _, r := range []fyne.Resource{CJKRegular, CJKBold} {
		f := parse(t, r)
		for c := rune(0x20); c < 0x250; c++ {
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
