// Package locale makes a C or POSIX locale (LANG=C.UTF-8, common in
// containers and CI) read as English before Fyne looks at it. Fyne parses
// "C" as a language tag during its package initialisation and logs an error;
// this package has no dependencies beyond os, so Go initialises it first, and
// main imports it for that side effect alone.
package locale

import (
	"os"
	"strings"
)

func init() {
	if IsPOSIX(os.Getenv) && os.Getenv("LANGUAGE") == "" {
		// LANGUAGE is consulted only when the locale is not exactly "C", and
		// gettext ignores it under a C locale, so nothing else changes.
		os.Setenv("LANGUAGE", "en")
	}
}

// IsPOSIX reports whether the effective message locale is C or POSIX,
// with or without a codeset ("C.UTF-8").
func IsPOSIX(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			base, _, _ := strings.Cut(v, ".")
			return base == "C" || base == "POSIX"
		}
	}
	return false
}
