package sandbox

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxObjectSize is the most one PUT may carry: 5 GiB, as on OSS.
const MaxObjectSize int64 = 5 << 30

// ErrNotFound says an object does not exist.
var ErrNotFound = errors.New("no such object")

// Conditions put reports and the server turns into OSS error codes.
var (
	errExists     = errors.New("object exists and overwrite is forbidden")
	errIncomplete = errors.New("body shorter than Content-Length")
	// errStorage is the server's own failure to write (a full disk): never
	// the uploader's fault.
	errStorage  = errors.New("writing the object failed")
	errTooLarge = errors.New("body larger than 5 GiB")
	errMD5      = errors.New("body does not match Content-MD5")
	errSHA256   = errors.New("body does not match x-oss-content-sha256")
)

// ObjectInfo is what the sandbox knows about a stored object.
type ObjectInfo struct {
	Bucket string `json:"bucket"`
	// Key is the object key exactly as uploaded.
	Key  string `json:"key"`
	Size int64  `json:"size"`
	// ETag is the quoted upper-case MD5 hex, as OSS returns it for a simple PUT.
	ETag string `json:"etag"`
	// ContentMD5 is the Base64 MD5 of the bytes.
	ContentMD5 string `json:"content_md5"`
	// CRC64 is the decimal CRC-64/ECMA of the bytes (x-oss-hash-crc64ecma).
	CRC64       string `json:"crc64ecma"`
	ContentType string `json:"content_type"`
	// Metadata holds user metadata, names lowercase without "x-oss-meta-".
	Metadata     map[string]string `json:"metadata,omitempty"`
	StorageClass string            `json:"storage_class"`
	ACL          string            `json:"acl"`
	LastModified time.Time         `json:"last_modified"`
}

// sidecar is the JSON file beside an object's bytes. Renaming it into place
// is the commit point: it names the data file, so a reader never sees new
// metadata with old bytes or a half-written file.
type sidecar struct {
	ObjectInfo
	// Data is the base name of the file holding the bytes.
	Data string `json:"data"`
}

// store keeps objects on disk:
//
//	dir/tmp/                        uploads in progress
//	dir/buckets/<bucket>/<h>.json   sidecar (key, metadata, checksums)
//	dir/buckets/<bucket>/<h>.<rnd>  the bytes
//
// <h> is the hex SHA-256 of the key, so no key, however odd ("../x", "a/",
// "%2e"), ever becomes part of a path; the bucket name is checked against
// OSS's rules (lowercase letters, digits, hyphens) before it is used.
type store struct {
	dir string
	now func() time.Time
	// mu serializes commits, so forbid-overwrite checks and renames of one
	// key cannot interleave. Streaming bodies happens outside it. Across
	// processes the directory lock (dirlock.go) keeps the store to one server.
	mu sync.Mutex
	// createTemp makes an upload's temporary file; createTempFile but in tests.
	createTemp func(dir, pattern string) (tempFile, error)
}

func newStore(dir string, now func() time.Time) (*store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox directory %s: %w", dir, err)
	}
	s := &store{dir: abs, now: now, createTemp: createTempFile}
	for _, d := range []string{s.tmpDir(), filepath.Join(abs, "buckets")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("create sandbox directory: %w", err)
		}
	}
	return s, nil
}

// tempFile is what put writes an upload into: an *os.File, or in tests a
// file that fails as a full disk does.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

func createTempFile(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

func (s *store) tmpDir() string { return filepath.Join(s.dir, "tmp") }

// DefaultDir is where the sandbox keeps its objects unless told otherwise:
// the user's cache directory (~/.cache/ossdrop/sandbox on Linux,
// %LocalAppData%\ossdrop\sandbox on Windows, not the roaming AppData,
// since uploads can be large and are only ever test data).
func DefaultDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory for the sandbox: %w", err)
	}
	return filepath.Join(cache, "ossdrop", "sandbox"), nil
}

// bucketDir returns the bucket's directory, refusing names that are not
// OSS bucket names (and so could not be safe path elements).
func (s *store) bucketDir(bucket string) (string, error) {
	if !validBucket(bucket) {
		return "", fmt.Errorf("bucket %q: %w", bucket, ErrNotFound)
	}
	return filepath.Join(s.dir, "buckets", bucket), nil
}

func keyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// putInput is one object to store.
type putInput struct {
	Bucket, Key string
	// Size is the declared Content-Length, or -1 when the body is chunked.
	Size int64
	// MD5 and SHA256, when set, are digests the body must match.
	MD5, SHA256     []byte
	ForbidOverwrite bool
	ContentType     string
	Metadata        map[string]string
	StorageClass    string
	ACL             string
}

// exists reports whether bucket/key has a committed object.
func (s *store) exists(bucket, key string) bool {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, keyHash(key)+".json"))
	return err == nil
}

// put streams body to a temporary file and commits it only when it is
// complete and matches its digests. On any error nothing is visible.
func (s *store) put(in putInput, body io.Reader) (*ObjectInfo, error) {
	return s.putFrom(in, readerSource{io.LimitReader(body, MaxObjectSize+1)})
}

// putFrom is put from a source: a form's file part streams this way
// without being copied out of the buffers it was read into.
func (s *store) putFrom(in putInput, src source) (*ObjectInfo, error) {
	dir, err := s.bucketDir(in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.ForbidOverwrite && s.exists(in.Bucket, in.Key) {
		return nil, errExists // before reading a byte, as OSS answers at once
	}
	tmp, err := s.createTemp(s.tmpDir(), "put-*")
	if err != nil {
		return nil, fmt.Errorf("store %s/%s: %w: %w", in.Bucket, in.Key, errStorage, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	got := ingest(&diskWriter{f: tmp}, src, in.SHA256 != nil)
	n := got.n
	switch {
	case got.writeErr != nil:
		return nil, fmt.Errorf("store %s/%s after %d bytes: %w: %w", in.Bucket, in.Key, n, errStorage, got.writeErr)
	case got.readErr != nil:
		return nil, fmt.Errorf("store %s/%s after %d bytes: %w: %w", in.Bucket, in.Key, n, errIncomplete, got.readErr)
	case n > MaxObjectSize:
		return nil, errTooLarge
	case in.Size >= 0 && n != in.Size:
		return nil, fmt.Errorf("store %s/%s: got %d of %d bytes: %w", in.Bucket, in.Key, n, in.Size, errIncomplete)
	case in.MD5 != nil && !bytes.Equal(got.md5, in.MD5):
		return nil, errMD5
	case in.SHA256 != nil && !bytes.Equal(got.sha256, in.SHA256):
		return nil, errSHA256
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("store %s/%s: sync: %w: %w", in.Bucket, in.Key, errStorage, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("store %s/%s: close: %w: %w", in.Bucket, in.Key, errStorage, err)
	}

	sum := got.md5
	meta := sidecar{ObjectInfo: ObjectInfo{
		Bucket: in.Bucket, Key: in.Key, Size: n,
		ETag:        `"` + strings.ToUpper(hex.EncodeToString(sum)) + `"`,
		ContentMD5:  base64.StdEncoding.EncodeToString(sum),
		CRC64:       strconv.FormatUint(got.crc, 10),
		ContentType: in.ContentType, Metadata: in.Metadata,
		StorageClass: in.StorageClass, ACL: in.ACL,
		LastModified: s.now().UTC().Truncate(time.Second),
	}}
	if err := s.commit(dir, tmp.Name(), &meta, in.ForbidOverwrite); err != nil {
		return nil, err
	}
	committed = true
	return &meta.ObjectInfo, nil
}

// commit moves the finished data file into the bucket and then renames the
// sidecar over the old one; only that last rename makes the object visible.
func (s *store) commit(dir, tmpData string, meta *sidecar, forbidOverwrite bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store %s/%s: %w", meta.Bucket, meta.Key, err)
	}
	h := keyHash(meta.Key)
	sidecarPath := filepath.Join(dir, h+".json")
	old, oldErr := readSidecar(sidecarPath)
	if forbidOverwrite && oldErr == nil {
		return errExists
	}
	meta.Data = h + "." + randomHex(8)
	dataPath := filepath.Join(dir, meta.Data)
	if err := os.Rename(tmpData, dataPath); err != nil {
		return fmt.Errorf("store %s/%s: %w", meta.Bucket, meta.Key, err)
	}
	if err := writeSidecar(s.tmpDir(), sidecarPath, meta); err != nil {
		os.Remove(dataPath)
		return fmt.Errorf("store %s/%s: %w", meta.Bucket, meta.Key, err)
	}
	syncDir(dir)
	if oldErr == nil && old.Data != meta.Data {
		// A reader that opened the old bytes keeps its handle (on POSIX);
		// where removal fails (Windows, file open) the old file is orphaned.
		_ = os.Remove(filepath.Join(dir, filepath.Base(old.Data)))
	}
	return nil
}

// open returns an object's information and its bytes; the caller closes f.
func (s *store) open(bucket, key string) (*ObjectInfo, *os.File, error) {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return nil, nil, err
	}
	// An overwrite between reading the sidecar and opening the data removes
	// the old data file; reading the new sidecar again then succeeds.
	for range 3 {
		meta, err := readSidecar(filepath.Join(dir, keyHash(key)+".json"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s/%s: %w", bucket, key, ErrNotFound)
		}
		if err != nil {
			return nil, nil, err
		}
		if meta.Key != key || meta.Bucket != bucket {
			return nil, nil, fmt.Errorf("%s/%s: %w", bucket, key, ErrNotFound)
		}
		f, err := os.Open(filepath.Join(dir, filepath.Base(meta.Data)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("open %s/%s: %w", bucket, key, err)
		}
		return &meta.ObjectInfo, f, nil
	}
	return nil, nil, fmt.Errorf("open %s/%s: the object kept changing", bucket, key)
}

// bucketNames returns the name of every bucket the store holds, sorted.
func (s *store) bucketNames() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "buckets"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, b := range entries {
		if b.IsDir() && validBucket(b.Name()) {
			names = append(names, b.Name())
		}
	}
	return names, nil
}

// list returns every stored object, sorted by bucket and key.
func (s *store) list() ([]ObjectInfo, error) {
	names, err := s.bucketNames()
	if err != nil {
		return nil, fmt.Errorf("list objects: %w", err)
	}
	var out []ObjectInfo
	for _, name := range names {
		objects, err := s.listBucket(name)
		if err != nil {
			return nil, err
		}
		out = append(out, objects...)
	}
	return out, nil
}

// listBucket returns a bucket's objects sorted by key (byte order, as OSS
// lists them); a bucket that has never held an object is empty.
func (s *store) listBucket(bucket string) ([]ObjectInfo, error) {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return nil, err
	}
	files, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", bucket, err)
	}
	var out []ObjectInfo
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		meta, err := readSidecar(filepath.Join(dir, f.Name()))
		if err != nil || meta.Bucket != bucket {
			continue // being replaced or removed right now
		}
		out = append(out, meta.ObjectInfo)
	}
	slices.SortFunc(out, func(a, b ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// remove deletes an object: the sidecar goes first, which makes the object
// invisible at once, then its bytes. A missing object is not an error, as
// OSS answers 204 for it too.
func (s *store) remove(bucket, key string) error {
	dir, err := s.bucketDir(bucket)
	if err != nil {
		return nil // no such bucket directory: nothing stored there
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sidecarPath := filepath.Join(dir, keyHash(key)+".json")
	meta, err := readSidecar(sidecarPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	if meta.Key != key || meta.Bucket != bucket {
		return nil
	}
	if err := os.Remove(sidecarPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	syncDir(dir)
	// A reader that opened the bytes keeps its handle (on POSIX); where
	// removal fails (Windows, file open) the bytes are orphaned, unseen.
	_ = os.Remove(filepath.Join(dir, filepath.Base(meta.Data)))
	return nil
}

func readSidecar(path string) (*sidecar, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var meta sidecar
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return &meta, nil
}

// writeSidecar writes meta to a temporary file, syncs it and renames it to
// path, so the sidecar is either the old one or the complete new one.
func writeSidecar(tmpDir, path string, meta *sidecar) error {
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sidecar: %w", err)
	}
	f, err := os.CreateTemp(tmpDir, "meta-*")
	if err != nil {
		return err
	}
	_, err = f.Write(raw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write sidecar: %w", err)
	}
	return nil
}

// syncDir makes renames in dir durable; not all systems can sync a
// directory (Windows cannot), and that is not worth failing an upload for.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	return hex.EncodeToString(b)
}

var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// validBucket checks OSS's bucket naming rules.
func validBucket(name string) bool { return bucketPattern.MatchString(name) }

// validKey checks OSS's object key rules: UTF-8, 1 to 1023 bytes, not
// starting with a slash or backslash.
func validKey(key string) bool {
	return key != "" && len(key) <= 1023 && utf8.ValidString(key) && key[0] != '/' && key[0] != '\\'
}
