package signing

import (
	"fmt"
	"strings"
)

// Shell is the command language a curl command is written for. The quoting
// rules differ, and on Windows the name "curl" itself is not always curl:
// Windows PowerShell 5.1 aliases it to Invoke-WebRequest, so the Windows
// forms call curl.exe (part of Windows 10 1803 and later) by its full name.
type Shell string

// The shells a curl command can be written for.
const (
	// ShellPOSIX is sh, bash or zsh: Linux, macOS, Git Bash, WSL.
	ShellPOSIX Shell = "posix"
	// ShellPowerShell is Windows PowerShell 5.1 and PowerShell 7.
	ShellPowerShell Shell = "powershell"
	// ShellCmd is a cmd.exe prompt (not a .bat file, where % doubles).
	ShellCmd Shell = "cmd"
)

// Shells lists every Shell in the order pickers show them.
var Shells = []Shell{ShellPOSIX, ShellPowerShell, ShellCmd}

// ParseShell reads a shell name as the command line and the preferences
// spell it; "sh", "bash", "pwsh" and "cmd.exe" are accepted too.
func ParseShell(s string) (Shell, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "posix", "sh", "bash", "zsh":
		return ShellPOSIX, nil
	case "powershell", "pwsh", "ps":
		return ShellPowerShell, nil
	case "cmd", "cmd.exe":
		return ShellCmd, nil
	}
	return "", fmt.Errorf("unknown shell %q: choose posix, powershell or cmd", s)
}

// CurlIn returns the curl command for the link written for sh; file
// defaults to CurlPlaceholder. ShellPOSIX gives the same text as Curl.
func (l *Link) CurlIn(sh Shell, file string) string {
	return buildCurlIn(sh, l.Method, l.URL, l.Headers, file)
}

// CurlIn returns the curl command for the inspected link written for sh.
func (in *Inspection) CurlIn(sh Shell, file string) string {
	if file == "" {
		file = in.File
	}
	return buildCurlIn(sh, in.Method, in.URL, in.Headers, file)
}

// CurlIn returns the curl command that uploads file through the request
// link, written for sh. ShellPOSIX gives the same text as Curl.
func (l *RequestLink) CurlIn(sh Shell, file string) string {
	if sh == ShellPOSIX {
		return l.Curl(file)
	}
	return windowsCommand(sh, l.curlArgs(file))
}

func buildCurlIn(sh Shell, method, rawURL string, headers Headers, file string) string {
	if sh == ShellPOSIX {
		return buildCurl(method, rawURL, headers, file)
	}
	return windowsCommand(sh, curlArgs(method, rawURL, headers, file))
}

// windowsCommand writes curl.exe and its arguments for PowerShell or cmd.
func windowsCommand(sh Shell, args []string) string {
	if sh == ShellCmd {
		return cmdCommand(args)
	}
	return powerShellCommand(args)
}

// curlArgs are the arguments after the program name, unquoted: what curl
// must receive in its argv whatever the shell (see curlURL for the path).
func curlArgs(method, rawURL string, headers Headers, file string) []string {
	if file == "" {
		file = CurlPlaceholder
	}
	var args []string
	if method == MethodGet {
		args = append(args, "-o", file)
	} else {
		args = append(args, "-X", method, "-T", file)
	}
	for _, h := range headers {
		args = append(args, "-H", h.Name+": "+h.Value)
	}
	target, asIs := curlURL(rawURL)
	if asIs {
		args = append(args, "--path-as-is")
	}
	return append(args, target)
}

// plainArg reports whether an argument needs no quoting in any shell:
// option names, methods and the placeholder.
func plainArg(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-./_", r)) {
			return false
		}
	}
	return true
}

// powerShellCommand writes curl.exe and its arguments for PowerShell. Each
// argument is a single-quoted string, where nothing but the quote itself
// is special. Windows PowerShell 5.1 passes an argument to a program by
// wrapping it in double quotes when it has a space, without escaping
// anything (PowerShell 7.3 escapes properly), so a double quote inside, or
// a backslash before the closing quote, would reach curl.exe mangled. Such
// commands use the stop-parsing token --% instead and give the rest of
// the line to curl.exe as Windows command-line text, which both versions
// pass on untouched (except %NAME% of variables that exist).
func powerShellCommand(args []string) string {
	for _, a := range args {
		if strings.ContainsRune(a, '"') || (strings.ContainsAny(a, " \t") && strings.HasSuffix(a, `\`)) {
			return "curl.exe --% " + joinArgs(args, windowsArg)
		}
	}
	return "curl.exe " + joinArgs(args, powerShellQuote)
}

// powerShellQuote single-quotes s. PowerShell reads the typographic single
// quotes (‘ ’ ‚ ‛) as quotes too, so they are doubled like '.
func powerShellQuote(s string) string {
	if plainArg(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		b.WriteRune(r)
		if isPowerShellQuote(r) {
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func isPowerShellQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}

// cmdCommand writes curl.exe and its arguments for a cmd.exe prompt. cmd
// does not split arguments; it hands the program one command line, which
// curl.exe splits by the Windows rules. So each argument is first quoted
// for those rules (windowsArg), then every character cmd treats specially
// is escaped with a caret, quotes included, so that cmd's own notion of
// "inside quotes" never matters. A caret before % also stops %NAME%
// expansion at the prompt, since no variable's name holds a caret.
func cmdCommand(args []string) string {
	return "curl.exe " + joinArgs(args, func(s string) string {
		if plainArg(s) {
			return s
		}
		q := windowsArg(s)
		var b strings.Builder
		for _, r := range q {
			if strings.ContainsRune(cmdSpecial, r) {
				b.WriteByte('^')
			}
			b.WriteRune(r)
		}
		return b.String()
	})
}

// cmdSpecial are the characters cmd.exe acts on at a prompt: quotes,
// escapes, variables, redirection, pipes, command separators, grouping.
const cmdSpecial = `"^%!<>&|()`

// windowsArg quotes s as the Microsoft C runtime (and CommandLineToArgvW)
// split a command line: inside double quotes, backslashes are literal
// except before a quote, where 2n backslashes give n and 2n+1 give n and
// a literal quote.
func windowsArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1))
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(s[i])
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}

func joinArgs(args []string, quote func(string) string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = quote(a)
	}
	return strings.Join(out, " ")
}
