package ui

import "testing"

// useChinese would make the system locale Simplified Chinese, but Windows
// takes it from the user's settings, not from an environment variable.
func useChinese(t *testing.T) {
	t.Skip("the Windows display language comes from the user's settings, not LC_ALL")
}
