package signing

import (
	"reflect"
	"strings"
	"testing"
)

// TestSplitWindowsArgs: the examples Microsoft documents for parsing C
// command-line arguments, and the quote-doubling rule.
func TestSplitWindowsArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`"a b c" d e`, []string{"a b c", "d", "e"}},
		{`"ab\"c" "\\" d`, []string{`ab"c`, `\`, "d"}},
		{`a\\\b d"e f"g h`, []string{`a\\\b`, "de fg", "h"}},
		{`a\\\"b c d`, []string{`a\"b`, "c", "d"}},
		{`a\\\\"b c" d e`, []string{`a\\b c`, "d", "e"}},
		{`a"b"" c d`, []string{`ab" c d`}},
		{"  \tspaced\t out  ", []string{"spaced", "out"}},
		{`""`, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := splitWindowsArgs(tt.line); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCurlWords(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
		err        string
	}{
		{"POSIX", `curl -H 'a: b' "$HOME/x" 'u'`, []string{"curl", "-H", "a: b", "/x", "u"}, ""},
		{"PowerShell", `curl.exe -H 'it''s: ‘‘x’’' 'u?a=1&b=2'`, []string{"curl.exe", "-H", "it's: ‘x’", "u?a=1&b=2"}, ""},
		{"PowerShell stop-parsing", `curl.exe --% -H "a: \"b\"" u?a=1&b=2`, []string{"curl.exe", "-H", `a: "b"`, "u?a=1&b=2"}, ""},
		{"cmd.exe", `curl.exe -H ^"a: ^& ^%PATH^%^" u?a=1^&b=2`, []string{"curl.exe", "-H", "a: & %PATH%", "u?a=1&b=2"}, ""},
		{"cmd.exe typed by hand", `curl.exe -H "a: b & c" "u?a=1&b=2"`, []string{"curl.exe", "-H", "a: b & c", "u?a=1&b=2"}, ""},
		{"a path to curl.exe", `C:\Windows\System32\curl.exe -o f u`, []string{`C:\Windows\System32\curl.exe`, "-o", "f", "u"}, ""},
		{"cmd.exe, two commands", `curl.exe u^&x & del x`, nil, "unescaped &"},
		{"a lone quote is cmd.exe text", `curl.exe -T ' u`, []string{"curl.exe", "-T", "'", "u"}, ""},
		{"neither shell's text", `curl.exe 'u & x`, nil, "no closing quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := curlWords(tt.text)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("curlWords = %q, %v; want an error saying %q", got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("curlWords = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestInspectReadsEveryShell: the curl command in every shell's form
// reads back as the same link, headers and file.
func TestInspectReadsEveryShell(t *testing.T) {
	for _, tt := range trickyHeaders {
		for _, sh := range Shells {
			t.Run(tt.name+"/"+string(sh), func(t *testing.T) {
				l := testLink()
				l.Headers = tt.headers
				in, err := Inspect(l.CurlIn(sh, tt.file), testNow)
				if err != nil {
					t.Fatalf("%s: %v", l.CurlIn(sh, tt.file), err)
				}
				wantFile := tt.file
				if wantFile == "" {
					wantFile = CurlPlaceholder
				}
				want(t, "url", in.URL, l.URL)
				want(t, "file", in.File, wantFile)
				for _, h := range tt.headers {
					if got, _ := in.Headers.Get(h.Name); got != strings.TrimSpace(h.Value) {
						t.Errorf("header %s = %q, want %q", h.Name, got, h.Value)
					}
				}
			})
		}
	}
}
