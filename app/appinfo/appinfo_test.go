package appinfo

import (
	"strings"
	"testing"
)

const sample = `Website = "https://example.com"

[Details]
Icon = "assets/icon.png"
Name = "OSS Drop"
ID = "io.github.ossdrop"
Version = "1.2.3"
Build = 7

[Migrations]
fyneDo = true
`

func TestParse(t *testing.T) {
	i, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	d := i.Details
	if d.Name != "OSS Drop" || d.ID != "io.github.ossdrop" || d.Version != "1.2.3" || d.Build != 7 || d.Icon != "assets/icon.png" {
		t.Errorf("Parse = %+v", i)
	}
	tests := []struct{ name, from, to, says string }{
		{"not TOML", "[Details]", "[Details", "read FyneApp.toml"},
		{"no name", `Name = "OSS Drop"`, "", "needs Name and ID"},
		{"a pre-release version", `"1.2.3"`, `"1.2.3-beta"`, `Version "1.2.3-beta" is not MAJOR.MINOR.PATCH`},
		{"two numbers", `"1.2.3"`, `"1.2"`, "is not MAJOR.MINOR.PATCH"},
		{"a part too big for Windows", `"1.2.3"`, `"1.70000.3"`, "is not MAJOR.MINOR.PATCH"},
		{"a negative build", "Build = 7", "Build = -1", "Build -1 is not between 0 and 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(sample, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Parse = %v, want an error saying %q", err, tt.says)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	if v := Get().Details.Version; v != "dev" {
		t.Errorf("before Load the version is %q, want dev", v)
	}
	Load([]byte(sample))
	if v := Get().Details.Version; v != "1.2.3" {
		t.Errorf("after Load the version is %q", v)
	}
	defer func() {
		if recover() == nil {
			t.Error("Load of a broken file did not panic")
		}
		if v := Get().Details.Version; v != "1.2.3" {
			t.Errorf("a failed Load changed the version to %q", v)
		}
	}()
	Load([]byte("Version = 1"))
}

// FuzzParse: any file gives metadata or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add(`[Details]` + "\n" + `Name = "x"` + "\n" + `ID = "y"` + "\n" + `Version = "0.0.0"`)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse([]byte(s))
	})
}
