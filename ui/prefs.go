package ui

import "github.com/ossdrop/ossdrop/app/appprefs"

// Preference keys, in one place so that none is spelled twice. Secrets
// never go to preferences.
const (
	// prefDownloadFolder is the folder the last download went to.
	prefDownloadFolder = "download.folder"
	// prefSandboxAddr and prefSandboxKeyID are the local sandbox's address
	// and AccessKey ID, kept so that its links work after a restart; its
	// secret is in the OS keychain (credentials.SandboxSecretItem).
	// 'ossdrop status' reads them too (app/appprefs) to check its links.
	prefSandboxAddr  = appprefs.SandboxAddr
	prefSandboxKeyID = appprefs.SandboxKeyID
)
