// Package cli implements the ossdrop subcommands (presign, inspect, upload,
// sandbox, profile, status, download). Each command lives in its own file
// and registers itself in init; Run dispatches on the first argument.
//
// Exit codes: 0 success, 1 the operation failed or the link is not usable,
// 2 the input was invalid (the reason is one line on stderr).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ossdrop/ossdrop/app/appinfo"
	"github.com/ossdrop/ossdrop/signing"
)

// Exit codes shared by every command.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitInvalid = 2
)

// Env is what a command may touch of the outside world; tests fill it in.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads environment variables (credentials among them).
	Getenv func(string) string
	// Now is the clock, so tests can check expiry wording.
	Now func() time.Time
	// StdoutIsTerminal turns on output meant only for people (progress bars).
	StdoutIsTerminal bool
	// StdinIsTerminal says whether a secret can be read with the echo off.
	StdinIsTerminal bool
	// Context, when set, ends long-running commands (status --watch) as
	// Ctrl-C does; tests use it.
	Context context.Context

	// jsonMode is set by a command run with --json: every outcome, failures
	// included, is then one JSON object on stdout; jsonPrinted says it is out.
	jsonMode, jsonPrinted bool
}

// context returns the command's context: Env.Context, cancelled also by
// Ctrl-C and SIGTERM. stop releases the signal handler.
func (env *Env) context() (ctx context.Context, stop func()) {
	parent := env.Context
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// Std returns the process's real environment. On Windows it first
// attaches to the console of the shell that started ossdrop.exe (see
// stdio_windows.go).
func Std() *Env {
	stdin, stdout, stderr := stdio()
	return &Env{
		Stdin:            stdin,
		Stdout:           stdout,
		Stderr:           stderr,
		Getenv:           os.Getenv,
		Now:              time.Now,
		StdoutIsTerminal: isTerminal(stdout),
		StdinIsTerminal:  isTerminal(stdin),
	}
}

// isTerminal reports whether s is a file open on a terminal (a console on
// Windows).
func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, env *Env) int
}

var commands []command

// register adds a subcommand; each command file calls it from init.
func register(c command) {
	commands = append(commands, c)
	slices.SortFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) })
}

// IsCommand reports whether args are for the command line rather than the
// desktop app. The app takes no arguments, --sandbox, or a first argument
// that is a link, a curl command or an existing file ("ossdrop LINK
// [FILE|DIR…]" opens them on the Upload tab); everything else is the command
// line's, where Run reports an unknown command instead of opening a window.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	first := args[0]
	switch {
	case first == "--sandbox" || first == "-sandbox":
		return false
	case lookup(first) != nil, strings.HasPrefix(first, "-"):
		return true
	case signing.LooksLikeLink(first):
		return false
	}
	st, err := os.Stat(first)
	return err != nil || st.IsDir()
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// Run runs the subcommand named by args[0] and returns the exit code.
func Run(args []string, env *Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 && lookup(args[1]) != nil {
			return lookup(args[1]).run([]string{"--help"}, env)
		}
		usage(env.Stdout)
		return ExitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "ossdrop", appinfo.Get().Details.Version)
		return ExitOK
	}
	c := lookup(args[0])
	if c == nil {
		report(env, fmt.Sprintf("unknown command %q", termSafe(args[0])),
			"the commands are listed below; 'ossdrop LINK [FILE|DIR...]' opens the app with a link, and 'ossdrop' alone opens it empty")
		fmt.Fprintln(env.Stderr)
		commandList(env.Stderr)
		return ExitInvalid
	}
	return c.run(args[1:], env)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ossdrop makes and uses presigned upload links for Alibaba Cloud OSS.")
	fmt.Fprintln(w, "\nUsage:\n  ossdrop [--sandbox]         start the desktop app\n  ossdrop LINK [FILE|DIR...]  start it on the Upload tab with a link and files\n  ossdrop COMMAND [flags]")
	fmt.Fprintln(w)
	commandList(w)
	fmt.Fprintln(w, "\nRun 'ossdrop COMMAND --help' for a command's flags.")
}

// commandList prints the commands and what each does.
func commandList(w io.Writer) {
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "help", "this list, or 'help COMMAND' for a command's flags")
	fmt.Fprintf(w, "  %-10s %s\n", "version", "the version of ossdrop")
}

// newFlags makes a flag set whose errors and help go where the env says.
func newFlags(env *Env, name, synopsis string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: ossdrop %s %s\n", name, synopsis)
		if flags := fs.FlagUsages(); flags != "" { // a verb without flags has no Flags: section
			fmt.Fprintf(env.Stdout, "\nFlags:\n%s", flags)
		}
	}
	return fs
}

// parseFlags parses args and turns help and flag errors into an exit code;
// ok is false when the command should return code at once.
func parseFlags(fs *pflag.FlagSet, args []string, env *Env) (code int, ok bool) {
	fs.SetOutput(io.Discard) // errors are reported below, in our words
	err := fs.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp): // pflag has shown fs.Usage already
		return ExitOK, false
	case err != nil:
		return invalid(env, err.Error(), "run 'ossdrop "+fs.Name()+" --help' for the flags"), false
	}
	return ExitOK, true
}

// invalid prints an error and hint, age style, and returns ExitInvalid.
func invalid(env *Env, msg, hint string) int {
	return fail(env, ExitInvalid, errorOutput{Kind: "invalid_input", Message: msg, Hint: hint})
}

// failed prints an error and hint and returns ExitFailed.
func failed(env *Env, msg, hint string) int {
	return fail(env, ExitFailed, errorOutput{Kind: "failed", Message: msg, Hint: hint})
}

// report prints an error and its hint on stderr, each as a sentence.
func report(env *Env, msg, hint string) {
	fmt.Fprintf(env.Stderr, "error: %s\n", asSentence(msg))
	if hint != "" {
		fmt.Fprintf(env.Stderr, "hint: %s\n", asSentence(hint))
	}
}

// commandWords are the programs a hint may begin with, as a command to
// type: asSentence keeps them lower-case.
var commandWords = map[string]bool{"ossdrop": true, "curl": true}

// asSentence writes s the way every error: and hint: line reads: a
// capital first letter and a closing full stop, as the sentences of
// signing, app/upload and app/bucket (most of what the command line
// prints) already are. The command line's own messages and the profile
// store's are written as clauses, in Go's error style; a first word such
// as "--interval" or "x-oss-date", or a command to type ("ossdrop upload
// …"), is left as it is: capitalised, it would no longer run.
func asSentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	first, _, _ := strings.Cut(s, " ")
	if r, n := utf8.DecodeRuneInString(s); unicode.IsLower(r) && !strings.ContainsAny(first, "-./_:") && !commandWords[first] {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
