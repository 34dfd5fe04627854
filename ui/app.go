// Package ui is the Fyne presentation of OSS Drop: the window, its tabs and
// dialogs. It is the only package besides main and assets that imports
// fyne.io; it reaches the rest of the program through Services.
package ui

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/appinfo"
	"github.com/ossdrop/ossdrop/app/appprefs"
	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/instance"
	_ "github.com/ossdrop/ossdrop/app/locale" // a C locale reads as English
	"github.com/ossdrop/ossdrop/assets"
	"github.com/ossdrop/ossdrop/signing"
)

// AppID is the application ID, as in FyneApp.toml.
const AppID = appprefs.AppID

// Options are what the command line asks of the GUI.
type Options struct {
	// Sandbox opens straight in local sandbox mode.
	Sandbox bool
	// Link is a link or curl command to open in the Upload tab.
	Link string
	// Files are the files and folders to upload through Link, in the
	// order given ("ossdrop LINK FILE…").
	Files []string
}

// ParseArgs reads the GUI's own arguments: --sandbox, a link, and files.
// A path that exists (a file or a folder) and does not read as a link is
// a file, wherever it comes; anything else is the link, and after the
// link a file that the Upload tab says it cannot read.
func ParseArgs(args []string) Options {
	var o Options
	for _, a := range args {
		switch {
		case a == "--sandbox" || a == "-sandbox":
			o.Sandbox = true
		case strings.HasPrefix(a, "-"):
		case !signing.LooksLikeLink(a) && exists(a):
			o.Files = append(o.Files, a)
		case o.Link == "":
			o.Link = a
		default:
			o.Files = append(o.Files, a)
		}
	}
	return o
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Run starts the desktop app and blocks until its window closes. Without a
// display it exits with status 1 and one sentence instead.
func Run(args []string) {
	exitWithoutDisplay()
	opts := ParseArgs(args)
	// Before Fyne reads the preferences: a second instance would read them
	// while the first writes them, and each rewrite what the other wrote.
	primary := claimInstance(opts)
	if primary != nil {
		defer primary.Close()
	}
	fyneapp.SetMetadata(metadata(appinfo.Get()))
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(newAppTheme())
	loadTranslations()
	svc := defaultServices()
	w := a.NewWindow(lang.L("OSS Drop"))
	w.SetTitle("OSS Drop")
	m := newMainWindow(w, svc)
	m.start(opts)
	if primary != nil {
		go primary.Serve(func(r instance.Request) {
			fyne.Do(func() { m.handOver(Options{Sandbox: r.Sandbox, Link: r.Link, Files: r.Paths()}) })
		})
	}
	w.Resize(fyne.NewSize(1000, 760))
	w.SetOnClosed(m.close)
	releaseStartupMemory()
	a.Lifecycle().SetOnStarted(func() {
		watchDrags(w, m.onDragEnter, m.onDragLeave)
		if tourHook != nil {
			tourHook(m)
		}
	})
	w.ShowAndRun()
}

// claimInstance makes this process the one OSS Drop window of its user,
// or hands the command line's link and files to the window already open and
// exits. Without a config directory there is nothing to share, and the app
// runs on its own.
func claimInstance(opts Options) *instance.Primary {
	dir, err := credentials.DefaultDir()
	if err != nil {
		return nil
	}
	p, err := instance.Claim(dir, instance.Request{Link: opts.Link, Files: opts.Files, Sandbox: opts.Sandbox})
	switch {
	case errors.Is(err, instance.ErrHandedOff):
		switch {
		case len(opts.Files) > 0:
			fmt.Fprintln(os.Stderr, "OSS Drop is already open: the link and the files are now on its Upload tab.")
		case opts.Link != "":
			fmt.Fprintln(os.Stderr, "OSS Drop is already open: the link is now on its Upload tab.")
		default:
			fmt.Fprintln(os.Stderr, "OSS Drop is already open: its window is brought to the front.")
		}
		os.Exit(0)
	case errors.Is(err, instance.ErrNotAnswering):
		fmt.Fprintf(os.Stderr, "error: OSS Drop is already open, but did not answer (%v).\nhint: close the OSS Drop window (or end that process), then start it again.\n", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintf(os.Stderr, "OSS Drop could not make sure it runs once (%v); it starts anyway.\n", err)
		return nil
	}
	return p
}

// handOver shows what a later start of the app asked for (a link, files,
// the sandbox) in this window, and brings the window to the front.
func (m *mainWindow) handOver(opts Options) {
	if opts.Sandbox {
		m.onTryLocally()
	}
	m.open(opts)
	m.win.Show()
	m.win.RequestFocus()
}

// tourHook runs the screenshot tour (tour.go, a build of its own).
var tourHook func(*mainWindow)

// metadata is FyneApp.toml as Fyne wants it; a plain 'go build' binary
// would otherwise look for FyneApp.toml next to itself and, not finding
// it, call itself version 0.0.1. The fyneDo migration is left to the
// migrated_fynedo build tag (release packages): without it Fyne's thread
// checker keeps speaking in development builds.
func metadata(i appinfo.Info) fyne.AppMetadata {
	return fyne.AppMetadata{
		ID: i.Details.ID, Name: i.Details.Name, Version: i.Details.Version, Build: i.Details.Build, Icon: assets.Icon,
	}
}

// start loads the profiles, starts checking the upload links (again at
// each window focus) and applies the command line.
func (m *mainWindow) start(opts Options) {
	m.loadProfiles()
	m.createTab.shown(m.tabs.Selected() == m.tabs.Items[0])
	m.history.moveTokens() // STS links an older OSS Drop wrote to the file
	m.arrivals.start()
	fyne.CurrentApp().Lifecycle().SetOnEnteredForeground(m.arrivals.trigger)
	if opts.Sandbox {
		m.onTryLocally()
	} else {
		m.resumeSandbox()
	}
	m.open(opts)
}

// open puts a link and files from the command line on the Upload tab.
func (m *mainWindow) open(opts Options) {
	if opts.Link != "" || len(opts.Files) > 0 {
		m.upload.handOver(opts.Link, opts.Files)
		m.tabs.SelectIndex(1)
	}
}

func loadTranslations() {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("load translations", err)
	}
}

// defaultServices wires the real stores: profiles in the config dir with
// secrets in the OS keychain, the history beside them, the SDK signer and
// the embedded sandbox.
func defaultServices() *Services {
	svc := &Services{Presign: signing.Presign, Now: time.Now, Bucket: newBucketAdmin, Reveal: revealFile, Keychain: credentials.SystemItems(), Getenv: os.Getenv}
	svc.StartSandbox = func() (*Sandbox, error) { return startSandbox(svc.Keychain) }
	if store, err := credentials.OpenDefault(); err == nil {
		svc.Profiles = store
	} else {
		fyne.LogError("open the profiles", err)
	}
	if dir, err := credentials.DefaultDir(); err == nil {
		if h, err := history.Open(dir); err == nil {
			svc.History = h
		} else {
			fyne.LogError("open the history", err)
		}
		if a, err := arrivals.Open(dir); err == nil {
			svc.Arrivals = a
		} else {
			fyne.LogError("open the arrivals state", err)
		}
	}
	return svc
}
