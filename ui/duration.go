package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// humanDuration is signing.HumanDuration in the UI's language: the two
// largest units, rounded down ("1 hour 30 minutes", "1 小时 30 分钟").
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	units := []struct {
		size        time.Duration
		one, plural string
	}{
		{24 * time.Hour, "1 day", "%d days"}, {time.Hour, "1 hour", "%d hours"},
		{time.Minute, "1 minute", "%d minutes"}, {time.Second, "1 second", "%d seconds"},
	}
	var parts []string
	for _, u := range units {
		n := d / u.size
		if n == 0 {
			if len(parts) > 0 {
				break
			}
			continue
		}
		if n == 1 {
			parts = append(parts, lang.L(u.one))
		} else {
			parts = append(parts, fmt.Sprintf(lang.L(u.plural), n))
		}
		d -= n * u.size
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf(lang.L("%d seconds"), 0)
	}
	return strings.Join(parts, " ")
}
