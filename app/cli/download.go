package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "download", summary: "download an object with your credentials and check its CRC-64", run: runDownload})
}

const downloadSynopsis = `LINK|KEY [DEST] [--profile P] [--bucket B] [--force] [--json]

Downloads an object with the owner's credentials (--profile, or
OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN, else the
default profile) using the OSS SDK's GetObject, and checks the bytes against
the CRC-64 the server reports. LINK is any link to the object (the share
link you sent, a presigned URL, a plain object URL): it says the endpoint,
the bucket and the key. A KEY is read from --bucket, or the profile's
bucket, at the profile's endpoint.

DEST is a file name or an existing folder; without it, the key's file name
in the current folder. An existing file is never replaced without --force:
the bytes go to a temporary file beside DEST, which becomes DEST only when
complete and verified.

Examples:
  ossdrop download 'https://reports.oss-cn-hangzhou.aliyuncs.com/in/q3.pdf?x-oss-…' ~/Downloads/
  ossdrop download --profile work in/acme/q3.pdf`

func runDownload(args []string, env *Env) int {
	fs := newFlags(env, "download", downloadSynopsis)
	var ef endpointFlags // the same endpoint flags as presign, for a KEY
	ef.add(fs)
	force := fs.Bool("force", false, "replace DEST if it exists")
	asJSON := fs.Bool("json", false, "print one JSON object")
	creds := addCredentialFlags(fs)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return invalid(env, "'ossdrop download' takes a link or an object key, and optionally where to save it", "ossdrop download 'https://…' [DEST], or ossdrop download --bucket B in/q3.pdf [DEST]")
	}
	req, err := ef.request()
	if err != nil {
		return invalid(env, err.Error(), "run 'ossdrop download --help'")
	}
	arg := strings.TrimSpace(fs.Arg(0))
	var fromLink *signing.Request
	if strings.Contains(arg, "://") {
		at, err := signing.LinkEndpoint(arg)
		if err != nil {
			e := linkErrorOutput(err)
			return invalid(env, e.Message, cmp.Or(e.Hint, "pass the whole link, or an object key with --bucket"))
		}
		if ef.endpoint != "" || ef.internal || ef.accelerate || ef.pathStyle {
			return invalid(env, "--endpoint, --internal, --accelerate and --path-style are for a KEY: a link says where it goes", "leave them out")
		}
		if at.Key == "" || strings.HasSuffix(at.Key, "/") {
			return folderLink(env, arg, at)
		}
		fromLink, req.Key = &at, at.Key
	} else {
		req.Key = arg
	}
	if req.Key == "" || strings.HasSuffix(req.Key, "/") {
		return invalid(env, fmt.Sprintf("%q names a folder, not an object", termSafe(arg)), "give the whole object key, such as in/acme/q3.pdf")
	}
	if err := creds.resolve(env, &req); err != nil {
		return credentialFailure(env, err)
	}
	if fromLink != nil {
		// The link wins over the profile's defaults: it is where the object is.
		req.EndpointKind, req.Endpoint, req.PathStyle = fromLink.EndpointKind, fromLink.Endpoint, fromLink.PathStyle
		if fromLink.Region != "" {
			req.Region = fromLink.Region
		}
		if fromLink.Bucket != "" {
			req.Bucket = fromLink.Bucket
		}
	}
	switch {
	case req.Bucket == "" && fromLink != nil:
		return invalid(env, fmt.Sprintf("the link is on the custom domain %s, which does not say which bucket it serves", fromLink.Endpoint),
			"add --bucket with the bucket bound to that domain")
	case req.Bucket == "" && req.Credentials.FromEnvironment: // no profile to set it in
		return invalid(env, fmt.Sprintf("no bucket to download %s from", termSafe(req.Key)), "add --bucket B")
	case req.Bucket == "":
		return invalid(env, fmt.Sprintf("no bucket to download %s from", termSafe(req.Key)), "add --bucket B, or set the profile's bucket ('ossdrop profile add … --bucket B')")
	case signing.NormalizeRegion(req.Region) == "" && req.Credentials.FromEnvironment:
		return invalid(env, "no region to sign the download with", "add --region, such as cn-hangzhou")
	case signing.NormalizeRegion(req.Region) == "":
		return invalid(env, "no region to sign the download with", "add --region, such as cn-hangzhou, or set the profile's region")
	}
	if fes := signing.FieldErrors(req.Validate(env.Now())); len(fes) > 0 {
		for _, fe := range fes {
			if fe.Field == signing.FieldRegion || fe.Field == signing.FieldEndpoint || fe.Field == signing.FieldBucket {
				return invalid(env, fe.Msg, "")
			}
		}
	}
	dest, err := downloadDest(fs.Arg(1), req.Key)
	if err != nil {
		return invalid(env, err.Error(), "")
	}

	c, err := bucket.New(req)
	if err != nil {
		return bucketFailure(env, err)
	}
	opts := bucket.DownloadOptions{Overwrite: *force}
	var bar *progressbar.ProgressBar
	if env.StdoutIsTerminal && !*asJSON {
		bar = newTransferBar(env.Stdout, path.Base(req.Key), -1)
		opts.Progress = func(written, total int64) {
			if bar.GetMax64() != total {
				bar.ChangeMax64(total)
			}
			_ = bar.Set64(written) // a bar that cannot draw must not stop the download
		}
	}
	ctx, stop := env.context()
	defer stop()
	start := time.Now()
	d, err := c.Download(ctx, req.Key, dest, opts)
	if bar != nil {
		_ = bar.Clear()
	}
	if err != nil {
		return downloadFailure(env, err)
	}
	if *asJSON {
		return printJSON(env, downloadOutput{Path: d.Path, Bucket: req.Bucket, Key: d.Key, Size: d.Size, ETag: d.ETag,
			CRC64: d.CRC64, CRCVerified: d.CRCChecked, ContentType: d.ContentType})
	}
	check := "CRC-64 matches the server's"
	if !d.CRCChecked {
		check = "the server sent no CRC-64 to compare"
	}
	fmt.Fprintf(env.Stdout, "Downloaded %s/%s (%s) to %s in %s; %s.\n", req.Bucket, termSafe(d.Key), upload.FormatSize(d.Size), termSafe(d.Path),
		time.Since(start).Round(time.Millisecond), check)
	return ExitOK
}

// folderLink refuses a link that names no one object (a request link, or
// a link to a folder or the bucket), saying which folder it is about
// rather than echoing the whole link.
func folderLink(env *Env, arg string, at signing.Request) int {
	where := at.Bucket + "/" + at.Key
	if in, err := signing.Inspect(arg, env.Now()); err == nil && in.Request != nil {
		l := in.Request
		if l.Key != "" { // a request link for one named file
			return invalid(env, fmt.Sprintf("this request link is for uploading %s/%s; it does not download it", l.Bucket, termSafe(l.Key)),
				fmt.Sprintf("download the file by its key: ossdrop download --bucket %s %s", l.Bucket, termSafe(l.Key)))
		}
		return invalid(env, fmt.Sprintf("this request link takes many files into %s/%s, so it names no one object to download", l.Bucket, termSafe(l.Prefix)),
			fmt.Sprintf("'ossdrop status' lists the files received; download one by its key: ossdrop download --bucket %s %sFILE", l.Bucket, termSafe(l.Prefix)))
	}
	return invalid(env, fmt.Sprintf("the link is to %s, a folder or the bucket itself, not an object", termSafe(where)), "give the link to one object, or its key with --bucket")
}

// downloadDest is where a download goes: arg as a file, inside arg when
// it is a folder, or the key's file name in the current folder.
func downloadDest(arg, key string) (string, error) {
	name := path.Base(key)
	if name == "." || name == ".." || name == "/" {
		return "", fmt.Errorf("the key %q has no usable file name: give DEST", key)
	}
	if arg == "" {
		return name, nil
	}
	if info, err := os.Stat(arg); err == nil && info.IsDir() {
		return filepath.Join(arg, name), nil
	}
	if strings.HasSuffix(arg, string(os.PathSeparator)) || strings.HasSuffix(arg, "/") {
		return "", fmt.Errorf("the folder %s does not exist", arg)
	}
	return arg, nil
}

// downloadFailure prints why a download failed; a file in the way gets
// the command line's own hint.
func downloadFailure(env *Env, err error) int {
	var e *bucket.Error
	if errors.Is(err, bucket.ErrExists) && errors.As(err, &e) {
		return failed(env, e.Sentence.String(), "add --force to replace it, or give another DEST")
	}
	return bucketFailure(env, err)
}

// downloadOutput is the --json form of a finished download.
type downloadOutput struct {
	Path   string `json:"path"`
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
	// CRC64 is decimal text, as in 'ossdrop upload --json'.
	CRC64       string `json:"crc64"`
	CRCVerified bool   `json:"crc64_verified"`
	ContentType string `json:"content_type"`
}

// newTransferBar is the terminal progress bar of a transfer; total -1
// until the size is known.
func newTransferBar(w io.Writer, name string, total int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(65*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
}
