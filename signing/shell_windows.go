package signing

// NaturalShell is the shell a person on this system most likely pastes a
// command into: PowerShell, the default of Windows Terminal and of the
// Win+X menu on Windows 10 and 11.
const NaturalShell = ShellPowerShell
