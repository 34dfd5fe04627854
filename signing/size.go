package signing

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// sizeUnits are powers of 1024 whatever their spelling, the one
// convention OSS Drop shows sizes in (KiB, MiB, GiB) and the one OSS means
// by its own "5 GB" limit: "200MB", "200M" and "200MiB" are all
// 200 × 1024², so a size typed in comes back as the same number.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1 << 10,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1 << 20,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1 << 30,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1 << 40,
}

// ParseSize reads a size as people type it: "1", "512 bytes", "200 MiB",
// "1.5GiB", "4G". Units are case-insensitive powers of 1024: KB, K and KiB
// are all 1024. The result is a whole number of bytes, at least 0.
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
		return 0, fmt.Errorf("the size %q is not a size: write a number of bytes, or one with a unit such as 200 MiB, 1.5 GiB or 4G", s)
	}
	bytes := math.Round(value * factor)
	if bytes > math.MaxInt64/2 {
		return 0, fmt.Errorf("the size %q is far too large", s)
	}
	return int64(bytes), nil
}
