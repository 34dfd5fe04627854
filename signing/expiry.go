package signing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

// ParseExpiry reads an expiry as people type it (see ParseValidity) and
// returns the instant the link stops working when signed at now; range
// checks are left to Request.Validate.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	d, at, err := ParseValidity(s)
	if err != nil || !at.IsZero() {
		return at, err
	}
	return now.Add(d), nil
}

// ParseValidity reads an expiry as people type it: a Go duration ("90s",
// "15m", "1h30m") or days ("7d", "1d12h") come back as d, an RFC 3339
// instant as at. A zero or negative duration is refused, in the words it
// was typed in. A duration belongs in Request.Expires, which counts it
// from the signing instant, so that "1s" means one second of validity
// however long it takes to get to the signing.
func ParseValidity(s string) (d time.Duration, at time.Time, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, at, fmt.Errorf("the expiry is empty: use a duration such as 15m, 1h or 7d, or a time such as 2026-12-01T18:00:00+08:00")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return 0, t, nil
	}
	d, err = parseDays(s)
	switch {
	case err != nil:
		return 0, at, fmt.Errorf("the expiry %q is neither a duration (90s, 15m, 1h, 7d) nor an RFC 3339 time (2026-12-01T18:00:00+08:00)", s)
	case d < 0:
		return 0, at, fmt.Errorf("the expiry %s is negative: give a length of time from now, such as 15m, 1h or 7d", s)
	case d == 0:
		// Zero is what Request.Expires leaves to the default (an hour);
		// typed, it is a mistake to say, not a default to apply silently.
		return 0, at, fmt.Errorf("the expiry %s is no time at all: give a length of time such as 15m, 1h or 7d (at least 1s)", s)
	}
	return d, at, nil
}

// parseDays is time.ParseDuration plus a leading "<n>d" for days.
func parseDays(s string) (time.Duration, error) {
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, err
		}
		days = time.Duration(n) * 24 * time.Hour
		if s = s[i+1:]; s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	return days + d, err
}

// HumanDuration writes d the way people say it: "45 seconds", "59 minutes",
// "1 hour 30 minutes", "7 days". It rounds down to the two largest units.
func HumanDuration(d time.Duration) string {
	return message.Duration(d).String()
}

// ExpiredText says when a link expired, the one way the app and the
// command line say it: "This link expired at 2026-11-26 20:08:33 UTC (1
// second ago)."
func ExpiredText(at, now time.Time) message.Text {
	return message.New("This link expired at %s (%s ago).", message.Time(at), message.Duration(now.Sub(at)))
}

// TypedDuration writes d as people type a duration: "-5m", "1h30m",
// "500ms", without the zero units time.Duration's String adds ("-5m0s").
func TypedDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
