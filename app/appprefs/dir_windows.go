package appprefs

// configDir is where Fyne keeps app preferences on Windows: AppData\Roaming
// under the user's home, as Fyne builds it (not %APPDATA%, which usually
// names the same folder).
func configDir() (string, error) { return underHome("AppData", "Roaming") }
