package appprefs

// configDir is where Fyne keeps app preferences on macOS:
// ~/Library/Preferences (not os.UserConfigDir's Application Support).
func configDir() (string, error) { return underHome("Library", "Preferences") }
