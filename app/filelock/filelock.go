// Package filelock takes exclusive OS file locks without waiting (flock on
// Unix, LockFileEx on Windows): the kernel's, so a holder that was killed
// holds nothing. The sandbox locks its directory with it, and the desktop
// app its single instance.
package filelock
