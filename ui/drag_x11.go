//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !wayland && !ci

package ui

/*
#cgo LDFLAGS: -lX11
#include <stdlib.h>
#include <string.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/Xlibint.h>

extern void ossdropDrag(int kind, int accepted);

// The XDND messages a drag source sends to the window under the pointer.
static Atom xdndEnter, xdndLeave, xdndDrop, xdndTypeList, uriList;
static Display *display;
static Window target, source;
static Bool (*next)(Display*, XEvent*, xEvent*);

static int offersURIs(Display *dpy, XClientMessageEvent *e) {
	for (int i = 2; i < 5; i++)
		if ((Atom)e->data.l[i] == uriList) return 1;
	return (e->data.l[1] & 1) ? 2 : 0; // 2: more types, in XdndTypeList
}

// watch sees every ClientMessage as Xlib reads it off the wire, before
// GLFW does (GLFW answers the drag itself but tells nobody until the
// drop). It reads the event only: Xlib holds the display here.
static Bool watch(Display *dpy, XEvent *re, xEvent *event) {
	Bool keep = next(dpy, re, event);
	if (re->type != ClientMessage || re->xclient.window != target) return keep;
	Atom t = re->xclient.message_type;
	if (t == xdndEnter) {
		source = (Window)re->xclient.data.l[0];
		ossdropDrag(1, offersURIs(dpy, &re->xclient));
	}
	else if (t == xdndLeave || t == xdndDrop) ossdropDrag(2, 0);
	return keep;
}

// sourceOffersURIs reads the drag source's full list of types, for a
// source that offers more than the three an XdndEnter holds. Called on the
// UI goroutine, outside event processing, where Xlib may be called.
static int sourceOffersURIs(void) {
	Atom type;
	int format, found = 0;
	unsigned long count, after;
	unsigned char *data = NULL;
	if (XGetWindowProperty(display, source, xdndTypeList, 0, 1024, False, XA_ATOM, &type, &format, &count, &after, &data) == Success && data) {
		Atom *types = (Atom *)data;
		for (unsigned long i = 0; i < count; i++)
			if (types[i] == uriList) found = 1;
		XFree(data);
	}
	return found;
}

static void ossdropWatchDrags(Display *dpy, Window w) {
	display = dpy;
	xdndEnter = XInternAtom(dpy, "XdndEnter", False);
	xdndLeave = XInternAtom(dpy, "XdndLeave", False);
	xdndDrop = XInternAtom(dpy, "XdndDrop", False);
	xdndTypeList = XInternAtom(dpy, "XdndTypeList", False);
	uriList = XInternAtom(dpy, "text/uri-list", False);
	target = w;
	next = XESetWireToEvent(dpy, ClientMessage, watch);
}
*/
import "C"

import (
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// dragEnter and dragLeave are the window's handlers; one window watches.
var dragEnter func(accepted bool)
var dragLeave func()

// watchDrags tells enter and leave about files dragged over win, from the
// X11 drag-and-drop messages its window gets. Call it once the window is
// shown, on the UI goroutine.
func watchDrags(win fyne.Window, enter func(accepted bool), leave func()) {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		x, ok := ctx.(driver.X11WindowContext)
		if !ok || x.WindowHandle == 0 {
			return
		}
		dpy := glfw.GetX11Display()
		if dpy == nil {
			return
		}
		dragEnter, dragLeave = enter, leave
		C.ossdropWatchDrags((*C.Display)(unsafe.Pointer(dpy)), C.Window(x.WindowHandle))
	})
}

//export ossdropDrag
func ossdropDrag(kind, accepted C.int) {
	// Xlib holds the display while this runs: hand the news on and return.
	go toUI(func() {
		switch {
		case kind == 1 && dragEnter != nil:
			dragEnter(accepted == 1 || accepted == 2 && C.sourceOffersURIs() == 1)
		case kind == 2 && dragLeave != nil:
			dragLeave()
		}
	})
}
