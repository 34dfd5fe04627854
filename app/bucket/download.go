package bucket

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/ossdrop/ossdrop/signing/message"

	"github.com/ossdrop/ossdrop/app/osscrc"
)

// Errors a download wraps, for callers that test them with errors.Is.
var (
	// ErrExists: the destination file exists and replacing it was not allowed.
	ErrExists = fs.ErrExist
	// ErrChecksum: the bytes received do not match the object's CRC-64.
	ErrChecksum = errors.New("downloaded bytes do not match the object's CRC-64")
)

// DownloadOptions tune Download.
type DownloadOptions struct {
	// Overwrite replaces an existing file at the destination. Without it an
	// existing file is refused (ErrExists), also one that appears while the
	// download runs.
	Overwrite bool
	// Progress is called as bytes arrive, with the bytes so far and the
	// object's size; on the downloading goroutine, so it must be quick.
	Progress func(written, total int64)
}

// Downloaded is a finished download.
type Downloaded struct {
	ObjectInfo
	// Path is the file written.
	Path string
	// CRCChecked says the bytes were compared with the server's CRC-64 (the
	// server sent one); a mismatch is an error, never a Downloaded.
	CRCChecked bool
}

// Download fetches key into the file dest with GetObject. The bytes go to
// a temporary file beside dest, their CRC-64 is compared with the
// server's, and only a complete, matching file is renamed to dest: a
// failed or cancelled download leaves nothing behind and never damages a
// file that was there.
func (c *Client) Download(ctx context.Context, key, dest string, opts DownloadOptions) (*Downloaded, error) {
	what := message.New("download %s/%s", c.bucket, key)
	if !opts.Overwrite {
		if _, err := os.Lstat(dest); err == nil {
			return nil, existsError(dest)
		}
	}
	// GetObject hands back the body as it arrives (the SDK's ProgressFn
	// serves only its file helpers), so progress is counted here.
	res, err := c.sdk.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(c.bucket), Key: oss.Ptr(key)})
	if err != nil {
		return nil, c.explainObject(what, key, err)
	}
	defer res.Body.Close()

	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return nil, localError(dest, err)
	}
	placed := false
	defer func() {
		if !placed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	crc := osscrc.New()
	sinks := []io.Writer{tmp, crc}
	if opts.Progress != nil {
		sinks = append(sinks, &progressWriter{total: res.ContentLength, report: opts.Progress})
	}
	n, err := io.Copy(io.MultiWriter(sinks...), res.Body)
	if err == nil {
		// Bytes already buffered can finish the copy after a cancel; the
		// caller said stop, so nothing is kept.
		err = ctx.Err()
	}
	if err != nil {
		if isWriteError(err, tmp) {
			return nil, localError(dest, err)
		}
		return nil, c.explainObject(what, key, err)
	}
	if res.ContentLength >= 0 && n != res.ContentLength {
		return nil, &Error{Sentence: message.New("The download of %s stopped after %d of %d bytes: nothing was saved.", key, n, res.ContentLength),
			Hint: message.New("Try again."), Err: io.ErrUnexpectedEOF}
	}
	d := &Downloaded{Path: dest, ObjectInfo: ObjectInfo{Key: key, Size: n, ETag: trimQuotes(oss.ToString(res.ETag)),
		CRC64: oss.ToString(res.HashCRC64), ContentType: oss.ToString(res.ContentType)}}
	if res.LastModified != nil {
		d.LastModified = *res.LastModified
	}
	if d.CRC64 != "" {
		want, perr := strconv.ParseUint(d.CRC64, 10, 64)
		if perr != nil || want != crc.Sum64() {
			return nil, &Error{Sentence: message.New("The bytes received for %s do not match its CRC-64 (%s on the server, %d received): nothing was saved.", key, d.CRC64, crc.Sum64()),
				Hint: message.New("Try again; if it happens again, the connection is changing the data."), Err: ErrChecksum}
		}
		d.CRCChecked = true
	}
	if err := tmp.Chmod(0o644); err != nil {
		return nil, localError(dest, err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, localError(dest, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, localError(dest, err)
	}
	if !d.LastModified.IsZero() {
		_ = os.Chtimes(tmp.Name(), time.Now(), d.LastModified) // a nicety: the file shows when it arrived
	}
	if err := place(tmp.Name(), dest, opts.Overwrite); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, existsError(dest)
		}
		return nil, localError(dest, err)
	}
	placed = true
	return d, nil
}

// progressWriter counts the bytes written through it and reports them.
type progressWriter struct {
	written, total int64
	report         func(written, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.written += int64(len(b))
	p.report(p.written, p.total)
	return len(b), nil
}

// place moves the finished file to dest. Without overwrite it links the
// file to dest, which fails if dest exists, atomically, so a file that
// appeared meanwhile is never replaced; where the file system cannot link
// (FAT, some network shares) it checks and renames.
func place(tmp, dest string, overwrite bool) error {
	if overwrite {
		return os.Rename(tmp, dest)
	}
	err := os.Link(tmp, dest)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(dest); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, dest)
}

// isWriteError reports whether a copy failed on the local file (a full
// disk) rather than on the network: only the file's own errors name its path.
func isWriteError(err error, f *os.File) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Path == f.Name()
}

func existsError(dest string) error {
	return &Error{Sentence: message.New("%s already exists.", dest), Hint: message.New("Choose another name, or say that it may be replaced."), Err: ErrExists}
}

func localError(dest string, err error) error {
	return &Error{Sentence: message.New("Could not save the download as %s.", dest),
		Hint: message.New("Choose a folder you can write to, with enough free space."), Err: err}
}
