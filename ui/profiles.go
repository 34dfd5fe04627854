package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
)

// ossRegions are the region IDs offered in the picker; others can be typed.
var ossRegions = []string{
	"cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
	"cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu", "cn-hongkong", "ap-southeast-1", "ap-southeast-3",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "us-west-1", "us-east-1",
	"eu-central-1", "eu-west-1", "me-east-1",
}

// Endpoint kinds in picker order, matching signing.EndpointKind values.
var endpointKindLabels = []string{"Public", "Internal (VPC)", "Transfer acceleration", "Custom domain or address"}

// profilesDialog lists the profiles and adds, edits, rotates and removes them.
type profilesDialog struct {
	win       fyne.Window
	svc       *Services
	onChanged func()

	profiles []credentials.Profile
	list     *widget.List
	status   *widget.Label
	// note says where secrets go, or that they cannot go anywhere: with
	// the keychain away, Add waits (away) instead of opening a form
	// that can only fail at Save.
	note   *widget.Label
	addBtn *widget.Button
	away   bool
	dialog dialog.Dialog
}

func showProfilesDialog(win fyne.Window, svc *Services, onChanged func()) *profilesDialog {
	d := &profilesDialog{win: win, svc: svc, onChanged: onChanged}
	d.status = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	d.list = widget.NewList(
		func() int { return len(d.profiles) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil,
				container.NewHBox(
					&widget.Button{Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance},
					&widget.Button{Text: lang.L("New secret…"), Importance: widget.LowImportance},
					&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance}),
				widget.NewLabel(""))
		},
		func(i widget.ListItemID, obj fyne.CanvasObject) {
			p := d.profiles[i]
			row := obj.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(profileLine(p, svc.Now()))
			buttons := row.Objects[1].(*fyne.Container).Objects
			buttons[0].(*widget.Button).OnTapped = func() { d.edit(p, false) }
			buttons[1].(*widget.Button).OnTapped = func() { d.rotate(p) }
			buttons[2].(*widget.Button).OnTapped = func() { d.remove(p) }
		})
	d.addBtn = &widget.Button{Text: lang.L("Add an AccessKey"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: func() { d.add() }}
	d.note = &widget.Label{Importance: widget.LowImportance, Wrapping: textWrap()}
	d.showKeychain(false)
	content := container.NewBorder(container.NewVBox(d.note, d.status), container.NewHBox(d.addBtn), nil, nil, d.list)
	d.dialog = dialog.NewCustom(lang.L("Profiles"), lang.L("Close"), content, win)
	d.dialog.Resize(fyne.NewSize(640, 420))
	d.dialog.Show()
	d.reload()
	return d
}

// add opens the form for a new profile; none while the keychain is away
// (nil), as its Save could only fail.
func (d *profilesDialog) add() *profileForm {
	if d.away {
		return nil
	}
	return d.edit(credentials.Profile{Kind: credentials.KindPermanent, Region: "cn-hangzhou"}, true)
}

// showKeychain says where secrets go, or, with the keychain away, why
// none can be added and what to do; Add waits for a keychain.
func (d *profilesDialog) showKeychain(away bool) {
	d.away = away
	if away {
		d.note.Text, d.note.Importance = keychainAwayText(), widget.WarningImportance
		d.addBtn.Disable()
	} else {
		d.note.Text, d.note.Importance = lang.L("Secrets are kept only in the OS keychain, never in a file."), widget.LowImportance
		d.addBtn.Enable()
	}
	d.note.Refresh()
}

func profileLine(p credentials.Profile, now time.Time) string {
	parts := []string{profileLabel(p.Name), credentials.MaskAccessKeyID(p.AccessKeyID), p.Region}
	if p.Bucket != "" {
		parts = append(parts, p.Bucket)
	}
	if p.Default {
		parts = append(parts, lang.L("default"))
	}
	if p.Expired(now) {
		parts = append(parts, lang.L("STS token expired"))
	}
	return strings.Join(parts, " · ")
}

// reload reads the profiles off the UI goroutine.
func (d *profilesDialog) reload() {
	go func() {
		ps, err := d.svc.Profiles.List()
		away := keychainAway(d.svc.Keychain)
		toUI(func() {
			d.showKeychain(away)
			d.showProfiles(ps, err)
		})
	}()
}

// showProfiles takes a freshly read profile list; on the UI goroutine.
func (d *profilesDialog) showProfiles(ps []credentials.Profile, err error) {
	d.profiles = ps
	d.list.Refresh()
	d.showStatus(err)
	if err == nil && len(ps) == 0 && !d.away {
		d.status.Importance = widget.LowImportance
		setOrHide(d.status, lang.L("No profiles yet: add an AccessKey to sign links for your buckets."))
	}
	if d.onChanged != nil {
		d.onChanged()
	}
}

func (d *profilesDialog) showStatus(err error) {
	if err == nil {
		d.status.Hide()
		return
	}
	d.status.Importance = widget.DangerImportance
	setOrHide(d.status, errorSentence(err))
}

// run does keychain work off the UI goroutine, then reloads the list.
func (d *profilesDialog) run(work func() error, done func()) {
	go func() {
		err := work()
		toUI(func() {
			d.showStatus(err)
			if err == nil {
				if done != nil {
					done()
				}
				d.reload()
			}
		})
	}()
}

// edit opens the form to add a profile or change one's settings.
func (d *profilesDialog) edit(p credentials.Profile, adding bool) *profileForm {
	if adding {
		return d.openProfileForm(p, formAdd)
	}
	return d.openProfileForm(p, formEdit)
}

// rotate opens the form for a new secret (and token) of a profile.
func (d *profilesDialog) rotate(p credentials.Profile) *profileForm {
	return d.openProfileForm(p, formRotate)
}

// hasProfile reports whether a profile of that name is listed.
func (d *profilesDialog) hasProfile(name string) bool {
	for _, p := range d.profiles {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (d *profilesDialog) remove(p credentials.Profile) {
	msg := fmt.Sprintf(lang.L("Remove profile %s and its secrets from the keychain? Links already shared keep working until they expire."), p.Name)
	dialog.ShowConfirm(lang.L("Remove profile"), msg, func(ok bool) {
		if ok {
			d.run(func() error { return d.svc.Profiles.Remove(p.Name) }, nil)
		}
	}, d.win)
}

func translated(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = lang.L(l)
	}
	return out
}
