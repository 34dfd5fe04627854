// Command barewindow is the yardstick for 'make bench': the smallest Fyne
// 2.7.1 app that shows a window with one line of text, built like OSS Drop
// (same module, same Fyne, same driver). scripts/bench-window measures its
// idle memory and start-up time beside the app's. The text follows the
// language as a real app's would, so a Chinese run draws Chinese glyphs.
package main

import (
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	_ "github.com/ossdrop/ossdrop/app/locale" // a C locale reads as English, as in the app
)

func main() {
	a := app.NewWithID("io.github.ossdrop.barewindow")
	w := a.NewWindow("Bare Fyne window")
	text := "Hello, world"
	if strings.HasPrefix(os.Getenv("LANG"), "zh") || strings.HasPrefix(os.Getenv("LC_ALL"), "zh") {
		text = "你好，世界"
	}
	w.SetContent(widget.NewLabel(text))
	w.Resize(fyne.NewSize(1000, 760))
	w.ShowAndRun()
}
