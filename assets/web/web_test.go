package web

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/ossdrop/ossdrop/assets/translations"
)

// TestPageStringsTranslated keeps the page and the translation files in
// step: every string the page shows has a Chinese translation with the same
// placeholders, in the same order (the page fills them in order).
func TestPageStringsTranslated(t *testing.T) {
	keys := Strings()
	if len(keys) < 80 {
		t.Fatalf("found %d page strings; the extraction patterns missed some", len(keys))
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, lang := range Languages {
		tr, err := translations.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range keys {
			v, ok := tr[key]
			switch {
			case !ok:
				t.Errorf("%s: no translation for %q", lang, key)
			case strings.Join(verbs.FindAllString(v, -1), "") != strings.Join(verbs.FindAllString(key, -1), ""):
				t.Errorf("%s: %q → %q: the placeholders differ", lang, key, v)
			}
		}
	}
}

// TestUploadPageCarriesTranslations checks the filled-in strings block: it
// parses, holds only the page's strings, and cannot end its script early.
func TestUploadPageCarriesTranslations(t *testing.T) {
	page := UploadPage()
	start := []byte(`<script id="ossdrop-strings" type="application/json">`)
	i := bytes.Index(page, start)
	if i < 0 {
		t.Fatal("no strings block")
	}
	rest := page[i+len(start):]
	raw := rest[:bytes.Index(rest, []byte("</script>"))]
	var got map[string]map[string]string
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("strings block %q: %v", raw, err)
	}
	zh := got["zh-Hans"]
	if len(zh) != len(Strings()) || zh["Upload a file"] != "上传文件" {
		t.Fatalf("zh-Hans has %d of %d strings; Upload a file = %q", len(zh), len(Strings()), zh["Upload a file"])
	}
	if bytes.Contains(raw, []byte("<")) {
		t.Error("the strings block holds a raw '<'")
	}
	if !bytes.Equal(UploadPage(), page) {
		t.Error("UploadPage is not stable")
	}
	for _, forbidden := range []string{"<script src", "<link ", "@import", "url(http", "fonts.googleapis"} {
		if bytes.Contains(page, []byte(forbidden)) {
			t.Errorf("the page loads something from elsewhere: %q", forbidden)
		}
	}
}
