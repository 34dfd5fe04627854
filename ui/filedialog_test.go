package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestFileDialogTitlesInChinese: the file dialogs carry a title of their
// own, translated whole, instead of Fyne's "Open" + " " + "File", which
// reads "打开 文件" in Chinese. (Fyne's place names in the dialog, "Home"
// and "Computer", are not translatable in Fyne 2.7.1.)
func TestFileDialogTitlesInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	u := newTestUploadTab(t, time.Now)
	for _, open := range []struct {
		name  string
		show  func()
		title string
	}{
		{"choose a file", u.onChooseFile, "选择要上传的文件"},
		{"open a QR image", u.onOpenQR, "打开二维码图片"},
	} {
		t.Run(open.name, func(t *testing.T) {
			open.show()
			top := u.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog")
			}
			defer u.win.Canvas().Overlays().Remove(top)
			var labels []string
			walk(top, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					labels = append(labels, l.Text)
				}
			})
			all := strings.Join(labels, "|")
			if !strings.Contains(all, open.title) || strings.Contains(all, "打开 文件") {
				t.Errorf("dialog labels %q, want the title %q", all, open.title)
			}
		})
	}
}
