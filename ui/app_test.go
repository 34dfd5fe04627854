package ui

import (
	"path/filepath"
	"testing"
)

// TestParseArgs: "ossdrop LINK [FILE]", "ossdrop FILE" and --sandbox, as
// the command line routes them to the app (cli.IsCommand).
func TestParseArgs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.pdf")
	writeFile(t, file, "x")
	const link = "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=1"
	tests := []struct {
		args []string
		want Options
	}{
		{nil, Options{}},
		{[]string{"--sandbox"}, Options{Sandbox: true}},
		{[]string{link}, Options{Link: link}},
		{[]string{link, file}, Options{Link: link, File: file}},
		{[]string{file}, Options{File: file}},
		{[]string{file, link}, Options{Link: link, File: file}},
		{[]string{"--sandbox", "curl -T f 'https://x/k'", file}, Options{Sandbox: true, Link: "curl -T f 'https://x/k'", File: file}},
		{[]string{"not-a-file", file}, Options{Link: "not-a-file", File: file}},
	}
	for _, tt := range tests {
		if got := ParseArgs(tt.args); got != tt.want {
			t.Errorf("ParseArgs(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
	}
}
