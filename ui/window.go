package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/appinfo"
	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/assets"
	"github.com/ossdrop/ossdrop/signing"
)

// mainWindow wires the tabs together and owns what they share: the
// profile list and the running sandbox.
type mainWindow struct {
	win fyne.Window
	svc *Services

	tabs      *container.AppTabs
	createTab *createTab
	upload    *uploadTab
	history   *historyTab
	welcome   *fyne.Container
	// The welcome card's text and buttons: without a keychain, Try it
	// locally leads and Add an AccessKey waits, saying why.
	welcomeText              *widget.Label
	welcomeAdd, welcomeLocal *widget.Button
	// keychainAway: the OS keychain did not answer at the last look.
	keychainAway bool
	status       *widget.Label
	// tryLocally is the toolbar's Try it locally, hidden beside the
	// welcome card's own.
	tryLocally *widget.Button
	// createScroll scrolls the Create link tab.
	createScroll *container.Scroll
	// tips draws tooltips above everything.
	tips *tipLayer
	// drop says, while files are dragged over the window, that a drop is taken.
	drop *dropHint

	profiles []credentials.Profile
	sandbox  *Sandbox
	// sandboxStarting is set while the sandbox starts, so it starts once.
	sandboxStarting bool

	// arrivals checks the upload links; unseen counts the files that
	// arrived since the History tab was last looked at.
	arrivals *arrivalWatch
	unseen   int
	// notify sends a desktop notification; tests replace it.
	notify func(*fyne.Notification)
}

func newMainWindow(win fyne.Window, svc *Services) *mainWindow {
	m := &mainWindow{win: win, svc: svc}
	m.buildUI()
	return m
}

func (m *mainWindow) buildUI() {
	m.createTab = newCreateTab(m.win, m.svc)
	m.upload = newUploadTab(m.win, m.svc)
	m.tips = newTipLayer()
	m.history = newHistoryTab(m.win, m.svc)
	m.history.tips = m.tips
	m.arrivals = newArrivalWatch(m.svc)
	m.arrivals.onStatuses = m.history.setStatuses
	m.arrivals.onStatus = m.history.setStatus
	m.arrivals.onArrival = m.onArrival
	m.history.lookup, m.history.store = m.arrivals.lookup, m.arrivals.watcher.Store
	m.history.onHistoryChanged = m.arrivals.trigger
	// Links the command line added while the app runs are checked as soon
	// as History shows them, not at the next minute.
	m.history.onUnchecked = m.arrivals.trigger
	m.createTab.onTestUpload = func(share string) {
		m.upload.setLink(share)
		m.tabs.SelectIndex(1)
	}
	m.createTab.onHistoryChanged = func() {
		m.history.reload()
		m.arrivals.trigger() // the new link gets its state at once
	}
	m.createTab.onProfilesChanged = m.loadProfiles
	m.upload.owns = m.owns
	m.upload.onStored = m.onStored
	// Hidden while it has nothing to say: empty, it left a gap above the form.
	m.status = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	m.status.Hide()

	m.welcome = m.buildWelcome()
	// The welcome card has its own Try it locally: the toolbar's shows
	// only once the card is gone, so the first screen offers it once.
	m.tryLocally = &widget.Button{Text: lang.L("Try it locally"), Icon: theme.ComputerIcon(), Importance: widget.LowImportance, OnTapped: m.onTryLocally}
	toolbar := container.NewHBox(
		&widget.Button{Text: lang.L("Profiles…"), Icon: theme.AccountIcon(), Importance: widget.LowImportance, OnTapped: m.onProfiles},
		m.tryLocally,
		&widget.Button{Text: lang.L("Browser uploads…"), Icon: theme.UploadIcon(), Importance: widget.LowImportance, OnTapped: m.createTab.onBrowserUploads},
		newTipButton(theme.InfoIcon(), lang.L("About OSS Drop"), m.tips, m.onAbout),
	)
	create, createView := wheelScroll(container.NewPadded(container.NewVBox(m.welcome, toolbar, m.status, m.createTab.content)))
	m.createScroll = create
	m.createTab.onResult = func(card fyne.CanvasObject) {
		// The card, just shown, is the last thing in the tab: its top is
		// the content's height less its own (and the padding around the
		// content), whatever the last frame laid out.
		y := create.Content.MinSize().Height - card.MinSize().Height - theme.Padding()
		create.ScrollToOffset(fyne.NewPos(0, max(y, 0)))
	}
	m.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Create link"), theme.ContentAddIcon(), createView),
		container.NewTabItemWithIcon(lang.L("Upload"), theme.UploadIcon(), m.upload.content),
		container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), m.history.content),
	)
	m.tabs.OnSelected = func(t *container.TabItem) {
		m.tips.hide()
		m.createTab.shown(t == m.tabs.Items[0])
		m.history.shown(t == m.tabs.Items[2])
		if t == m.tabs.Items[2] {
			m.unseen = 0
			m.refreshHistoryBadge()
			m.history.reload()
		}
	}
	m.drop = newDropHint()
	m.win.SetContent(container.NewStack(m.tabs, m.drop.overlay, m.tips.layer))
	m.win.SetOnDropped(m.onDropped)
}

// buildWelcome is the first-run card: with no profile yet, the two ways
// to start.
func (m *mainWindow) buildWelcome() *fyne.Container {
	m.welcomeText = &widget.Label{Wrapping: textWrap()}
	m.welcomeAdd = &widget.Button{Text: lang.L("Add an AccessKey"), Icon: theme.AccountIcon(), OnTapped: func() {
		if m.svc.Profiles != nil {
			showProfilesDialog(m.win, m.svc, m.loadProfiles).add()
		}
	}}
	m.welcomeLocal = &widget.Button{Text: lang.L("Try it locally"), Icon: theme.ComputerIcon(), OnTapped: m.onTryLocally}
	m.refreshWelcome()
	card := widget.NewCard(lang.L("Welcome to OSS Drop"), "", container.NewVBox(m.welcomeText, container.NewHBox(m.welcomeAdd, m.welcomeLocal)))
	c := container.NewVBox(card)
	c.Hide()
	return c
}

// refreshWelcome words the welcome card for what can be done: with the
// keychain away, an AccessKey cannot be saved, so the card says so and
// Try it locally is the way in.
func (m *mainWindow) refreshWelcome() {
	text := lang.L("Create upload links for Alibaba Cloud OSS. Add an AccessKey to sign links for your buckets, or try the whole flow on this computer first, with no account.")
	m.welcomeAdd.Importance, m.welcomeLocal.Importance = widget.HighImportance, widget.MediumImportance
	m.welcomeAdd.Enable()
	if m.keychainAway {
		text = joinSentences(text, keychainAwayText())
		m.welcomeAdd.Importance, m.welcomeLocal.Importance = widget.MediumImportance, widget.HighImportance
		m.welcomeAdd.Disable()
	}
	m.welcomeText.SetText(text)
	m.welcomeAdd.Refresh()
	m.welcomeLocal.Refresh()
}

// loadProfiles reads the profiles, and whether the keychain answers, off
// the UI goroutine and refreshes the form and the welcome card.
func (m *mainWindow) loadProfiles() {
	if m.svc.Profiles == nil {
		setOrHide(m.status, lang.L("Profiles are unavailable: the config directory cannot be found. Set HOME, or try the local sandbox."))
		m.refreshProfiles()
		return
	}
	go func() {
		ps, err := m.svc.Profiles.List()
		away := keychainAway(m.svc.Keychain)
		toUI(func() {
			m.keychainAway = away
			m.refreshWelcome()
			m.showProfiles(ps, err)
		})
	}()
}

// showProfiles takes a freshly read profile list; on the UI goroutine.
func (m *mainWindow) showProfiles(ps []credentials.Profile, err error) {
	m.profiles = ps
	m.arrivals.profilesChanged() // one may have a new secret, or be gone
	if err != nil {
		setOrHide(m.status, errorSentence(err))
	}
	m.refreshProfiles()
}

func (m *mainWindow) refreshProfiles() {
	m.createTab.setProfiles(m.profiles, m.sandbox)
	// With nothing to sign with, the welcome card replaces the form, which
	// would only show errors.
	if len(m.profiles) == 0 && m.sandbox == nil {
		m.welcome.Show()
		m.tryLocally.Hide()
		m.createTab.content.Hide()
	} else {
		m.welcome.Hide()
		m.createTab.content.Show()
		// Once the sandbox runs, the status line says so and where: the
		// button would only offer what is already done.
		if m.sandbox == nil {
			m.tryLocally.Show()
		} else {
			m.tryLocally.Hide()
		}
	}
}

func (m *mainWindow) onProfiles() {
	if m.svc.Profiles == nil {
		return
	}
	showProfilesDialog(m.win, m.svc, m.loadProfiles)
}

// onTryLocally starts the embedded sandbox and selects its profile with
// a key a first link can use; a sandbox already running (resumed after a
// restart for its open links) is offered the same way.
func (m *mainWindow) onTryLocally() {
	if m.sandbox != nil {
		m.offerSandbox(m.sandbox, true)
		return
	}
	m.startSandbox(true)
}

// offerSandbox selects the sandbox's profile in the Create form and fills
// in a key that holds nothing yet (hello.txt, else hello-2.txt…) when the
// key is empty; show (Try it locally) also brings the form to the front
// and says where the sandbox runs. On the UI goroutine; the sandbox's
// store is read off it.
func (m *mainWindow) offerSandbox(sb *Sandbox, show bool) {
	m.createTab.selectProfile(sb.Profile.Name)
	if show {
		m.tabs.SelectIndex(0)
		setOrHide(m.status, sandboxNote(sb))
		m.createScroll.ScrollToTop()
	}
	if m.createTab.key.Text != "" {
		return
	}
	go func() {
		key := sb.freeSampleKey()
		toUI(func() { m.fillSampleKey(key) })
	}()
}

// fillSampleKey puts the sandbox's free key into the form, unless the
// person typed one while the sandbox's store was read.
func (m *mainWindow) fillSampleKey(key string) {
	if m.createTab.key.Text == "" {
		m.createTab.key.SetText(key)
	}
}

// startSandbox starts the sandbox off the UI goroutine; choose selects its
// profile in the form (Try it locally), else only a form with nothing
// else to sign with gets it.
func (m *mainWindow) startSandbox(choose bool) {
	if m.svc.StartSandbox == nil || m.sandboxStarting {
		return
	}
	m.sandboxStarting = true
	setOrHide(m.status, lang.L("Starting the local sandbox…"))
	go func() {
		sb, err := m.svc.StartSandbox()
		toUI(func() { m.setSandbox(sb, err, choose) })
	}()
}

// resumeSandbox starts the sandbox when the history holds links it signed
// that still work: they point at its address and carry its key, both kept
// across restarts, and would otherwise meet nothing there.
func (m *mainWindow) resumeSandbox() {
	if m.svc.History == nil || m.svc.StartSandbox == nil || fyne.CurrentApp().Preferences().String(prefSandboxKeyID) == "" {
		return
	}
	go func() {
		entries, err := m.svc.History.List()
		if err != nil {
			return
		}
		if hasOpenSandboxLinks(entries, m.svc.Now()) {
			toUI(func() {
				if m.sandbox == nil {
					m.startSandbox(false)
				}
			})
		}
	}()
}

// hasOpenSandboxLinks reports whether any of entries is a link the
// sandbox signed that still works at now.
func hasOpenSandboxLinks(entries []history.Entry, now time.Time) bool {
	return slices.ContainsFunc(entries, func(e history.Entry) bool { return e.Profile == SandboxProfileName && !e.Expired(now) })
}

// setSandbox takes the started sandbox (or why it did not start); on the UI goroutine.
func (m *mainWindow) setSandbox(sb *Sandbox, err error, choose bool) {
	m.sandboxStarting = false
	if err != nil {
		setOrHide(m.status, errorSentence(err))
		return
	}
	m.sandbox = sb
	setOrHide(m.status, sandboxNote(sb))
	m.refreshProfiles()
	if choose || len(m.profiles) == 0 {
		m.offerSandbox(sb, choose)
	}
	m.arrivals.setSandbox(sb) // its links can be checked now
}

// owns reports whether a link's AccessKey ID is one the app signs with:
// the person uploading then made the link. On the UI goroutine.
func (m *mainWindow) owns(accessKeyID string) bool {
	if m.sandbox != nil && m.sandbox.Credentials.AccessKeyID == accessKeyID {
		return true
	}
	for _, p := range m.profiles {
		if p.AccessKeyID == accessKeyID {
			return true
		}
	}
	return false
}

// onStored follows a file stored through the Upload tab: the link's row
// in History is checked again at once (it was probably checked a moment
// ago, when it was made), and the Create form, if it still shows the key
// the app made that link for, moves on to a free one.
func (m *mainWindow) onStored(in *signing.Inspection) {
	m.arrivals.recheck(in)
	m.createTab.keyUsed(in)
}

// onArrival tells the owner that a file arrived: a desktop notification,
// and a count on the History tab until it is looked at.
func (m *mainWindow) onArrival(x arrivals.Arrival) {
	n := arrivalNotification(x)
	if m.notify != nil {
		m.notify(n)
	} else {
		fyne.CurrentApp().SendNotification(n)
	}
	if m.tabs.Selected() != m.tabs.Items[2] {
		m.unseen++
		m.refreshHistoryBadge()
	}
}

// refreshHistoryBadge shows the count of unseen arrivals on the History tab.
func (m *mainWindow) refreshHistoryBadge() {
	text := lang.L("History")
	if m.unseen > 0 {
		text = fmt.Sprintf(lang.L("History (%d new)"), m.unseen)
	}
	if m.tabs.Items[2].Text != text {
		m.tabs.Items[2].Text = text
		m.tabs.Refresh()
	}
}

// onDropped routes files dropped anywhere on the window to the Upload tab.
func (m *mainWindow) onDropped(_ fyne.Position, uris []fyne.URI) {
	m.onDragLeave()
	m.tabs.SelectIndex(1)
	m.upload.onDropped(uris)
}

// onAbout shows the version and what OSS Drop is, with room to read it:
// a dialog sized to its content alone squeezed the text into a column.
func (m *mainWindow) onAbout() {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))
	text := &widget.Label{Text: fmt.Sprintf(lang.L("OSS Drop %s\nUpload links for Alibaba Cloud OSS that work the first time.\nSecrets stay in the OS keychain."), appinfo.Get().Details.Version), Wrapping: textWrap()}
	d := dialog.NewCustom(lang.L("About OSS Drop"), lang.L("Close"), container.NewBorder(nil, nil, container.NewCenter(icon), nil, text), m.win)
	d.Resize(fyne.NewSize(min(520, m.win.Canvas().Size().Width-40), 220))
	d.Show()
}

// close stops what the window started.
func (m *mainWindow) close() {
	m.arrivals.stop()
	m.history.ticker.cancel()
	m.createTab.clock.cancel()
	m.createTab.result.ticker.cancel()
	m.upload.countdown.cancel()
	if m.sandbox != nil && m.sandbox.Stop != nil {
		m.sandbox.Stop()
	}
}
