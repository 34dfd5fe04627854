// Package message holds sentences meant for people as a format and its
// arguments rather than as finished English text, so that the desktop app
// can show them in the user's language: the English format is the
// translation key, and arguments whose wording depends on the language
// (sizes, times, durations, lists and nested sentences) keep their type
// until the UI formats them. signing and app build their error sentences,
// hints and notes with it; it imports only the standard library, so neither
// needs Fyne, and the command line prints String(), the English text.
package message

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text is one sentence (or part of one): a fmt format in English and its
// arguments. The zero Text is empty.
type Text struct {
	// Format is the English fmt format, and the key its translations are
	// found under. Arguments are referred to with %s for Size, Time,
	// Duration, List and Text, which a translation may reorder with %[n]s.
	Format string
	Args   []any
}

// New returns the sentence format with args.
func New(format string, args ...any) Text {
	return Text{Format: format, Args: args}
}

// IsZero reports whether t is empty.
func (t Text) IsZero() bool { return t.Format == "" }

// String is the English text.
func (t Text) String() string {
	if len(t.Args) == 0 {
		return t.Format
	}
	return fmt.Sprintf(t.Format, t.Args...)
}

// Size is a byte count, written in IEC units as file managers show them.
type Size int64

// String is the size in English: "1 byte", "512 bytes", "1.5 MiB".
func (n Size) String() string {
	const unit = 1024
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", int64(n))
	}
	div, exp := int64(unit), 0
	for m := int64(n) / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Time is an instant, shown in the computer's time zone.
type Time time.Time

// String is the local date and time with its zone: "2026-11-26 15:04:05 CST".
func (t Time) String() string {
	return time.Time(t).Local().Format("2006-01-02 15:04:05 MST")
}

// Duration is a length of time, written with its two largest units.
type Duration time.Duration

// String is the duration in English, rounded down to its two largest
// units: "1 hour 30 minutes", "45 seconds"; never negative.
func (d Duration) String() string {
	if d < 0 {
		d = -d
	}
	units := []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}}
	left := time.Duration(d)
	var parts []string
	for _, u := range units {
		if n := left / u.size; n > 0 {
			parts = append(parts, plural(int(n), u.name))
			left -= n * u.size
		} else if len(parts) > 0 {
			break // "1 day 5 minutes" reads oddly; stop at the first gap
		}
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 0 {
		return "0 seconds"
	}
	return strings.Join(parts, " ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// List is several sentence parts read as one: "a, b and c".
type List []Text

// String is the list in English.
func (l List) String() string {
	parts := make([]string, len(l))
	for i, t := range l {
		parts[i] = t.String()
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Strings is each sentence in English, for output that lists them.
func Strings(ts []Text) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}
