package cli

import (
	"context"
	"fmt"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "cors", summary: "show a bucket's CORS rules, or allow browser uploads from an upload page", run: runCORS})
}

const corsSynopsis = `show|allow [ORIGIN] [--profile P] [--region R] [--endpoint URL] [--bucket B]

A browser uploads to a bucket from a page on another address (origin) only
when one of the bucket's CORS rules allows that origin. 'cors show' lists
the rules; 'cors allow ORIGIN' adds one for an upload page at ORIGIN
(https://host[:port], or the page's full URL): PUT and POST, the headers
links are signed with, and ETag, x-oss-request-id and x-oss-hash-crc64ecma
exposed so the page can check what was stored. The rules already there are
kept (OSS replaces the whole set on every change, so they are read, the new
rule is put first, and all are written and read back). Without ORIGIN, the
profile's upload page is allowed.

A page on a custom domain bound to the bucket, or the sandbox's own page,
is on the same address as the links and needs no rule.

Credentials and the bucket come from the same flags and profile as presign.

Examples:
  ossdrop cors show --profile work
  ossdrop cors allow https://files.example.com --profile work --bucket reports`

func runCORS(args []string, env *Env) int {
	fs := newFlags(env, "cors", corsSynopsis)
	target := addTargetFlags(fs)
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	verb := fs.Arg(0)
	switch {
	case verb == "show" && fs.NArg() == 1, verb == "allow" && fs.NArg() <= 2:
	case verb == "":
		return invalid(env, "'ossdrop cors' needs show or allow", "run 'ossdrop cors --help'")
	default:
		return invalid(env, fmt.Sprintf("'ossdrop cors' takes show, or allow [ORIGIN], not %q", fs.Args()), "run 'ossdrop cors --help'")
	}
	c, code, ok := target.client(env, "cors")
	if !ok {
		return code
	}
	ctx := context.Background()
	if verb == "show" {
		rules, err := c.CORSRules(ctx)
		if err != nil {
			return bucketFailure(env, err)
		}
		if len(rules) == 0 {
			fmt.Fprintf(env.Stdout, "The bucket %s has no CORS rules: a page on another address cannot upload to it.\n", c.Bucket())
			fmt.Fprintln(env.Stdout, "Allow an upload page with: ossdrop cors allow https://YOUR-PAGE-HOST")
			return ExitOK
		}
		fmt.Fprintf(env.Stdout, "CORS rules of the bucket %s (%d of at most %d; the first that matches is used):\n", c.Bucket(), len(rules), bucket.MaxCORSRules)
		printRules(env, rules)
		return ExitOK
	}

	origin, code, ok := corsOrigin(env, fs.Arg(1), target.creds.resolved.PageURL)
	if !ok {
		return code
	}
	res, err := c.AllowOrigin(ctx, origin)
	if err != nil {
		return bucketFailure(env, err)
	}
	if res.Added {
		fmt.Fprintf(env.Stdout, "Browsers may now upload to the bucket %s from pages on %s. Its CORS rules:\n", c.Bucket(), origin)
	} else {
		fmt.Fprintf(env.Stdout, "Nothing to change: the first CORS rule of the bucket %s already allows uploads from %s.\n", c.Bucket(), origin)
	}
	printRules(env, res.Rules)
	return ExitOK
}

// corsOrigin reads ORIGIN, a page URL standing for its origin, or, when it
// is empty, the profile's upload page.
func corsOrigin(env *Env, arg, profilePage string) (origin string, code int, ok bool) {
	from := arg
	if from == "" {
		from = profilePage
	}
	if from == "" {
		return "", invalid(env, "'ossdrop cors allow' needs the ORIGIN of the upload page, and the profile names no upload page",
			"give it, e.g. 'ossdrop cors allow https://files.example.com', or set the profile's page with 'ossdrop profile page NAME URL'"), false
	}
	origin, err := signing.PageOrigin(from)
	if err != nil {
		return "", invalid(env, fmt.Sprintf("%q is not the address of a page: give its origin, such as https://files.example.com", from), ""), false
	}
	if origin != from {
		fmt.Fprintf(env.Stdout, "Allowing the origin %s (of %s).\n", origin, from)
	}
	return origin, ExitOK, true
}

func printRules(env *Env, rules []bucket.CORSRule) {
	for i, r := range rules {
		fmt.Fprintf(env.Stdout, "  %d. %s\n", i+1, r)
	}
}
