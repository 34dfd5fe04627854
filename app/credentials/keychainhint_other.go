//go:build !darwin && !windows

package credentials

// keychainHint is the fix when the keychain does not answer: on Linux and
// the BSDs, no Secret Service is running or it is locked.
const keychainHint = "start and unlock a Secret Service (gnome-keyring-daemon --start --components=secrets, " +
	"or KeePassXC with its Secret Service integration on)"
