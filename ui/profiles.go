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
	"github.com/ossdrop/ossdrop/signing"
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
	dialog   dialog.Dialog
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
	add := &widget.Button{Text: lang.L("Add an AccessKey"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: d.add}
	note := &widget.Label{Text: lang.L("Secrets are kept only in the OS keychain, never in a file."), Importance: widget.LowImportance, Wrapping: textWrap()}
	content := container.NewBorder(container.NewVBox(note, d.status), container.NewHBox(add), nil, nil, d.list)
	d.dialog = dialog.NewCustom(lang.L("Profiles"), lang.L("Close"), content, win)
	d.dialog.Resize(fyne.NewSize(640, 420))
	d.dialog.Show()
	d.reload()
	return d
}

// add opens the form for a new profile.
func (d *profilesDialog) add() {
	d.edit(credentials.Profile{Kind: credentials.KindPermanent, Region: "cn-hangzhou"}, true)
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
		fyne.Do(func() { d.showProfiles(ps, err) })
	}()
}

// showProfiles takes a freshly read profile list; on the UI goroutine.
func (d *profilesDialog) showProfiles(ps []credentials.Profile, err error) {
	d.profiles = ps
	d.list.Refresh()
	d.showStatus(err)
	if err == nil && len(ps) == 0 {
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
		fyne.Do(func() {
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

// edit shows the add or edit form; the secret is asked only when adding.
func (d *profilesDialog) edit(p credentials.Profile, adding bool) {
	name := &widget.Entry{Text: p.Name, PlaceHolder: "work"}
	if !adding {
		name.Disable()
	}
	akID := &widget.Entry{Text: p.AccessKeyID, PlaceHolder: "LTAI…"}
	secret := widget.NewPasswordEntry()
	sts := &widget.Check{Text: lang.L("Temporary credentials (STS)"), Checked: p.Kind == credentials.KindSTS}
	token := widget.NewPasswordEntry()
	stsExpires := &widget.Entry{PlaceHolder: "2026-12-01T18:00:00+08:00"}
	if !p.STSExpires.IsZero() {
		stsExpires.SetText(p.STSExpires.Format(time.RFC3339))
	}
	region := widget.NewSelectEntry(ossRegions)
	region.SetText(p.Region)
	endpointKind := widget.NewSelect(translated(endpointKindLabels), nil)
	endpointKind.SetSelectedIndex(int(p.EndpointKind))
	endpoint := &widget.Entry{Text: p.Endpoint, PlaceHolder: "files.example.com"}
	bucket := &widget.Entry{Text: p.Bucket, PlaceHolder: lang.L("optional")}
	pathStyle := &widget.Check{Text: lang.L("Path-style addresses (/bucket/key)"), Checked: p.PathStyle}
	pageURL := &widget.Entry{Text: p.PageURL, PlaceHolder: "https://files.example.com/_ossdrop/upload.html"}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("AccessKey ID"), akID),
	}
	if adding {
		items = append(items, widget.NewFormItem(lang.L("AccessKey secret"), secret))
	}
	items = append(items,
		widget.NewFormItem("", sts),
	)
	if adding {
		items = append(items, widget.NewFormItem(lang.L("STS token"), token))
	}
	items = append(items,
		widget.NewFormItem(lang.L("STS expires"), stsExpires),
		widget.NewFormItem(lang.L("Region"), region),
		widget.NewFormItem(lang.L("Endpoint"), endpointKind),
		widget.NewFormItem(lang.L("Custom endpoint"), endpoint),
		widget.NewFormItem(lang.L("Default bucket"), bucket),
		widget.NewFormItem("", pathStyle),
		widget.NewFormItem(lang.L("Upload page (optional)"), pageURL),
	)
	title := lang.L("Edit profile")
	if adding {
		title = lang.L("Add an AccessKey")
	}
	dialog.ShowForm(title, lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		np := credentials.Profile{
			Name: strings.TrimSpace(name.Text), AccessKeyID: strings.TrimSpace(akID.Text), Kind: credentials.KindPermanent,
			Region: signing.NormalizeRegion(region.Text), EndpointKind: signing.EndpointKind(max(endpointKind.SelectedIndex(), 0)),
			Endpoint: strings.TrimSpace(endpoint.Text), Bucket: strings.TrimSpace(bucket.Text), PathStyle: pathStyle.Checked,
			PageURL: strings.TrimSpace(pageURL.Text), Label: p.Label, Default: p.Default,
		}
		if sts.Checked {
			np.Kind = credentials.KindSTS
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(stsExpires.Text))
			if err != nil {
				d.showStatus(fmt.Errorf(lang.L("The STS expiry %q is not a time such as 2026-12-01T18:00:00+08:00."), stsExpires.Text))
				return
			}
			np.STSExpires = t
		}
		sec := credentials.Secrets{AccessKeySecret: secret.Text, SecurityToken: token.Text}
		if adding {
			d.run(func() error { return d.svc.Profiles.Add(np, sec) }, nil)
		} else {
			d.run(func() error { return d.svc.Profiles.Update(np) }, nil)
		}
	}, d.win)
}

// rotate asks for a new secret (and token) for an existing profile.
func (d *profilesDialog) rotate(p credentials.Profile) {
	akID := &widget.Entry{Text: p.AccessKeyID}
	secret := widget.NewPasswordEntry()
	items := []*widget.FormItem{widget.NewFormItem(lang.L("AccessKey ID"), akID), widget.NewFormItem(lang.L("AccessKey secret"), secret)}
	token := widget.NewPasswordEntry()
	stsExpires := &widget.Entry{PlaceHolder: "2026-12-01T18:00:00+08:00"}
	if p.Kind == credentials.KindSTS {
		items = append(items, widget.NewFormItem(lang.L("STS token"), token), widget.NewFormItem(lang.L("STS expires"), stsExpires))
	}
	dialog.ShowForm(fmt.Sprintf(lang.L("New secret for %s"), p.Name), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		np := p
		np.AccessKeyID = strings.TrimSpace(akID.Text)
		if p.Kind == credentials.KindSTS {
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(stsExpires.Text))
			if err != nil {
				d.showStatus(fmt.Errorf(lang.L("The STS expiry %q is not a time such as 2026-12-01T18:00:00+08:00."), stsExpires.Text))
				return
			}
			np.STSExpires = t
		}
		sec := credentials.Secrets{AccessKeySecret: secret.Text, SecurityToken: token.Text}
		d.run(func() error { return d.svc.Profiles.Rotate(np, sec) }, nil)
	}, d.win)
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
