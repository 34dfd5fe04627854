package message

import (
	"testing"
	"time"
)

// TestEnglish: String is the English text the command line prints, with
// every kind of argument written out.
func TestEnglish(t *testing.T) {
	at := time.Date(2026, 11, 26, 15, 4, 5, 0, time.Local)
	tests := []struct {
		name string
		text Text
		want string
	}{
		{"zero", Text{}, ""},
		{"no arguments", New("Try again."), "Try again."},
		{"a percent sign without arguments", New("100% done."), "100% done."},
		{"plain arguments", New("The bucket %s has %d rules.", "demo", 3), "The bucket demo has 3 rules."},
		{"sizes", New("%s, %s, %s, %s", Size(1), Size(512), Size(1536), Size(5<<30)), "1 byte, 512 bytes, 1.5 KiB, 5.0 GiB"},
		{"durations", New("%s; %s; %s; %s", Duration(0), Duration(90*time.Minute), Duration(-45*time.Second), Duration(24*time.Hour+5*time.Minute)),
			"0 seconds; 1 hour 30 minutes; 45 seconds; 1 day"},
		{"time", New("until %s", Time(at)), "until " + at.Format("2006-01-02 15:04:05 MST")},
		{"nested", New("It failed (%s).", New("status %d %s", 502, "Bad Gateway")), "It failed (status 502 Bad Gateway)."},
		{"lists", New("%s / %s / %s", List{New("a")}, List{New("a"), New("b")}, List{New("a"), New("b"), New("c")}), "a / a and b / a, b and c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := Strings([]Text{New("a %d", 1), {}}); len(got) != 2 || got[0] != "a 1" || got[1] != "" {
		t.Errorf("Strings = %q", got)
	}
}
