package cli

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/windows"
)

// The Windows package holds the same program twice (scripts/package-windows):
//
//   - ossdrop.exe, linked as a GUI-subsystem program (-H windowsgui), so a
//     double click in Explorer opens the window with no console window
//     flashing up;
//   - ossdrop.com, linked as a console program, for cmd and PowerShell. A
//     prompt finds it first when "ossdrop" is typed (.COM comes before .EXE
//     in PATHEXT), waits for it and sees its exit status, as for any
//     command-line tool; it owns its console, so standard input works too.
//
// ossdrop.exe run with a subcommand still works in scripts: it attaches to
// the console of the process that started it and writes there, keeping any
// standard handle the caller redirected (a pipe or a file). But Windows
// gives a GUI program no console of its own, and an interactive prompt does
// not wait for it, so there standard input is read only from a pipe or a
// file: a secret typed at that prompt could land in the shell and its
// history instead.

var (
	kernel32             = windows.NewLazySystemDLL("kernel32.dll")
	procAttachConsole    = kernel32.NewProc("AttachConsole")
	procGetConsoleWindow = kernel32.NewProc("GetConsoleWindow")
)

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// errConsoleInput is what reading standard input says when it would be the
// shared console.
var errConsoleInput = errors.New("ossdrop.exe reads standard input only from a pipe or a file, " +
	"not from the console, which the shell that started it may be reading at the same time; " +
	"type 'ossdrop' (ossdrop.com, beside it) instead of 'ossdrop.exe' at a prompt")

// stdinHint says how to give ossdrop its input on standard input.
const stdinHint = "pipe it in, for example: Get-Content link.txt | ossdrop upload - q3.pdf (PowerShell), " +
	"or: ossdrop upload - q3.pdf < link.txt (cmd)"

// Hints on how to give ossdrop a secret (or a secret and an STS token):
// ossdrop.com asks for it with the echo off; ossdrop.exe only reads a pipe
// (see errConsoleInput).
const (
	secretHint = "run 'ossdrop' (ossdrop.com) at a prompt and type it when asked, or pipe it in as the first line of standard input, " +
		"or add the profile in the app (Profiles…), which keeps it in Credential Manager too"
	stsSecretHint = "run 'ossdrop' (ossdrop.com) at a prompt and type them when asked, or pipe the secret in as the first line " +
		"and the STS token as the second, or add the profile in the app (Profiles…)"
)

func stdio() (io.Reader, *os.File, *os.File) {
	if ownConsole() {
		// ossdrop.com: a console program like any other.
		return os.Stdin, os.Stdout, os.Stderr
	}
	r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess))
	attached := r != 0
	if attached {
		reopenConsole(&os.Stdout, windows.STD_OUTPUT_HANDLE, "/dev/stdout")
		reopenConsole(&os.Stderr, windows.STD_ERROR_HANDLE, "/dev/stderr")
	}
	var in io.Reader = os.Stdin
	if t := fileType(os.Stdin); t != windows.FILE_TYPE_PIPE && t != windows.FILE_TYPE_DISK {
		in = unreadable{errConsoleInput}
	}
	return in, os.Stdout, os.Stderr
}

// ownConsole reports whether Windows gave the process a console at start,
// which it does for a console-subsystem program (ossdrop.com) and never for
// a GUI one (ossdrop.exe) before it attaches.
func ownConsole() bool {
	h, _, _ := procGetConsoleWindow.Call()
	return h != 0
}

// reopenConsole points *f at the attached console's output unless the
// caller redirected it somewhere usable.
func reopenConsole(f **os.File, std uint32, name string) {
	if t := fileType(*f); t == windows.FILE_TYPE_PIPE || t == windows.FILE_TYPE_DISK || t == windows.FILE_TYPE_CHAR {
		return
	}
	conout, err := windows.UTF16PtrFromString("CONOUT$")
	if err != nil {
		return
	}
	h, err := windows.CreateFile(conout, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return
	}
	_ = windows.SetStdHandle(std, h)
	*f = os.NewFile(uintptr(h), name)
}

// fileType is GetFileType of f's handle; FILE_TYPE_UNKNOWN for none.
func fileType(f *os.File) uint32 {
	if f == nil {
		return windows.FILE_TYPE_UNKNOWN
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return windows.FILE_TYPE_UNKNOWN
	}
	t, err := windows.GetFileType(h)
	if err != nil {
		return windows.FILE_TYPE_UNKNOWN
	}
	return t
}

// unreadable is a standard input that cannot be read, saying why.
type unreadable struct{ err error }

func (u unreadable) Read([]byte) (int, error) { return 0, u.err }
