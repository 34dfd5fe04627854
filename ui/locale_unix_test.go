//go:build !windows

package ui

import "testing"

// useChinese makes the system locale Simplified Chinese for the test.
func useChinese(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
}
