package upload

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

// errStalled is the cause an attempt's context is cancelled with when
// nothing moved for the stall timeout.
var errStalled = errors.New("upload stalled")

// watchdog cancels an attempt that stalls. The transport reads the body
// only as fast as it can write to the socket, so a server that stops
// reading shows as the body not being read: no Go timeout covers that
// (the transport's response timeout starts after the last byte is
// written), and the attempt would wait forever.
//
// It arms at the first read of the body (before that the transport's dial,
// TLS and 100-continue timeouts apply) and counts from the last sign of
// life: a body read, or the response arriving.
type watchdog struct {
	last atomic.Int64 // UnixNano of the last progress; 0 before the first read
	done chan struct{}
}

// watch starts the watchdog for one attempt; cancel is called with
// errStalled when it fires.
func watch(b *body, stall time.Duration, cancel context.CancelCauseFunc) *watchdog {
	w := &watchdog{done: make(chan struct{})}
	b.onRead = w.alive
	go func() {
		// Checking four times per timeout bounds the detection to 1.25
		// timeouts for almost no work.
		tick := time.NewTicker(stall / 4)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				return
			case now := <-tick.C:
				if last := w.last.Load(); last != 0 && now.Sub(time.Unix(0, last)) >= stall {
					cancel(errStalled)
					return
				}
			}
		}
	}()
	return w
}

// alive records progress.
func (w *watchdog) alive() { w.last.Store(time.Now().UnixNano()) }

// answered records that the response head arrived: the server is alive,
// and reading the (small) response body gets a fresh timeout.
func (w *watchdog) answered() { w.alive() }

// stop ends the watchdog; calling it again is harmless.
func (w *watchdog) stop() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
}

// stalledError says how far a stalled attempt got.
func stalledError(p *Plan, sent int64, stall time.Duration, cause error) *Error {
	e := &Error{Kind: ErrNetwork, Err: cause,
		Hint: message.New("Check the network connection and try again; if it keeps happening, tell the sender (the server, or a proxy on the way, may be overloaded).")}
	if sent < p.Size {
		e.Sentence = message.New("The server %s stopped taking the file after %s of %s: nothing moved for %s, so the upload was stopped.",
			p.Link.Host, message.Size(sent), message.Size(p.Size), stallText(stall))
	} else {
		e.Sentence = message.New("The server %s took the whole file but did not answer for %s, so the upload was stopped; the file may or may not be stored.",
			p.Link.Host, stallText(stall))
	}
	return e
}

// stallText is a stall timeout: "2 minutes", or "300ms" below a second.
func stallText(d time.Duration) any {
	if d < time.Second {
		return d.String()
	}
	return message.Duration(d)
}
