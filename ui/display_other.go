//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package ui

// displayProblem has nothing to check where a desktop session always has
// a display (macOS, Windows).
func displayProblem(func(string) string) error { return nil }
