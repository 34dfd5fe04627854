package signing

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"mvdan.cc/sh/v3/shell"
)

// The shells' rules, as models: what each does to a command line before
// curl receives its arguments. They are written from the shells'
// documentation, independently of the quoting code, and are deliberately
// strict: anything the model does not understand fails the test.

// shellEnv holds environment variables a careless quoting would expand:
// PATH exists everywhere, and 2F20261124 is what cmd sees between the
// first two % of a V4 credential (AKID%2F20261124%2Fcn-hangzhou…).
var shellEnv = map[string]string{"PATH": `C:\Windows`, "2F20261124": "EXPANDED"}

// expandPercent is %NAME% expansion as cmd does it at a prompt and
// PowerShell after --%: a defined variable is replaced, anything else
// stays. After an undefined name the scan resumes at the closing %, the
// stricter of the two readings, since that % may open a new name.
func expandPercent(line string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] != '%' {
			b.WriteByte(line[i])
			continue
		}
		end := strings.IndexByte(line[i+1:], '%')
		if end < 0 {
			b.WriteString(line[i:])
			break
		}
		name := line[i+1 : i+1+end]
		if v, ok := lookupEnv(env, name); ok && name != "" {
			b.WriteString(v)
			i += end + 1
			continue
		}
		b.WriteByte('%')
	}
	return b.String()
}

// lookupEnv is case-insensitive, as Windows environment names are.
func lookupEnv(env map[string]string, name string) (string, bool) {
	for k, v := range env {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// cmdArgs is a cmd.exe prompt (delayed expansion off, its default) running
// line: %NAME% expansion, then carets and quotes, then curl.exe's own
// splitting. An unescaped & | < > ( ) outside quotes fails the test: cmd
// would act on it.
func cmdArgs(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	line = expandPercent(line, env)
	var b strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '^':
			if i+1 < len(line) {
				i++
				c = line[i]
			} else {
				continue
			}
		case strings.IndexByte("&|<>()", c) >= 0:
			t.Fatalf("cmd would act on %q at %d of %s", c, i, line)
		}
		b.WriteByte(c)
	}
	return programArgs(t, splitWindowsArgs(b.String()))
}

// powerShellArgs is PowerShell running line, for both ways it passes
// arguments to a program: Windows PowerShell 5.1 (legacy: an argument
// with a space or tab is wrapped in double quotes as is) and PowerShell
// 7.3+ (quoted by the Windows rules). Both must give the same argv. After
// --% the rest of the line is passed as is, %NAME% expanded.
func powerShellArgs(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	if rest, ok := strings.CutPrefix(line, "curl.exe --% "); ok {
		return splitWindowsArgs(expandPercent(rest, env))
	}
	rest, ok := strings.CutPrefix(line, "curl.exe ")
	if !ok {
		t.Fatalf("not a curl.exe command: %s", line)
	}
	var tokens []string
	rs := []rune(rest)
	for i := 0; i < len(rs); {
		switch {
		case rs[i] == ' ':
			i++
		case isPowerShellQuote(rs[i]):
			var b strings.Builder
			i++
			for {
				if i >= len(rs) {
					t.Fatalf("unterminated quote in %s", line)
				}
				if isPowerShellQuote(rs[i]) {
					if i+1 < len(rs) && isPowerShellQuote(rs[i+1]) {
						b.WriteRune(rs[i])
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			tokens = append(tokens, b.String())
		default:
			start := i
			for i < len(rs) && rs[i] != ' ' {
				if strings.ContainsRune("'\"`$@{}()[];,&|<>#\u2018\u2019\u201a\u201b\u201c\u201d\u201e", rs[i]) {
					t.Fatalf("PowerShell would act on %q in a bare word of %s", rs[i], line)
				}
				i++
			}
			tokens = append(tokens, string(rs[start:i]))
		}
	}
	legacy := make([]string, len(tokens))
	for i, tok := range tokens {
		if strings.ContainsAny(tok, " \t") {
			tok = `"` + tok + `"`
		}
		legacy[i] = tok
	}
	if got := splitWindowsArgs(strings.Join(legacy, " ")); !reflect.DeepEqual(got, tokens) {
		t.Fatalf("Windows PowerShell 5.1 would pass %q, PowerShell 7.3 %q, for %s", got, tokens, line)
	}
	return tokens
}

// posixArgs is a POSIX shell, through mvdan.cc/sh's word splitting.
func posixArgs(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	args, err := shell.Fields(line, func(name string) string { return env[name] })
	if err != nil {
		t.Fatalf("sh cannot read %s: %v", line, err)
	}
	return programArgs(t, args)
}

func programArgs(t *testing.T, argv []string) []string {
	t.Helper()
	if len(argv) == 0 || (argv[0] != "curl" && argv[0] != "curl.exe") {
		t.Fatalf("the command does not run curl: %q", argv)
	}
	return argv[1:]
}

var shellModels = map[Shell]func(*testing.T, string, map[string]string) []string{
	ShellPOSIX:      posixArgs,
	ShellPowerShell: powerShellArgs,
	ShellCmd:        cmdArgs,
}

// trickyHeaders are values a curl command must carry exactly.
var trickyHeaders = []struct {
	name    string
	headers Headers
	file    string
}{
	{"no headers", nil, ""},
	{"the usual", Headers{{Name: "content-type", Value: "application/pdf"}, {Name: "x-oss-forbid-overwrite", Value: "true"}}, ""},
	{"spaces and a Windows path", Headers{{Name: "x-oss-meta-note", Value: "two  spaces"}}, `C:\Users\Ada Lovelace\q3 report.pdf`},
	{"double quotes", Headers{{Name: "x-oss-meta-note", Value: `say "hi" to "them"`}}, ""},
	{"single quotes", Headers{{Name: "x-oss-meta-note", Value: `it's Ada's`}}, `C:\Users\o'brien\a.pdf`},
	{"percent signs and variables", Headers{{Name: "x-oss-meta-note", Value: `100% of %PATH% and %2F20261124%`}}, ""},
	{"cmd's specials", Headers{{Name: "x-oss-meta-note", Value: `a & b | c < d > e ^ f ( g ) !h!`}}, `C:\tmp\a&b^c!.pdf`},
	{"PowerShell's specials", Headers{{Name: "x-oss-meta-note", Value: "$env:PATH `backtick` @(1) {2} [3]; #4, -5"}}, ""},
	{"backslashes before quotes and at the end", Headers{{Name: "x-oss-meta-note", Value: `a\"b\\"c \`}}, `C:\dir with space\f.pdf`},
	{"trailing backslash after a space", Headers{{Name: "x-oss-meta-note", Value: `ends in \`}}, ""},
	{"typographic quotes", Headers{{Name: "x-oss-meta-note", Value: "‘curly’ ‚low‛ “double” „low”"}}, ""},
	{"non-ASCII", nil, `C:\Users\张伟\报告 2026.pdf`},
	{"a download", nil, "out file.bin"},
}

// TestCurlShells checks, for each shell, that the command gives curl
// exactly the intended arguments once the shell has read it.
func TestCurlShells(t *testing.T) {
	for _, tt := range trickyHeaders {
		for _, sh := range Shells {
			t.Run(tt.name+"/"+string(sh), func(t *testing.T) {
				l := testLink()
				l.Headers = tt.headers
				if tt.name == "a download" {
					l.Method = MethodGet
				}
				cmd := l.CurlIn(sh, tt.file)
				env := shellEnv
				if sh == ShellPowerShell && strings.Contains(cmd, "--%") && strings.Contains(cmd, "%2F20261124%") {
					// After --% PowerShell expands %NAME% of variables that
					// exist, with no escape; no real variable is named like
					// a piece of a URL, so this one is left out here.
					env = map[string]string{"PATH": shellEnv["PATH"]}
				}
				got := shellModels[sh](t, cmd, env)
				want := curlArgs(l.Method, l.URL, l.Headers, tt.file)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s\n got %q\nwant %q", cmd, got, want)
				}
			})
		}
	}
}

func TestCurlShellForms(t *testing.T) {
	l := testLink()
	l.Headers = Headers{{Name: "x-oss-forbid-overwrite", Value: "true"}}
	l.URL = "https://b.oss-cn-hangzhou.aliyuncs.com/k?a=1%2F2&b=3"
	tests := []struct {
		sh   Shell
		want string
	}{
		{ShellPOSIX, `curl -X PUT -T ./FILE -H 'x-oss-forbid-overwrite: true' 'https://b.oss-cn-hangzhou.aliyuncs.com/k?a=1%2F2&b=3'`},
		{ShellPowerShell, `curl.exe -X PUT -T ./FILE -H 'x-oss-forbid-overwrite: true' 'https://b.oss-cn-hangzhou.aliyuncs.com/k?a=1%2F2&b=3'`},
		{ShellCmd, `curl.exe -X PUT -T ./FILE -H ^"x-oss-forbid-overwrite: true^" https://b.oss-cn-hangzhou.aliyuncs.com/k?a=1^%2F2^&b=3`},
	}
	for _, tt := range tests {
		t.Run(string(tt.sh), func(t *testing.T) {
			if got := l.CurlIn(tt.sh, ""); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	t.Run("posix is Curl", func(t *testing.T) {
		if a, b := testLink().CurlIn(ShellPOSIX, "x y"), testLink().Curl("x y"); a != b {
			t.Errorf("%s != %s", a, b)
		}
	})
	t.Run("a double quote makes PowerShell stop parsing", func(t *testing.T) {
		l.Headers = Headers{{Name: "x-oss-meta-a", Value: `"x"`}}
		want := `curl.exe --% -X PUT -T ./FILE -H "x-oss-meta-a: \"x\"" https://b.oss-cn-hangzhou.aliyuncs.com/k?a=1%2F2&b=3`
		if got := l.CurlIn(ShellPowerShell, ""); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	})
}

func TestParseShell(t *testing.T) {
	tests := []struct {
		in   string
		want Shell
		ok   bool
	}{
		{"posix", ShellPOSIX, true}, {"bash", ShellPOSIX, true}, {"PowerShell", ShellPowerShell, true},
		{"pwsh", ShellPowerShell, true}, {"cmd", ShellCmd, true}, {" cmd.exe ", ShellCmd, true},
		{"fish", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseShell(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("ParseShell(%q) = %q, %v", tt.in, got, err)
			}
			if err != nil && !strings.Contains(err.Error(), "posix, powershell or cmd") {
				t.Errorf("the error does not list the shells: %v", err)
			}
		})
	}
	for _, sh := range Shells {
		if got, err := ParseShell(string(sh)); got != sh || err != nil {
			t.Errorf("%q does not parse as itself: %q, %v", sh, got, err)
		}
	}
}

// FuzzCurlShells feeds any header value and file path through every shell
// model, and through curlWords (what inspect reads a pasted command with):
// both must give curl's arguments exactly.
func FuzzCurlShells(f *testing.F) {
	for _, tt := range trickyHeaders {
		v := ""
		if len(tt.headers) > 0 {
			v = tt.headers[0].Value
		}
		f.Add(v, tt.file)
	}
	f.Fuzz(func(t *testing.T, value, file string) {
		// Header values and paths never hold control characters (the
		// validators refuse them; a file name cannot have them on Windows).
		for _, s := range []string{value, file} {
			if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }) {
				t.Skip()
			}
		}
		l := testLink()
		l.Headers = Headers{{Name: "x-oss-meta-v", Value: value}}
		for _, sh := range Shells {
			cmd := l.CurlIn(sh, file)
			env := shellEnv
			if sh == ShellPowerShell && strings.Contains(cmd, "--%") {
				env = nil // see TestCurlShells
			}
			want := curlArgs(l.Method, l.URL, l.Headers, file)
			if got := shellModels[sh](t, cmd, env); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %s\n got %q\nwant %q", sh, cmd, got, want)
			}
			words, err := curlWords(cmd)
			if err != nil || len(words) == 0 || !reflect.DeepEqual(words[1:], want) {
				t.Fatalf("curlWords(%s form) = %q, %v\nwant %q", sh, words, err, want)
			}
		}
	})
}

// TestRequestLinkCurlShells: a request link's curl -F command, with odd
// form values and a Windows path, reaches curl intact in every shell.
func TestRequestLinkCurlShells(t *testing.T) {
	req := requestLinkRequest()
	req.Metadata = map[string]string{"note": `it's "odd"; @home <x> & 100% ^!`}
	l, err := NewRequestLink(req, testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"", `C:\Users\Ada Lovelace\q3 "final".pdf`} {
		for _, sh := range Shells {
			t.Run(string(sh)+"/"+file, func(t *testing.T) {
				cmd := l.CurlIn(sh, file)
				if got, want := shellModels[sh](t, cmd, shellEnv), l.curlArgs(file); !reflect.DeepEqual(got, want) {
					t.Errorf("%s\n got %q\nwant %q", cmd, got, want)
				}
			})
		}
	}
	if l.CurlIn(ShellPOSIX, "x") != l.Curl("x") {
		t.Error("the POSIX form is not Curl")
	}
}

// TestCurlShellsKeepDotSegments: every shell's form keeps curl from
// normalising a key such as "x/.." (--path-as-is, the last segment
// percent-encoded), as the POSIX form does.
func TestCurlShellsKeepDotSegments(t *testing.T) {
	l := testLink()
	l.Headers = nil
	l.URL = "https://b.oss-cn-hangzhou.aliyuncs.com/a/../x/..?x-oss-signature=" + sig64
	want := []string{"-X", "PUT", "-T", "./FILE", "--path-as-is", "https://b.oss-cn-hangzhou.aliyuncs.com/a/../x/%2E%2E?x-oss-signature=" + sig64}
	for _, sh := range Shells {
		t.Run(string(sh), func(t *testing.T) {
			cmd := l.CurlIn(sh, "")
			if got := shellModels[sh](t, cmd, shellEnv); !reflect.DeepEqual(got, want) {
				t.Errorf("%s\n got %q\nwant %q", cmd, got, want)
			}
		})
	}
}
