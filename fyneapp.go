package main

import (
	_ "embed"

	"github.com/ossdrop/ossdrop/app/appinfo"
)

// fyneAppTOML is FyneApp.toml, the one source of the app's name, ID and
// version; 'fyne package' reads the same file.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

// init publishes the metadata before main runs, so that the command line
// and the GUI never see anything else.
func init() { appinfo.Load(fyneAppTOML) }
