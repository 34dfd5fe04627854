package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ossdrop/ossdrop/app/upload"
)

// maxLinkInput is the most a link or curl command read from standard input
// may take. A presigned link is a few KB; a longer input is not one, and
// cutting it silently would leave a link that fails for no visible reason.
const maxLinkInput = 1 << 20

// readLinkInput returns arg, or the link or curl command piped to standard
// input for "-"; command names the subcommand for the sentences.
func readLinkInput(arg, command string, env *Env) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	raw, err := io.ReadAll(io.LimitReader(env.Stdin, maxLinkInput+1))
	if err != nil {
		return "", fmt.Errorf("cannot read standard input: %w", err)
	}
	if len(raw) > maxLinkInput {
		return "", fmt.Errorf("standard input holds more than 1 MiB, far more than a link or curl command (a few KB): pipe only the link into 'ossdrop %s -'", command)
	}
	if strings.TrimSpace(string(raw)) == "" {
		return "", fmt.Errorf("standard input was empty: pipe the link or curl command into 'ossdrop %s -'", command)
	}
	return string(raw), nil
}

// termSafe makes text that came from a server or a link safe to print to a
// terminal: control characters (ESC, and with it every escape sequence
// that clears the screen or sets the title; C1 controls such as CSI) and
// bidirectional overrides are dropped; newlines and tabs stay.
func termSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

// escapeTerminalControls rewrites, in encoded JSON, the characters
// encoding/json leaves raw but a terminal may act on (C1 controls such as
// CSI, bidirectional overrides) as \uXXXX escapes: the same JSON value,
// harmless on a screen. They can only occur inside strings.
func escapeTerminalControls(js []byte) []byte {
	if !bytes.ContainsFunc(js, isTerminalControl) {
		return js
	}
	var out bytes.Buffer
	for _, r := range string(js) {
		if isTerminalControl(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}

func isTerminalControl(r rune) bool {
	return r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r)
}

// errorOutput is the "error" member of a --json failure: the same sentence
// and hint as the error: and hint: lines, and what a script tests.
type errorOutput struct {
	// Kind names the failure in one word: invalid_input, not_a_link,
	// expired, signature_mismatch, checksum_mismatch, network, …
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// Code, Status, RequestID and EC are the server's, when it answered.
	Code      string `json:"code,omitempty"`
	Status    int    `json:"status,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	EC        string `json:"ec,omitempty"`
	// ExitCode is the process's exit status: 1 failed, 2 invalid input.
	ExitCode int `json:"exit_code"`
}

// failureOutput is the whole --json output of a command that failed
// before it had anything else to print.
type failureOutput struct {
	OK    bool         `json:"ok"`
	Error *errorOutput `json:"error"`
}

// fail reports a failure: error: and hint: lines on stderr and, in --json
// mode, one JSON object on stdout unless the command printed its own.
func fail(env *Env, code int, e errorOutput) int {
	e.Message, e.Hint = asSentence(e.Message), asSentence(e.Hint)
	report(env, e.Message, e.Hint)
	if env.jsonMode && !env.jsonPrinted {
		e.ExitCode = code
		printJSON(env, failureOutput{Error: &e})
	}
	return code
}

// wantsJSON reports whether args ask for --json, for failures found before
// the flags are parsed (a flag error itself).
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true":
			return true
		}
	}
	return false
}

// uploadKinds name each kind of upload failure in --json output.
var uploadKinds = []struct {
	kind error
	name string
}{
	{upload.ErrLink, "not_a_link"},
	{upload.ErrExpired, "expired"},
	{upload.ErrMethod, "not_an_upload_link"},
	{upload.ErrHeader, "invalid_header"},
	{upload.ErrFile, "file"},
	{upload.ErrTooLarge, "too_large"},
	{upload.ErrTooSmall, "too_small"},
	{upload.ErrType, "type_not_allowed"},
	{upload.ErrPolicy, "policy"},
	{upload.ErrSignature, "signature_mismatch"},
	{upload.ErrDenied, "access_denied"},
	{upload.ErrExists, "object_exists"},
	{upload.ErrCallback, "callback_failed"},
	{upload.ErrChecksum, "checksum_mismatch"},
	{upload.ErrUnverified, "unverified"},
	{upload.ErrNetwork, "network"},
	{upload.ErrServer, "server"},
	{upload.ErrClock, "clock"},
	{upload.ErrRefused, "refused"},
	{upload.ErrCanceled, "canceled"},
}

// uploadErrorOutput turns an upload error into its --json form.
func uploadErrorOutput(err error) errorOutput {
	var e *upload.Error
	if !errors.As(err, &e) {
		return errorOutput{Kind: "failed", Message: err.Error()}
	}
	out := errorOutput{Kind: "failed", Message: e.Sentence.String(), Hint: e.Hint.String(), Code: e.Code, Status: e.Status, RequestID: e.RequestID, EC: e.EC}
	for _, k := range uploadKinds {
		if errors.Is(err, k.kind) {
			out.Kind = k.name
			break
		}
	}
	return out
}
