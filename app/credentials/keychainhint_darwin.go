package credentials

// keychainHint is the fix when the keychain does not answer: on macOS the
// login keychain is locked.
const keychainHint = "unlock the login keychain"
