package ui

// Preference keys, in one place so that none is spelled twice. Secrets
// never go to preferences.
const (
	// prefDownloadFolder is the folder the last download went to.
	prefDownloadFolder = "download.folder"
)
