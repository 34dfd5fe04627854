package cli

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/windows"
)

// ossdrop.exe is linked as a GUI-subsystem program (-H windowsgui), so that
// a double click in Explorer opens the window with no console window
// flashing up. The price: Windows gives such a program no console, and an
// interactive cmd or PowerShell prompt does not wait for it. So a
// subcommand attaches to the console of the process that started it and
// writes there, keeping any standard handle the caller redirected (a pipe
// or a file, which is how scripts, batch files, CI and PowerShell
// pipelines run it, and those do wait and see the exit status).
//
// Standard input is read only from a pipe or a file. At an interactive
// prompt the shell is reading the same console at the same time, since it
// does not wait for a GUI program; a secret typed there could land in the
// shell and its history instead.

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// errConsoleInput is what reading standard input says when it would be the
// shared console.
var errConsoleInput = errors.New("ossdrop.exe reads standard input only from a pipe or a file, " +
	"not from the console, which the shell that started it may be reading at the same time")

// stdinHint says how to give ossdrop.exe its input instead.
const stdinHint = "pipe it in, for example: Get-Content link.txt | ossdrop upload - q3.pdf | Out-Host (PowerShell), " +
	"or: ossdrop upload - q3.pdf < link.txt (cmd)"

// Hints on how to give ossdrop.exe a secret (or a secret and an STS
// token); typing it is not possible (see errConsoleInput).
const (
	secretHint = "pipe it in as the first line of standard input (from a password manager's command line, say), " +
		"or add the profile in the app (Profiles…), which keeps it in Credential Manager too"
	stsSecretHint = "pipe the secret in as the first line of standard input and the STS token as the second, " +
		"or add the profile in the app (Profiles…)"
)

func stdio() (io.Reader, *os.File, *os.File) {
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
