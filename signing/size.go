package signing

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// sizeUnits follow coreutils (head -c, truncate -s): a lone letter or an
// "iB" suffix is a power of 1024, a "B" suffix after the letter a power of
// 1000. So "200MB" is 200,000,000 bytes and "4G" or "4GiB" is 4 GiB.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

// ParseSize reads a size as people type it: "1", "512 bytes", "200MB",
// "1.5GiB", "4G". Units are case-insensitive; MB is 1000², MiB and M are
// 1024². The result is a whole number of bytes, at least 0.
func ParseSize(s string) (int64, error) {
	text := strings.TrimSpace(s)
	i := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' })
	if i < 0 {
		i = len(text)
	}
	number, unit := text[:i], strings.ToLower(strings.TrimSpace(text[i:]))
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, "ytes"), "yte") // "bytes", "byte"
	if unit == "b" || unit == "" {
		unit = ""
	}
	factor, ok := sizeUnits[unit]
	value, err := strconv.ParseFloat(number, 64)
	if number == "" || !ok || err != nil || value < 0 {
		return 0, fmt.Errorf("the size %q is not a size: write a number of bytes, or one with a unit such as 200MB, 1.5GiB or 4G", s)
	}
	bytes := math.Round(value * factor)
	if bytes > math.MaxInt64/2 {
		return 0, fmt.Errorf("the size %q is far too large", s)
	}
	return int64(bytes), nil
}
