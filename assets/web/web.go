// Package web holds the upload page partners open in a browser: one
// self-contained HTML file (upload.html, no build step, no third-party
// script) that reads an upload link from its URL fragment and uploads a file
// with it. The sandbox serves it, and the owner publishes it to a bucket.
//
// The page's strings are English in the file; UploadPage fills in their
// translations from the app's own translation files, so the page and the app
// say the same things in the same words. The package never imports Fyne.
package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/ossdrop/ossdrop/assets/translations"
)

// PageName is the page's file name.
const PageName = "upload.html"

// ContentType is what the page is served and stored as.
const ContentType = "text/html; charset=utf-8"

// Languages are the translations the page carries besides English, named
// as the translation files are.
var Languages = []string{"zh-Hans"}

//go:embed upload.html
var uploadHTML []byte

// stringsBlock is the empty JSON block UploadPage fills in.
var stringsBlock = []byte(`<script id="ossdrop-strings" type="application/json">{}</script>`)

// UploadPage returns the page with its translations filled in: the bytes the
// sandbox serves and "Publish the upload page" stores.
func UploadPage() []byte { return slices.Clone(page()) }

var page = sync.OnceValue(func() []byte {
	p, err := buildPage()
	if err != nil {
		// The translation files are embedded and tested: this cannot
		// happen in a built binary, and an English page still works.
		return uploadHTML
	}
	return p
})

func buildPage() ([]byte, error) {
	if !bytes.Contains(uploadHTML, stringsBlock) {
		return nil, fmt.Errorf("upload page: the strings block is missing")
	}
	all := map[string]map[string]string{}
	for _, lang := range Languages {
		tr, err := translations.Load(lang)
		if err != nil {
			return nil, fmt.Errorf("upload page: %w", err)
		}
		own := map[string]string{}
		for _, key := range Strings() {
			if v, ok := tr[key]; ok {
				own[key] = v
			}
		}
		all[lang] = own
	}
	// json.Marshal escapes <, > and &, so no string can end the script block.
	raw, err := json.Marshal(all)
	if err != nil {
		return nil, fmt.Errorf("upload page: %w", err)
	}
	block := []byte(`<script id="ossdrop-strings" type="application/json">` + string(raw) + `</script>`)
	return bytes.Replace(uploadHTML, stringsBlock, block, 1), nil
}

var (
	// markupKey finds data-i18n="…" attributes; scriptKey finds t("…")
	// calls. Every string the page shows is written one of these two ways.
	markupKey = regexp.MustCompile(`data-i18n="([^"]*)"`)
	scriptKey = regexp.MustCompile(`\bt\(("(?:[^"\\]|\\.)*")`)
)

// Strings returns the English strings the page shows (its translation
// keys), sorted, each once.
func Strings() []string {
	var keys []string
	for _, m := range markupKey.FindAllSubmatch(uploadHTML, -1) {
		keys = append(keys, html.UnescapeString(string(m[1])))
	}
	for _, m := range scriptKey.FindAllSubmatch(uploadHTML, -1) {
		if s, err := strconv.Unquote(string(m[1])); err == nil {
			keys = append(keys, s)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
