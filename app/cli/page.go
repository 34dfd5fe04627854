package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/assets/web"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "page", summary: "save or publish the browser upload page that page links open", run: runPage})
}

const pageSynopsis = `save FILE | publish [--profile P] [--region R] [--endpoint URL] [--bucket B]

The upload page is one HTML file with no outside script: a person opens
PAGE-URL#<share link> (the page link) on a phone or in any browser, sees
what the link allows, and uploads a file straight to OSS. The link stays
after #, which browsers never send to a server.

  save FILE   writes the page to FILE (never replacing one), for any web host
  publish     puts it into the bucket at ` + bucket.PageKey + `, readable by anyone

Since 2018 OSS makes browsers download HTML from its default domains
(*.aliyuncs.com) instead of showing it: the page renders from a custom domain
bound to the bucket (https://DOMAIN/` + bucket.PageKey + `), and links signed for
that domain are on the same address, so they need no CORS rule. A page on
any other host needs one: 'ossdrop cors allow ORIGIN'.

Then set it as the profile's page ('ossdrop profile page NAME URL', or
--page-url on presign): presign prints the page link, and --qr encodes it.
The sandbox serves its own page at ` + sandbox.PagePath + `.`

func runPage(args []string, env *Env) int {
	fs := newFlags(env, "page", pageSynopsis)
	target := addTargetFlags(fs)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	switch {
	case fs.Arg(0) == "save" && fs.NArg() == 2:
		return savePage(env, fs.Arg(1))
	case fs.Arg(0) == "publish" && fs.NArg() == 1:
	default:
		return invalid(env, "'ossdrop page' takes save FILE or publish", "run 'ossdrop page --help'")
	}
	c, code, ok := target.client(env, "page")
	if !ok {
		return code
	}
	pub, err := c.PublishPage(context.Background(), web.UploadPage(), web.ContentType)
	if err != nil {
		return bucketFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "Published the upload page: %s\n", pub.URL)
	if pub.DefaultDomain {
		fmt.Fprintln(env.Stdout, "\nNote: this address is on OSS's default domain, where OSS makes browsers download HTML")
		fmt.Fprintln(env.Stdout, "instead of showing it (since 2018). Bind a custom domain to the bucket and use")
		fmt.Fprintf(env.Stdout, "https://YOUR-DOMAIN/%s as the page: links signed for that domain are on the\n", bucket.PageKey)
		fmt.Fprintln(env.Stdout, "same address and need no CORS rule.")
		return ExitOK
	}
	name := cmp.Or(target.creds.resolved.Name, "NAME")
	if name == credentials.EnvironmentProfile {
		name = "NAME"
	}
	fmt.Fprintf(env.Stdout, "\nUse it for the links of a profile: ossdrop profile page %s %s\n", name, pub.URL)
	return ExitOK
}

func savePage(env *Env, path string) int {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return failed(env, path+" is a folder", "give a file name in it, such as "+filepath.Join(path, "upload.html"))
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return failed(env, "the file "+path+" already exists", "choose another file name, or remove the file")
	}
	if err != nil {
		return failed(env, fmt.Sprintf("cannot write the page: %v", err), "")
	}
	if _, err := out.Write(web.UploadPage()); err != nil {
		out.Close()
		os.Remove(path)
		return failed(env, fmt.Sprintf("cannot write the page to %s: %v", path, err), "")
	}
	if err := out.Close(); err != nil {
		os.Remove(path)
		return failed(env, fmt.Sprintf("cannot write the page to %s: %v", path, err), "")
	}
	fmt.Fprintf(env.Stdout, "Wrote the upload page to %s. Put it on any web host, set its address as the profile's page,\nand allow that host's origin: ossdrop cors allow https://YOUR-PAGE-HOST\n", path)
	return ExitOK
}

// presignPageLink is the page link of an upload link on page (the
// --page-url, the profile's page, or the sandbox's); empty without a page
// or for a download link.
func presignPageLink(link *signing.Link, page string) (string, error) {
	if link.Method != signing.MethodPut || page == "" {
		return "", nil
	}
	return link.PageLink(page)
}

// sandboxPageURL is the sandbox's own upload page when req's endpoint is a
// plain-HTTP loopback address, where the sandbox runs (a real OSS endpoint
// never does): the page is then on the same address as the links.
func sandboxPageURL(req signing.Request) string {
	if req.EndpointKind != signing.EndpointCustom {
		return ""
	}
	u, err := url.Parse(req.Endpoint)
	if err != nil || u.Scheme != "http" {
		return ""
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return ""
	}
	return "http://" + u.Host + sandbox.PagePath
}

// printAudience prints the page link of an upload or request link, and
// says which form goes to whom. plainURL says a plain URL was printed
// (a PUT link's; a request link has only its form), which a browser
// cannot use alone.
func printAudience(env *Env, pageLink string, plainURL bool) {
	w := env.Stdout
	if pageLink == "" {
		fmt.Fprintln(w, "\nTo a script, give the curl command. For a person with a phone or a browser, set an upload")
		if plainURL {
			fmt.Fprintln(w, "page ('ossdrop page --help'): the plain URL alone, opened in a browser, only shows an XML error.")
		} else {
			fmt.Fprintln(w, "page ('ossdrop page --help'), which fills in the form for them.")
		}
		return
	}
	fmt.Fprintf(w, "\nPage link, for a person (opens an upload page in any browser, a phone's too):\n  %s\n", pageLink)
	fmt.Fprintln(w, "\nSend the page link (or its QR code) to a person, and the curl command to a script.")
	if plainURL {
		fmt.Fprintln(w, "The plain URL alone, opened in a browser, only shows an XML error.")
	}
}

// qrWhat names what a --qr code holds.
func qrWhat(pageLink string) string {
	if pageLink != "" {
		return "page link"
	}
	return "share link"
}
