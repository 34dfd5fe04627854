package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/upload"
)

// The UI shows dates, times and sizes only through these helpers (and
// durations through humanDuration, expiries through untilText), so each
// reads the same everywhere and follows the UI's language.

// uiLanguage is the language lang.L translates into ("en", "zh-Hans"):
// each translation file names its own language under the key "language",
// so this always agrees with the text around it.
func uiLanguage() string {
	return lang.LocalizeKey("language", "en")
}

// chinese reports whether the UI is in Chinese.
func chinese() bool {
	return uiLanguage() == "zh-Hans"
}

// zhWeekdays are the weekday names as a Chinese date gives them.
var zhWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// formatDate is a local date in the UI's language, with the weekday, and
// the year only when it is not now's: "Thu 26 Nov" / "11月26日 周四",
// "Sat 2 Jan 2027" / "2027年1月2日 周六".
func formatDate(t, now time.Time) string {
	t = t.Local()
	thisYear := t.Year() == now.Local().Year()
	if chinese() {
		d := fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), zhWeekdays[t.Weekday()])
		if !thisYear {
			d = fmt.Sprintf("%d年", t.Year()) + d
		}
		return d
	}
	if thisYear {
		return t.Format("Mon 2 Jan")
	}
	return t.Format("Mon 2 Jan 2006")
}

// formatDateTime is a local date and time of day: "Thu 26 Nov 15:04" /
// "11月26日 周四 15:04". Minutes are precise enough beside untilText's
// countdown; reports for the sender use RFC 3339 instead.
func formatDateTime(t, now time.Time) string {
	return formatDate(t, now) + " " + t.Local().Format("15:04")
}

// formatDateTimeSeconds is formatDateTime to the second, where two
// instants a few seconds apart must read apart (two links made for one key).
func formatDateTimeSeconds(t, now time.Time) string {
	return formatDate(t, now) + " " + t.Local().Format("15:04:05")
}

// formatSize is a byte count in the UI's language: "1 byte", "512 bytes" /
// "512 字节"; from 1 KiB on the IEC units of upload.FormatSize, which read
// the same in every language ("1.5 MiB").
func formatSize(n int64) string {
	switch {
	case n == 1:
		return lang.L("1 byte")
	case n < 1024:
		return fmt.Sprintf(lang.L("%d bytes"), n)
	}
	return upload.FormatSize(n)
}

// profileLabel is how a profile's name is shown: the pseudo-profiles of
// the sandbox and of the OSS_ACCESS_KEY_* variables ('ossdrop presign'
// records the latter as "environment") in the UI's language. Their names
// stay as they are wherever they are stored (the history records which
// profile signed a link), so only what the user sees changes.
func profileLabel(name string) string {
	switch name {
	case SandboxProfileName:
		return lang.L("Local sandbox")
	case credentials.EnvironmentProfile:
		return lang.L("Environment variables")
	}
	return name
}

// textWrap is how labels of running text wrap in the UI's language. Fyne
// 2.7's TextWrapWord breaks a line at its last space, and only where a
// line has none at the exact character that overflows; Chinese puts no
// spaces between words, so a Chinese sentence with a few Latin words
// ("请用 ossdrop download 下载") broke at those spaces, leaving lines half
// empty. Chinese may break between any two characters, which is what
// TextWrapBreak does; Latin words inside Chinese text may then break too,
// which is the lesser harm. Other languages wrap at spaces.
func textWrap() fyne.TextWrap {
	if chinese() {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}
