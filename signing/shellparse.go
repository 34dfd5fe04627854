package signing

import (
	"cmp"
	"strings"

	"mvdan.cc/sh/v3/shell"
)

// curlWords splits a pasted curl command into words the way the shell it
// was written for would, so that the three forms CurlIn writes all read
// back: a command calling curl.exe was written for PowerShell or cmd.exe,
// anything else for a POSIX shell ($NAME expands to nothing there, as an
// unset variable would).
func curlWords(text string) ([]string, error) {
	first, rest, _ := strings.Cut(text, " ")
	if !strings.EqualFold(first, "curl.exe") && !strings.HasSuffix(strings.ToLower(first), `\curl.exe`) {
		return shell.Fields(text, func(string) string { return "" })
	}
	rest = strings.TrimLeft(rest, " \t")
	if raw, ok := strings.CutPrefix(rest, "--% "); ok {
		// PowerShell's stop-parsing token: the rest goes to curl.exe as is.
		return append([]string{first}, splitWindowsArgs(raw)...), nil
	}
	// PowerShell words that need quoting are single-quoted, so a caret or a
	// double quote in a bare word is cmd.exe's escaping, and so is a lone
	// quote PowerShell cannot read.
	words, bare, err := splitPowerShell(rest)
	if err != nil || strings.ContainsAny(bare, `^"`) {
		line, cmdErr := unescapeCmd(rest)
		if cmdErr != nil {
			return nil, cmp.Or(err, cmdErr)
		}
		words = splitWindowsArgs(line)
	}
	return append([]string{first}, words...), nil
}

// splitPowerShell reads PowerShell words: single-quoted strings, where a
// doubled quote (' or a typographic one) stands for itself, and bare words,
// taken as they are. bare holds the bare words, for telling cmd.exe text
// apart.
func splitPowerShell(line string) (words []string, bare string, err error) {
	rs := []rune(line)
	for i := 0; i < len(rs); {
		switch {
		case rs[i] == ' ' || rs[i] == '\t':
			i++
		case isPowerShellQuote(rs[i]):
			var b strings.Builder
			closed := false
			for i++; i < len(rs) && !closed; i++ {
				switch {
				case !isPowerShellQuote(rs[i]):
					b.WriteRune(rs[i])
				case i+1 < len(rs) && isPowerShellQuote(rs[i+1]):
					b.WriteRune(rs[i])
					i++
				default:
					closed = true
				}
			}
			if !closed {
				return nil, "", reason("a quoted argument has no closing quote")
			}
			words = append(words, b.String())
		default:
			start := i
			for i < len(rs) && rs[i] != ' ' && rs[i] != '\t' {
				i++
			}
			words = append(words, string(rs[start:i]))
			bare += string(rs[start:i]) + " "
		}
	}
	return words, bare, nil
}

// unescapeCmd does what cmd.exe does to a command line before it starts
// the program: outside double quotes a caret makes the next character
// plain; inside, everything is plain. An unescaped & | < > outside quotes
// would end the command there: such text is not one curl command.
// (%NAME% is left as written: the sender's text is what was meant.)
func unescapeCmd(line string) (string, error) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '^':
			if i++; i == len(line) {
				continue
			}
			c = line[i]
		case strings.IndexByte("&|<>", c) >= 0:
			return "", reason("cmd.exe would end the command at an unescaped %c", c)
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// splitWindowsArgs splits a command line as the Microsoft C runtime (2008
// and later) and CommandLineToArgvW do for a program's arguments: spaces and
// tabs separate arguments outside double quotes; 2n backslashes before a
// quote give n backslashes and the quote delimits, 2n+1 give n and a
// literal quote; "" inside quotes is a literal quote; other backslashes are
// plain.
func splitWindowsArgs(line string) []string {
	var args []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return args
		}
		var b strings.Builder
		quoted := false
		for i < len(line) && (quoted || (line[i] != ' ' && line[i] != '\t')) {
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				b.WriteString(strings.Repeat(`\`, n/2))
				switch {
				case n%2 == 1:
					b.WriteByte('"')
				case quoted && i+1 < len(line) && line[i+1] == '"':
					b.WriteByte('"')
					i++
				default:
					quoted = !quoted
				}
				i++
				continue
			}
			b.WriteString(strings.Repeat(`\`, n))
			if i < len(line) && (quoted || (line[i] != ' ' && line[i] != '\t')) {
				b.WriteByte(line[i])
				i++
			}
		}
		args = append(args, b.String())
	}
}
