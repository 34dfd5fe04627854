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
	// the keychain away, Add and New secret… wait (away) instead of
	// opening a form that can only fail at Save.
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
			// The names end in "…" when the row is narrow; the line under
			// them, what kind of key it is and until when, spans the row.
			return container.NewBorder(nil, &widget.Label{}, nil,
				container.NewHBox(
					&widget.Button{Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance},
					&widget.Button{Text: lang.L("New secret…"), Importance: widget.LowImportance},
					&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance}),
				&widget.Label{Truncation: fyne.TextTruncateEllipsis})
		},
		func(i widget.ListItemID, obj fyne.CanvasObject) {
			p := d.profiles[i]
			row := obj.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(profileLine(p))
			kind := row.Objects[1].(*widget.Label)
			kind.Text, kind.Importance = profileKindLine(p, svc.Now())
			kind.Refresh()
			buttons := row.Objects[2].(*fyne.Container).Objects
			buttons[0].(*widget.Button).OnTapped = func() { d.edit(p, false) }
			rotate := buttons[1].(*widget.Button)
			rotate.OnTapped = func() { d.rotate(p) }
			// Without a keychain a new secret cannot be saved: the note
			// above the rows says so once.
			if d.away {
				rotate.Disable()
			} else {
				rotate.Enable()
			}
			buttons[2].(*widget.Button).OnTapped = func() { d.remove(p) }
		})
	d.addBtn = &widget.Button{Text: lang.L("Add an AccessKey"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: func() { d.add() }}
	d.note = &widget.Label{Importance: widget.LowImportance, Wrapping: textWrap()}
	d.showKeychain(false)
	content := container.NewBorder(container.NewVBox(d.note, d.status), container.NewHBox(d.addBtn), nil, nil, d.list)
	d.dialog = dialog.NewCustom(lang.L("Profiles"), lang.L("Close"), content, win)
	// Wide enough for a row's line about its STS token beside nothing but
	// the dialog's edges, in the smallest window (800 pixels).
	d.dialog.Resize(fyne.NewSize(720, 440))
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
// none can be added and what to do; Add and every row's New secret… wait
// for a keychain.
func (d *profilesDialog) showKeychain(away bool) {
	if d.away != away {
		defer d.list.Refresh()
	}
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

// profileLine names a profile: its name, AccessKey ID (masked), region,
// default bucket, and whether it is the default.
func profileLine(p credentials.Profile) string {
	parts := []string{profileLabel(p.Name), credentials.MaskAccessKeyID(p.AccessKeyID), p.Region}
	if p.Bucket != "" {
		parts = append(parts, p.Bucket)
	}
	if p.Default {
		parts = append(parts, lang.L("default"))
	}
	return strings.Join(parts, " · ")
}

// profileKindLine says what kind of AccessKey a profile holds and, for
// STS, until when its token signs, as 'ossdrop profile list' does; an
// expired token in red, with what to do.
func profileKindLine(p credentials.Profile, now time.Time) (string, widget.Importance) {
	switch {
	case p.Kind != credentials.KindSTS:
		return lang.L("Permanent AccessKey"), widget.LowImportance
	case p.STSExpires.IsZero():
		return lang.L("STS (temporary) · expiry unknown"), widget.LowImportance
	case p.Expired(now):
		return fmt.Sprintf(lang.L("STS token expired %s: New secret… takes new temporary credentials."), formatDateTime(p.STSExpires, now)), widget.DangerImportance
	}
	return fmt.Sprintf(lang.L("STS (temporary) · expires %s (%s)"), formatDateTime(p.STSExpires, now), untilText(p.STSExpires, now)), widget.LowImportance
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

// rotate opens the form for a new secret (and token) of a profile; none
// while the keychain is away (nil), as its Save could only fail.
func (d *profilesDialog) rotate(p credentials.Profile) *profileForm {
	if d.away {
		return nil
	}
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
