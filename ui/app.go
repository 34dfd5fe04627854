// Package ui is the Fyne presentation of OSS Drop: windows, tabs and dialogs.
// It is the only package besides main and assets that imports fyne.io.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/assets"
)

// Run starts the desktop app and blocks until its window closes.
func Run(args []string) {
	a := app.NewWithID("io.github.ossdrop")
	a.SetIcon(assets.Icon)
	w := a.NewWindow("OSS Drop")
	w.SetContent(newPlaceholder())
	w.Resize(fyne.NewSize(900, 650))
	w.ShowAndRun()
}

// newPlaceholder stands in for the tabs until the GUI issues land.
func newPlaceholder() fyne.CanvasObject {
	return container.NewAppTabs(
		container.NewTabItem("Create link", widget.NewLabel("Create links with the command line for now: ossdrop presign --help")),
		container.NewTabItem("Upload", widget.NewLabel("Upload with the command line for now: ossdrop upload --help")),
	)
}
