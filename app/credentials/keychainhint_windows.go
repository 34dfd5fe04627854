package credentials

// keychainHint is the fix when the keychain does not answer: on Windows,
// Credential Manager belongs to every account, so a failure means it is
// not working for this one.
const keychainHint = "check that Windows Credential Manager works for your account " +
	"(Control Panel, Credential Manager, Windows Credentials)"
