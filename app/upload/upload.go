// Package upload sends one file to OSS through a presigned PUT link, for
// both the desktop app and the command line.
//
// It checks the link and the file before sending a byte, streams the file
// (constant memory, whatever its size) with exactly the headers the link was
// signed with and nothing else OSS would sign, retries what is worth
// retrying, and verifies the stored object against the CRC-64 and MD5 it
// computes on the way out. Every error it returns is an *Error: a sentence a
// partner understands plus a hint, with the OSS error code and request ID
// when the server gave them.
package upload

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// DefaultRetries is how many times a failed attempt is repeated when the
// request does not say.
const DefaultRetries = 3

// UserAgent identifies OSS Drop in the server's logs. It is never signed,
// so it cannot break a link.
const UserAgent = "OSSDrop"

// progressInterval bounds how often Progress is called, so a fast upload
// does not flood the GUI's event queue.
const progressInterval = 50 * time.Millisecond

// maxCallbackBody bounds the success body: OSS relays at most 3 MB from the
// owner's callback server.
const maxCallbackBody = 4 << 20

// DefaultStallTimeout is how long an upload waits when nothing moves: the
// server takes no byte of the file, or (once it has all of it) says
// nothing. It bounds each stall, never the whole upload.
const DefaultStallTimeout = 2 * time.Minute

// expectContinueAbove is the size from which the upload first asks the
// server whether it will take the body (Expect: 100-continue), as curl
// does: a refused signature then costs one round trip, not the whole file.
const expectContinueAbove = 1 << 20

var crcTable = crc64.MakeTable(crc64.ECMA)

// Request is one upload.
type Request struct {
	// Link is an inspected link; when nil, LinkText is inspected instead.
	Link *signing.Inspection
	// LinkText is a share link, a bare presigned URL or a curl command:
	// anything signing.Inspect reads.
	LinkText string
	// File is the path of the file to send.
	File string
	// Name is, for a request link, the file's name under the link's folder
	// (forward slashes between folders); empty means the file's base name.
	Name string
	// ExtraHeaders are sent besides the link's own; one with the name of a
	// link header replaces its value. They let a user supply the headers a
	// bare URL does not carry.
	ExtraHeaders signing.Headers
	// Retries is how many times a lost connection or a 5xx answer is
	// retried: 0 means DefaultRetries, a negative number none.
	Retries int
	// Backoff returns the pause before retry n (1, 2, …); nil means
	// exponential backoff with jitter from 0.5 s up to 8 s.
	Backoff func(n int) time.Duration
	// Progress, if set, is called from another goroutine (never two calls at
	// once) at most every 50 ms while the file is sent, and a last time
	// before Upload returns.
	Progress func(Progress)
	// HTTPClient sends the request; nil means a client made for uploads.
	// Redirects are never followed, whatever the client says: following
	// one would turn the PUT into a GET.
	HTTPClient *http.Client
	// Now is the clock for the expiry check; nil means time.Now.
	Now func() time.Time
	// StallTimeout stops an attempt once the server has taken no byte of
	// the file (or, after the last byte, has not answered) for this long;
	// 0 means DefaultStallTimeout. A slow but moving upload is never cut.
	StallTimeout time.Duration
	// AllowUnverified accepts a success answer that carries no checksum to
	// compare (no CRC-64, no MD5 ETag). Real OSS always sends both for a
	// PUT, so without this such an answer is an ErrUnverified error: it
	// may come from a proxy or a captive portal, not from OSS.
	AllowUnverified bool
}

// Progress is how far the upload is.
type Progress struct {
	// Sent is how many bytes of the current attempt have gone out.
	Sent  int64
	Total int64
	// Rate is the speed of the current attempt, in bytes per second.
	Rate float64
	// Elapsed counts from the start of the first attempt.
	Elapsed time.Duration
	// Attempt is 1 for the first try, 2 for the first retry, and so on.
	Attempt int
}

// Result is what the server said about a stored object.
type Result struct {
	// Status is 200, or 203 when the owner's callback server failed.
	Status int
	// Key is the object key the file was stored under.
	Key string
	// ETag is the server's, quotes removed.
	ETag      string
	VersionID string
	Size      int64
	// CRC64 is the CRC-64/ECMA-182 of the bytes sent, as OSS computes it.
	CRC64 uint64
	// MD5 is the hex MD5 of the bytes sent.
	MD5 string
	// CRCVerified and MD5Verified say the server's checksum matched;
	// CRCNote and MD5Note say why not when false (say, the server sent none).
	CRCVerified bool
	CRCNote     message.Text
	MD5Verified bool
	MD5Note     message.Text
	// Mismatches lists every checksum of the server's that disagreed with
	// the bytes sent or could not be read; any one makes the upload
	// unverified, whatever else matched.
	Mismatches message.List
	RequestID  string
	// CallbackBody is the owner's callback server's answer (JSON), relayed by
	// OSS; empty when the link has no callback.
	CallbackBody []byte
	Elapsed      time.Duration
	Attempts     int
	// Warnings are the pre-flight warnings (see Plan).
	Warnings []message.Text
}

// Verified reports whether at least one checksum from the server matched
// the bytes sent and none disagreed.
func (r *Result) Verified() bool {
	return (r.CRCVerified || r.MD5Verified) && len(r.Mismatches) == 0
}

// CallbackJSON returns the callback answer as the server sent it, only
// indented when it is JSON: keys keep their order and strings their bytes
// (no "&" turned into \u0026), so the sender recognises their answer.
func (r *Result) CallbackJSON() string {
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(r.CallbackBody), "", "  "); err != nil {
		return string(r.CallbackBody)
	}
	return out.String()
}

// Upload checks the request (see Prepare) and sends the file.
//
// A Result comes back whenever the server said it stored the object, even
// with an error: a 203 (ErrCallback: stored, but the owner's server did not
// confirm it), a checksum mismatch (ErrChecksum: stored, but not what was
// sent) or no checksum at all (ErrUnverified, unless the request allows
// it). Otherwise the Result is nil. Every error is an *Error; when ctx
// ends, it also wraps ctx.Err().
func Upload(ctx context.Context, req Request) (*Result, error) {
	plan, err := Prepare(req)
	if err != nil {
		return nil, err
	}
	return plan.upload(ctx, req)
}

// upload sends the file of a prepared plan; req supplies the retry policy,
// progress callback and HTTP client.
func (p *Plan) upload(ctx context.Context, req Request) (*Result, error) {
	u := &uploader{plan: p, client: httpClient(req.HTTPClient), backoff: req.Backoff, start: time.Now(),
		stall: req.StallTimeout, allowUnverified: req.AllowUnverified}
	if u.stall <= 0 {
		u.stall = DefaultStallTimeout
	}
	u.progress.fn = req.Progress
	if u.backoff == nil {
		u.backoff = defaultBackoff
	}
	retries := req.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	res, err := u.run(ctx, retries)
	u.progress.final()
	return res, err
}

type uploader struct {
	plan            *Plan
	client          *http.Client
	backoff         func(int) time.Duration
	start           time.Time
	progress        progress
	stall           time.Duration
	allowUnverified bool
}

// outcome is one attempt's end.
type outcome struct {
	res   *Result
	err   *Error
	retry bool // worth another attempt
	// reached says the request may have reached the server, so the object
	// may be stored even though this attempt failed.
	reached bool
}

func (u *uploader) run(ctx context.Context, retries int) (*Result, error) {
	reached := false
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, u.backoff(attempt-1)); err != nil {
				return nil, canceled(err, attempt-1)
			}
		}
		o := u.attempt(ctx, attempt, reached)
		if o.err == nil {
			return o.res, nil
		}
		reached = reached || o.reached
		o.err.Attempts = attempt
		if !o.retry || attempt > retries {
			if o.res != nil {
				return o.res, o.err
			}
			return nil, o.err
		}
	}
}

// attempt sends the file once. retried says an earlier attempt may have
// reached the server.
func (u *uploader) attempt(ctx context.Context, attempt int, retried bool) outcome {
	p := u.plan
	f, err := os.Open(p.File)
	if err != nil {
		return outcome{err: fileError(p.File, err)}
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || info.Size() != p.Size {
		return outcome{err: changedError(p.File)}
	}

	u.progress.begin(attempt, p.Size, u.start)
	// The watchdog cancels reqCtx when nothing moves (see watch.go); the
	// transport's own timeouts cover the dial and the TLS handshake.
	reqCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	b := newBody(reqCtx, f, p.Size, &u.progress)
	// Before the file closes: finish waits for the body's goroutines.
	defer b.finish()
	dog := watch(b, u.stall, stop)
	defer dog.stop()
	req, err := p.request(reqCtx, b)
	if err != nil {
		return outcome{err: &Error{Kind: ErrLink, Sentence: message.New("The link's address cannot be used."), Hint: message.New("Copy the whole link again."), Err: err}}
	}
	resp, err := u.client.Do(req)
	s := b.finish()
	sent, readErr := s.sent, s.readErr
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return outcome{err: canceled(ctx.Err(), attempt)}
		case errors.Is(context.Cause(reqCtx), errStalled):
			return outcome{err: stalledError(p, sent, u.stall, err), retry: true, reached: sent > 0}
		case readErr != nil:
			if errors.Is(readErr, errShrunk) {
				return outcome{err: changedError(p.File)}
			}
			return outcome{err: fileError(p.File, readErr)}
		}
		e, retry := networkError(p.Link.Host, err, attempt)
		return outcome{err: e, retry: retry, reached: sent > 0}
	}
	defer resp.Body.Close()
	dog.answered()
	return u.answer(ctx, reqCtx, resp, s, attempt, retried)
}

// answer reads the server's answer to one attempt; ctx is the upload's,
// reqCtx the attempt's (which the stall watchdog cancels).
func (u *uploader) answer(ctx, reqCtx context.Context, resp *http.Response, s sums, attempt int, retried bool) outcome {
	p := u.plan
	sent := s.sent

	limit := int64(maxErrorBody)
	if resp.StatusCode/100 == 2 {
		limit = maxCallbackBody
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		if errors.Is(context.Cause(reqCtx), errStalled) {
			return outcome{err: stalledError(p, sent, u.stall, err), retry: true, reached: true}
		}
		if reqCtx.Err() != nil {
			return outcome{err: canceled(reqCtx.Err(), attempt)}
		}
		e, retry := networkError(p.Link.Host, err, attempt)
		return outcome{err: e, retry: retry, reached: true}
	}
	failure := responseFailure{status: resp.StatusCode, statusTxt: http.StatusText(resp.StatusCode), body: raw, requestID: clean(resp.Header.Get("x-oss-request-id"))}
	failure.xml, failure.isXML = parseError(raw)

	if resp.StatusCode/100 != 2 {
		return outcome{err: p.explain(failure, attempt, retried), retry: resp.StatusCode >= 500, reached: true}
	}
	if sent != p.Size {
		// The server answered before taking the whole file: whatever it
		// stored is not this file.
		return outcome{err: &Error{Kind: ErrRefused, Status: resp.StatusCode,
			Sentence: message.New("The server answered after receiving only %s of %s, so it did not store this file.", message.Size(sent), message.Size(p.Size)),
			Hint:     message.New("Check that the link is an OSS upload link; ask the sender for a new one.")}}
	}

	// Header values are the server's text: cleaned before anyone prints them.
	res := &Result{Status: resp.StatusCode, Key: p.Key, Size: sent, CRC64: s.crc,
		RequestID: clean(resp.Header.Get("x-oss-request-id")), VersionID: clean(resp.Header.Get("x-oss-version-id")),
		Attempts: attempt, Warnings: p.Warnings}
	res.ETag = clean(trimETag(resp.Header.Get("ETag")))
	sum, why := s.md5, md5Skipped
	if sum == nil && needMD5(resp.Header) {
		// Rare (OSS always sends the CRC-64): worth a second read of the
		// file now, off the hot path.
		sum, why = p.fileMD5(ctx)
	}
	if sum != nil {
		res.MD5 = hex.EncodeToString(sum)
	}
	res.Elapsed = time.Since(u.start)
	problem := res.verify(resp.Header, sum, why, u.allowUnverified)
	if resp.StatusCode == http.StatusNonAuthoritativeInfo {
		// 203: the object is stored, OSS's call to the owner's server failed.
		e := &Error{Kind: ErrCallback, Status: resp.StatusCode, Code: failure.xml.Code, Message: failure.xml.Message, RequestID: res.RequestID, EC: failure.xml.EC,
			Sentence: message.New("The file is stored, but the sender's server did not confirm it."), Hint: message.New("Tell the sender the file arrived; there is no need to upload it again (OSS does not retry the confirmation).")}
		if failure.xml.RequestID != "" {
			e.RequestID = failure.xml.RequestID
		}
		if failure.xml.Message != "" {
			e.Sentence = message.New("The file is stored, but the sender's server did not confirm it (%s).", failure.xml.Message)
		}
		if problem == nil {
			return outcome{res: res, err: e}
		}
	} else if _, ok := p.Link.Headers.Get("x-oss-callback"); ok && len(raw) > 0 {
		// Only a link with a callback gets a body from OSS; anything else
		// answering with one (a sign-in page) is not the sender's server.
		res.CallbackBody = raw
	}
	if problem != nil {
		problem.Status, problem.RequestID = resp.StatusCode, res.RequestID
		return outcome{res: res, err: problem}
	}
	return outcome{res: res}
}

// request builds the PUT for one attempt: the link's headers and the
// extra ones, and nothing else OSS would sign; or, for a request link, the
// form POST around the same body.
func (p *Plan) request(ctx context.Context, b *body) (*http.Request, error) {
	if p.form != nil {
		return p.form.request(ctx, p, b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, p.Link.URL, nil)
	if err != nil {
		return nil, err
	}
	// A body type of our own means no sniffing and no guessed length: the
	// length is set here, and Go sends no Content-Type unless the link has one.
	req.Body, req.ContentLength = b, p.Size
	if p.Size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("User-Agent", UserAgent)
	if p.Size > expectContinueAbove {
		req.Header.Set("Expect", "100-continue")
	}
	for _, h := range p.Headers {
		switch http.CanonicalHeaderKey(h.Name) {
		case "Host":
			req.Host = h.Value
		case "Content-Length":
			// checked against the file in Prepare; Go writes it from ContentLength
		default:
			req.Header.Set(h.Name, h.Value)
		}
	}
	return req, nil
}

func changedError(name string) *Error {
	return &Error{Kind: ErrFile, Sentence: message.New("%s changed while it was being uploaded.", name), Hint: message.New("Wait until the file is complete, then upload it again.")}
}

func canceled(err error, attempts int) *Error {
	e := &Error{Kind: ErrCanceled, Attempts: attempts, Err: err, Sentence: message.New("The upload was cancelled.")}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Sentence = message.New("The upload took longer than allowed and was stopped.")
	}
	return e
}

// networkError explains a failure to talk to the server and says whether
// trying again can help: a lost connection can, a certificate OSS Drop
// does not trust or a host that does not exist cannot.
func networkError(host string, err error, attempt int) (*Error, bool) {
	e := &Error{Kind: ErrNetwork, Err: err}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		dns              *net.DNSError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		e.Sentence = message.New("The certificate of %s is not trusted, so the upload was not sent (%v).", host, rootCause(err))
		e.Hint = message.New("Check the computer's date and any proxy or antivirus that intercepts HTTPS; ask the sender whether the link is right.")
		return e, false
	case errors.As(err, &dns) && dns.IsNotFound:
		e.Sentence = message.New("The server %s could not be found.", host)
		e.Hint = message.New("Check the internet connection, then copy the whole link again.")
		return e, false
	case connectionRefused(err):
		// Nothing listens there: waiting and retrying only delays the news.
		e.Err = fmt.Errorf("%w: %w", ErrNotAnswering, err)
		e.Sentence = message.New("The sender's endpoint %s is not answering: nothing accepts connections at that address.", host)
		e.Hint = message.New("Ask the sender whether the link is still served.")
		if loopback(host) {
			e.Hint = message.New("The link points at this computer: start what serves it (for OSS Drop's local sandbox: Try it locally in the app), then upload again.")
		}
		return e, false
	}
	if attempt > 1 {
		e.Sentence = message.New("The connection to %s failed %d times in a row; the upload did not complete (%v).", host, attempt, rootCause(err))
	} else {
		e.Sentence = message.New("The connection to %s failed; the upload did not complete (%v).", host, rootCause(err))
	}
	e.Hint = message.New("Check the network connection and try again.")
	return e, true
}

// loopback reports whether host (with or without a port) is this computer.
func loopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// rootCause strips the "Put <URL>:" prefix of a *url.Error, which would
// print the whole signed link into the sentence.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// verify compares the server's checksums with the bytes sent; md5sum is
// nil when the MD5 was not computed, and then noMD5 says why. The error,
// if any, says the object differs, the server's checksums cannot be read,
// or (unless allowUnverified) there was nothing to compare.
func (r *Result) verify(h http.Header, md5sum []byte, noMD5 message.Text, allowUnverified bool) *Error {
	var diffs, unreadable message.List
	switch v := h.Get("x-oss-hash-crc64ecma"); {
	case v == "":
		r.CRCNote = message.New("the server sent no CRC-64 (x-oss-hash-crc64ecma)")
	default:
		server, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			r.CRCNote = message.New("the server's CRC-64 %q is not a number", clean(v))
			unreadable = append(unreadable, r.CRCNote)
		} else if server != r.CRC64 {
			diffs = append(diffs, message.New("CRC-64 %d here, %d on the server", r.CRC64, server))
		} else {
			r.CRCVerified = true
		}
	}
	switch {
	case r.ETag == "":
		r.MD5Note = message.New("the server sent no ETag")
	case !isMD5Hex(r.ETag):
		r.MD5Note = message.New("the ETag %s is not an MD5 (the object was not stored by one simple upload)", r.ETag)
	case md5sum == nil:
		r.MD5Note = noMD5
	case !strings.EqualFold(r.ETag, r.MD5):
		diffs = append(diffs, message.New("MD5 %s here, ETag %s on the server", r.MD5, r.ETag))
	default:
		r.MD5Verified = true
	}
	if v := h.Get("Content-MD5"); v != "" && md5sum != nil {
		if got := base64MD5(md5sum); v != got {
			diffs = append(diffs, message.New("Content-MD5 %s here, %s on the server", got, clean(v)))
			r.MD5Verified = false
		} else if !r.MD5Verified {
			r.MD5Verified, r.MD5Note = true, message.Text{}
		}
	}
	r.Mismatches = append(diffs, unreadable...)
	switch {
	case len(diffs) > 0:
		return &Error{Kind: ErrChecksum,
			Sentence: message.New("The object stored on the server differs from your file (%s).", r.Mismatches),
			Hint:     message.New("Upload the file again; if the link protects the object from being replaced, ask the sender for a new link.")}
	case len(unreadable) > 0:
		return &Error{Kind: ErrChecksum,
			Sentence: message.New("The server's answer cannot confirm the upload: %s.", unreadable),
			Hint:     message.New("Upload the file again; if it keeps happening, something between you and OSS (a proxy) may be changing the answers: tell the sender.")}
	case !r.CRCVerified && !r.MD5Verified && !allowUnverified:
		return &Error{Kind: ErrUnverified,
			Sentence: message.New("The server said the file is stored but sent no checksum to confirm it (%s; %s). OSS always sends one: the answer may have come from a proxy or a Wi-Fi sign-in page instead.", r.CRCNote, r.MD5Note),
			Hint:     message.New("Check the connection (sign in to the Wi-Fi, or bypass the proxy) and upload again, or ask the sender whether the file arrived.")}
	}
	return nil
}

// md5Skipped is why a large file's MD5 was not compared when the server's
// answer has a CRC-64 (see md5HotPathMax).
var md5Skipped = message.New("MD5 not computed: the CRC-64 verifies a file of this size, as OSS's own clients do")

// needMD5 reports whether an answer has an MD5 to compare (an MD5 ETag or
// a Content-MD5) and no CRC-64 that could verify the upload on its own.
func needMD5(h http.Header) bool {
	if _, err := strconv.ParseUint(strings.TrimSpace(h.Get("x-oss-hash-crc64ecma")), 10, 64); err == nil {
		return false
	}
	return isMD5Hex(trimETag(h.Get("ETag"))) || h.Get("Content-MD5") != ""
}

// fileMD5 computes the file's MD5 by reading it again, for an answer that
// can be checked no other way. On failure the sum is nil and the note says
// why; a file that changed since it was sent simply gets a different sum,
// which the comparison then reports.
func (p *Plan) fileMD5(ctx context.Context) ([]byte, message.Text) {
	f, err := os.Open(p.File)
	if err != nil {
		return nil, message.New("the file could not be read again to compute its MD5 (%v)", rootCause(err))
	}
	defer f.Close()
	h := md5.New()
	buf := make([]byte, chunkSize)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, message.New("the MD5 check was cancelled")
		}
		m, err := f.Read(buf)
		h.Write(buf[:m])
		n += int64(m)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, message.New("the file could not be read again to compute its MD5 (%v)", rootCause(err))
		}
	}
	if n != p.Size {
		return nil, message.New("the file changed after it was sent (now %s), so its MD5 was not computed", message.Size(n))
	}
	return h.Sum(nil), message.Text{}
}

// progress reports an upload's progress at a bounded rate. Its methods are
// called by the transport's goroutine (through body) and by Upload's, one at
// a time: body holds its lock while reporting, and Upload reports only after
// finishing the body.
type progress struct {
	fn           func(Progress)
	start        time.Time
	attemptStart time.Time
	last         time.Time
	current      Progress
	started      bool
}

func (p *progress) begin(attempt int, total int64, start time.Time) {
	p.start, p.attemptStart, p.last = start, time.Now(), time.Time{}
	p.current = Progress{Total: total, Attempt: attempt}
	p.started = true
}

func (p *progress) add(n int) {
	p.current.Sent += int64(n)
	if p.fn == nil {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= progressInterval {
		p.last = now
		p.fn(p.snapshot(now))
	}
}

func (p *progress) snapshot(now time.Time) Progress {
	s := p.current
	s.Elapsed = now.Sub(p.start)
	if d := now.Sub(p.attemptStart).Seconds(); d > 0 {
		s.Rate = float64(s.Sent) / d
	}
	return s
}

func (p *progress) final() {
	if p.fn != nil && p.started {
		p.fn(p.snapshot(time.Now()))
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// defaultBackoff doubles from 0.5 s to at most 8 s, with jitter so that many
// uploaders cut off together do not come back together.
func defaultBackoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n-1, 4)
	return d/2 + rand.N(d/2+1)
}

var defaultClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// OSS answers within seconds of the last byte, or 5 s more with a
	// callback; a server silent for two minutes is not going to answer.
	t.ResponseHeaderTimeout = 2 * time.Minute
	// Without this Go adds Accept-Encoding: gzip; an upload's answer is
	// tiny, and the request should carry only what the link asks for.
	t.DisableCompression = true
	// The body goes to the socket without this buffer (see uploadConn); it
	// holds the request head.
	t.WriteBufferSize = 64 << 10
	t.ReadBufferSize = 64 << 10
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &uploadConn{Conn: c}, nil
	}
	return &http.Client{Transport: t}
})

// uploadConn is a connection of the upload client. net/http copies a
// request body into the connection with io.Copy through an
// *io.LimitedReader, which hides the body's WriteTo and so reads it 32 KiB
// at a time into a buffer of its own. uploadConn's ReadFrom finds the body
// behind the LimitedReader and lets it write its buffers to the socket
// directly: one copy fewer and an eighth of the system calls on a fast
// link. Any other reader (or a TLS connection above this one, which
// writes records of its own) takes the usual path.
type uploadConn struct{ net.Conn }

// exactBody is a body that writes itself (WriteTo) and knows how many
// bytes it has left, so that it never writes past the request's length.
type exactBody interface {
	io.WriterTo
	unsent() int64
}

func (c *uploadConn) ReadFrom(r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if b, ok := lr.R.(exactBody); ok && b.unsent() == lr.N {
			n, err := b.WriteTo(c.Conn)
			lr.N -= n
			return n, err
		}
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// CloseWrite half-closes the connection when the one below can.
func (c *uploadConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// httpClient returns c, or the default client, with redirects turned off.
func httpClient(c *http.Client) *http.Client {
	if c == nil {
		c = defaultClient()
	}
	noRedirect := *c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &noRedirect
}

// trimETag removes the quotes (and a weak marker) around an ETag.
func trimETag(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "W/")
	return strings.Trim(s, `"`)
}

func isMD5Hex(s string) bool {
	if len(s) != 2*md5.Size {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func base64MD5(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }
