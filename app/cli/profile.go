package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

func init() {
	register(command{name: "profile", summary: "manage credential profiles (secrets stay in the OS keychain)", run: runProfile})
}

// profileCommand is one verb of "ossdrop profile".
type profileCommand struct {
	name, args, summary string
	run                 func(args []string, env *Env) int
}

// profileCommands is filled in init because the verbs' help refers back to it.
var profileCommands []profileCommand

func init() {
	profileCommands = []profileCommand{
		{"add", "NAME --access-key-id ID --region REGION [flags]", "store a profile; its secret goes to the OS keychain", profileAdd},
		{"list", "", "list the profiles, never a secret", profileList},
		{"show", "NAME", "show one profile and whether its secret is in the keychain", profileShow},
		{"test", "[NAME] [--bucket B] [--offline]", "check the secret, the STS expiry, that a link signs, and that OSS takes the AccessKey", profileTest},
		{"rotate", "NAME [--access-key-id ID] [--sts-expires TIME]", "enter a new secret (also restores a missing one)", profileRotate},
		{"default", "NAME", "make NAME the default profile", profileDefault},
		{"page", "NAME [URL | --clear]", "show, set or clear the profile's browser upload page", profilePage},
		{"rename", "OLD NEW", "rename a profile and its keychain items", profileRename},
		{"remove", "NAME", "delete a profile and its keychain items", profileRemove},
	}
}

const profileIntro = `Profiles keep an AccessKey ID and link defaults (region, endpoint, bucket) in
profiles.json under your config directory, and the AccessKey secret and STS
token only in the OS keychain (service "ossdrop"). Secrets are read from the
terminal with echo off, or from standard input when it is piped (line 1: the
secret, line 2: the STS token); never from a flag.

Signing commands (presign) take credentials from, in order:
  1. --profile NAME
  2. OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN, if OSS_ACCESS_KEY_ID is set
     (shown as the profile "environment")
  3. the default profile
The profile's region, endpoint, bucket and path style fill in the flags left out.`

func runProfile(args []string, env *Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		profileUsage(env.Stdout)
		return ExitOK
	}
	for _, c := range profileCommands {
		if c.name == args[0] {
			return c.run(args[1:], env)
		}
	}
	return invalid(env, fmt.Sprintf("unknown profile command %q", args[0]), "run 'ossdrop profile --help' to see them")
}

func profileUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: ossdrop profile COMMAND [flags]\n\n%s\n\nCommands:\n", profileIntro)
	for _, c := range profileCommands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ossdrop profile COMMAND --help' for a command's flags.")
}

// profileFlagSet is newFlags for a verb, with its synopsis from the table.
func profileFlagSet(env *Env, verb, more string) (fs *pflag.FlagSet) {
	for _, c := range profileCommands {
		if c.name == verb {
			synopsis := c.args + "\n\n" + strings.ToUpper(c.summary[:1]) + c.summary[1:] + "."
			if more != "" {
				synopsis += "\n\n" + more
			}
			return newFlags(env, "profile "+verb, synopsis)
		}
	}
	panic("unknown profile verb " + verb)
}

// positional checks the number of arguments after the flags.
func positional(env *Env, fs *pflag.FlagSet, names ...string) (code int, ok bool) {
	if fs.NArg() == len(names) {
		return ExitOK, true
	}
	return invalid(env, fmt.Sprintf("'ossdrop %s' takes %s", fs.Name(), strings.Join(names, " ")),
		"run 'ossdrop "+fs.Name()+" --help'"), false
}

const addHelp = `Examples:
  ossdrop profile add work --access-key-id LTAI… --region cn-hangzhou --bucket uploads
  printf '%s\n%s\n' "$SECRET" "$TOKEN" | ossdrop profile add temp --sts --sts-expires 2026-12-01T18:00:00Z \
      --access-key-id STS.NExample --region cn-shanghai`

func profileAdd(args []string, env *Env) int {
	fs := profileFlagSet(env, "add", addHelp)
	f := addProfileFlags(fs)
	isDefault := fs.Bool("default", false, "make it the default profile (the first profile always is)")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "NAME"); !ok {
		return code
	}
	p := credentials.Profile{Name: fs.Arg(0), Kind: credentials.KindPermanent, Default: *isDefault}
	if err := f.apply(&p, env.Now()); err != nil {
		return invalid(env, err.Error(), "run 'ossdrop profile add --help'")
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if err := store.CanAdd(p); err != nil {
		return credentialFailure(env, err)
	}
	sec, err := readSecrets(env, p.Kind == credentials.KindSTS)
	if err != nil {
		return invalid(env, err.Error(), secretInputHint(p.Kind))
	}
	if err := store.Add(p, sec); err != nil {
		return credentialFailure(env, err)
	}
	if p, err = store.Get(p.Name); err != nil {
		return credentialFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "Added profile %s (%s, %s); its secret is in the OS keychain.\n", p.Name, credentials.MaskAccessKeyID(p.AccessKeyID), p.Kind)
	if p.Default {
		fmt.Fprintf(env.Stdout, "It is the default profile.\n")
	}
	return ExitOK
}

// profileFlags are the settings flags add shares with nothing else yet, kept
// together so their parsing is in one place.
type profileFlags struct {
	accessKeyID, region, endpoint, bucket, stsExpires, label string
	pageURL                                                  string
	pathStyle, sts                                           bool
}

func addProfileFlags(fs *pflag.FlagSet) *profileFlags {
	f := &profileFlags{}
	fs.StringVar(&f.accessKeyID, "access-key-id", "", "AccessKey ID (LTAI… or STS.…); the secret is asked for, never a flag")
	fs.StringVar(&f.region, "region", "", "region ID of the bucket, e.g. cn-hangzhou")
	fs.StringVar(&f.endpoint, "endpoint", "", "public (the default), internal, accelerate, or a custom endpoint such as http://127.0.0.1:9000")
	fs.StringVar(&f.bucket, "bucket", "", "default bucket")
	fs.BoolVar(&f.pathStyle, "path-style", false, "put the bucket in the path (/bucket/key), as the sandbox wants")
	fs.BoolVar(&f.sts, "sts", false, "temporary STS credentials: the token is read after the secret")
	fs.StringVar(&f.stsExpires, "sts-expires", "", "when the STS token expires: the Expiration of the AssumeRole response, or a duration such as 1h")
	fs.StringVar(&f.label, "label", "", "a note for yourself")
	fs.StringVar(&f.pageURL, "page-url", "", "address of your browser upload page ('ossdrop page --help'): links then also come as page links")
	return f
}

func (f *profileFlags) apply(p *credentials.Profile, now time.Time) error {
	switch {
	case f.accessKeyID == "":
		return errors.New("--access-key-id is required")
	case f.region == "":
		return errors.New("--region is required: the region ID of the bucket, e.g. cn-hangzhou")
	case f.sts != (f.stsExpires != ""):
		return errors.New("--sts and --sts-expires go together: an STS token always expires")
	}
	// Surrounding spaces come with a paste; spaces inside are refused by
	// Validate, as the app's form refuses them.
	p.AccessKeyID, p.Region, p.Bucket, p.PathStyle, p.Label = strings.TrimSpace(f.accessKeyID), f.region, f.bucket, f.pathStyle, f.label
	p.PageURL = strings.TrimSpace(f.pageURL)
	p.EndpointKind, p.Endpoint = parseEndpointFlag(f.endpoint)
	if f.sts {
		p.Kind = credentials.KindSTS
		at, err := parseSTSExpires(f.stsExpires, now)
		if err != nil {
			return err
		}
		p.STSExpires = at
	}
	return nil
}

// parseEndpointFlag reads --endpoint: a kind's name, or a custom endpoint.
func parseEndpointFlag(s string) (signing.EndpointKind, string) {
	if s == "" {
		return signing.EndpointPublic, ""
	}
	if k, ok := credentials.ParseEndpointKind(s); ok && k != signing.EndpointCustom {
		return k, ""
	}
	return signing.EndpointCustom, s
}

// parseSTSExpires refuses a past instant: storing a token that cannot sign
// only defers the error.
func parseSTSExpires(s string, now time.Time) (time.Time, error) {
	at, err := signing.ParseExpiry(s, now)
	if err != nil {
		return time.Time{}, fmt.Errorf("--sts-expires: %w", err)
	}
	if !at.After(now) {
		return time.Time{}, fmt.Errorf("--sts-expires %s is in the past: get new temporary credentials", clock(at))
	}
	return at, nil
}

func secretInputHint(kind credentials.Kind) string {
	if kind == credentials.KindSTS {
		return stsSecretHint
	}
	return secretHint
}

// readSecrets asks for the secret (and token). On a terminal the echo is
// off; otherwise one line each is read, so scripts can pipe them in from a
// password manager without the secret ever being an argument in ps.
func readSecrets(env *Env, sts bool) (credentials.Secrets, error) {
	in := newSecretInput(env)
	var sec credentials.Secrets
	var err error
	if sec.AccessKeySecret, err = in.read("AccessKey secret"); err != nil {
		return sec, err
	}
	if sts {
		if sec.SecurityToken, err = in.read("STS security token"); err != nil {
			return sec, err
		}
	}
	return sec, nil
}

type secretInput struct {
	env   *Env
	tty   bool
	fd    int
	lines *bufio.Reader
}

func newSecretInput(env *Env) *secretInput {
	in := &secretInput{env: env}
	if f, ok := env.Stdin.(interface{ Fd() uintptr }); ok && env.StdinIsTerminal {
		in.tty, in.fd = true, int(f.Fd())
	} else {
		in.lines = bufio.NewReader(env.Stdin)
	}
	return in
}

func (in *secretInput) read(what string) (string, error) {
	if in.tty {
		fmt.Fprintf(in.env.Stderr, "%s (typing is hidden): ", what)
		b, err := term.ReadPassword(in.fd)
		fmt.Fprintln(in.env.Stderr)
		if err != nil {
			return "", fmt.Errorf("cannot read the %s from the terminal: %w", what, err)
		}
		return nonEmpty(what, strings.TrimSpace(string(b)))
	}
	line, err := in.lines.ReadString('\n')
	switch {
	case errors.Is(err, io.EOF) && line == "":
		return "", fmt.Errorf("standard input ended before the %s", what)
	case err != nil && !errors.Is(err, io.EOF):
		return "", fmt.Errorf("cannot read the %s from standard input: %w", what, err)
	}
	return nonEmpty(what, strings.TrimSpace(line))
}

func nonEmpty(what, s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("the %s is empty", what)
	}
	return s, nil
}

func profileRotate(args []string, env *Env) int {
	fs := profileFlagSet(env, "rotate", "Reads the new secret (and STS token) like 'profile add' does.")
	id := fs.String("access-key-id", "", "the new AccessKey ID, if it changed (new STS credentials always have a new one)")
	expires := fs.String("sts-expires", "", "when the new STS token expires (RFC 3339, or a duration such as 1h)")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "NAME"); !ok {
		return code
	}
	store, p, code, ok := storedProfile(env, fs.Arg(0))
	if !ok {
		return code
	}
	var err error
	if *id != "" {
		p.AccessKeyID = strings.TrimSpace(*id)
	}
	switch {
	case *expires != "" && p.Kind != credentials.KindSTS:
		return invalid(env, "--sts-expires is for STS profiles, and "+p.Name+" holds a permanent AccessKey", "leave --sts-expires out")
	case *expires != "":
		if p.STSExpires, err = parseSTSExpires(*expires, env.Now()); err != nil {
			return invalid(env, err.Error(), "")
		}
	case p.Expired(env.Now()):
		return invalid(env, fmt.Sprintf("the STS token of %s expired at %s", p.Name, clock(p.STSExpires)),
			"give the new token's expiry with --sts-expires")
	}
	if err := p.Validate(); err != nil {
		return credentialFailure(env, err)
	}
	sec, err := readSecrets(env, p.Kind == credentials.KindSTS)
	if err != nil {
		return invalid(env, err.Error(), secretInputHint(p.Kind))
	}
	if err := store.Rotate(p, sec); err != nil {
		return credentialFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "Stored the new secret of profile %s (%s) in the OS keychain.\n", p.Name, credentials.MaskAccessKeyID(p.AccessKeyID))
	return ExitOK
}

func profileList(args []string, env *Env) int {
	fs := profileFlagSet(env, "list", "")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs); !ok {
		return code
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	ps, err := store.List()
	if err != nil {
		return failed(env, err.Error(), "")
	}
	envProfile, _, fromEnv := credentials.FromEnv(env.Getenv)
	if len(ps) == 0 && !fromEnv {
		fmt.Fprintln(env.Stdout, "No profiles yet. Add one with: ossdrop profile add NAME --access-key-id ID --region REGION")
		return ExitOK
	}
	now := env.Now()
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tNAME\tKIND\tACCESS KEY\tREGION\tBUCKET\tSTATUS")
	for _, p := range ps {
		mark := ""
		if p.Default {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, p.Name, p.Kind, credentials.MaskAccessKeyID(p.AccessKeyID),
			dash(p.Region), dash(p.Bucket), listStatus(p, now))
	}
	if fromEnv {
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t-\t-\tfrom %s; used when no --profile is given\n", envProfile.Name, envProfile.Kind,
			credentials.MaskAccessKeyID(envProfile.AccessKeyID), envAccessKeyID)
	}
	return flushed(env, tw)
}

func listStatus(p credentials.Profile, now time.Time) string {
	var notes []string
	if p.Default {
		notes = append(notes, "default")
	}
	if p.Kind == credentials.KindSTS {
		notes = append(notes, stsStatus(p, now))
	}
	if p.Label != "" {
		notes = append(notes, p.Label)
	}
	return dash(strings.Join(notes, "; "))
}

func stsStatus(p credentials.Profile, now time.Time) string {
	if p.STSExpires.IsZero() {
		return "expiry unknown"
	}
	at := clock(p.STSExpires)
	if p.Expired(now) {
		return "EXPIRED at " + at
	}
	return "expires " + at + " (" + untilPhrase(p.STSExpires, now) + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func flushed(env *Env, tw *tabwriter.Writer) int {
	if err := tw.Flush(); err != nil {
		return failed(env, "cannot write the output: "+err.Error(), "")
	}
	return ExitOK
}

func profileShow(args []string, env *Env) int {
	fs := profileFlagSet(env, "show", "Shows the full AccessKey ID (it is in every link anyway), never the secret.")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "NAME"); !ok {
		return code
	}
	name := fs.Arg(0)
	if name == credentials.EnvironmentProfile {
		return showEnvironment(env)
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	p, err := store.Get(name)
	if err != nil {
		return credentialFailure(env, err)
	}
	now := env.Now()
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("Profile", p.Name)
	row("Default", yesNo(p.Default))
	row("Kind", string(p.Kind))
	row("AccessKey ID", p.AccessKeyID)
	if p.Kind == credentials.KindSTS {
		row("STS token", stsStatus(p, now))
	}
	row("Region", p.Region)
	row("Endpoint", endpointText(p))
	row("Bucket", dash(p.Bucket))
	row("Path style", yesNo(p.PathStyle))
	row("Upload page", dash(p.PageURL))
	if p.Label != "" {
		row("Label", p.Label)
	}
	row("Keychain", keychainStatus(store.Check(name)))
	row("File", store.Path())
	return flushed(env, tw)
}

func showEnvironment(env *Env) int {
	p, c, ok := credentials.FromEnv(env.Getenv)
	if !ok {
		return invalid(env, envAccessKeyID+" is not set, so there is no environment profile", "see the stored profiles with 'ossdrop profile list'")
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("Profile", p.Name+" (used when no --profile is given)")
	row("Kind", string(p.Kind))
	row("AccessKey ID", p.AccessKeyID+" (from "+envAccessKeyID+")")
	secret := "missing: " + envAccessKeySecret + " is empty"
	if c.AccessKeySecret != "" {
		secret = "set in " + envAccessKeySecret
	}
	row("Secret", secret)
	if c.SecurityToken != "" {
		row("STS token", "set in "+envSessionToken+" (expiry unknown)")
	}
	return flushed(env, tw)
}

func endpointText(p credentials.Profile) string {
	if p.EndpointKind == signing.EndpointCustom {
		return p.Endpoint
	}
	return credentials.EndpointKindNames[p.EndpointKind]
}

// keychainStatus turns Store.Check's answer into a cell of profile show.
func keychainStatus(err error) string {
	var ce *credentials.Error
	switch {
	case err == nil:
		return "secrets present (service \"" + credentials.Service + "\")"
	case errors.As(err, &ce):
		return ce.Error()
	}
	return err.Error()
}

const profileTestHelp = `Without NAME, tests what 'ossdrop presign' would sign with. Checks that the
secret is in the OS keychain (or OSS_ACCESS_KEY_SECRET is set), that an STS
token has not expired, and that a link signs; then asks OSS itself, with the
cheapest signed request (a listing of at most one object in the profile's
bucket, or --bucket): a wrong AccessKey ID or secret is refused there. A key
that may sign uploads but not list the bucket is reported as such (OSS
checked the signature first). Without a bucket, or with --offline, OSS is
not asked, and the output says so.`

func profileTest(args []string, env *Env) int {
	fs := profileFlagSet(env, "test", profileTestHelp)
	bucketName := fs.String("bucket", "", "the bucket to ask OSS about (default: the profile's)")
	offline := fs.Bool("offline", false, "do not ask OSS: check the keychain, the expiry and the signing only")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() > 1 {
		return invalid(env, "'ossdrop profile test' takes at most one NAME", "run 'ossdrop profile test --help'")
	}
	cf := &credentialFlags{profile: fs.Arg(0)}
	p, c, err := cf.lookup(env)
	if err != nil {
		return credentialFailure(env, err)
	}
	req := signing.Request{Key: "ossdrop-profile-test.txt", Expires: time.Minute, Credentials: c, Bucket: *bucketName}
	fillFromProfile(&req, p)
	asked := req.Bucket != "" && !*offline
	// Any valid names do for the offline signing: that link is never used.
	// The environment has no region, and a profile's is checked when it is
	// stored.
	if req.Bucket == "" {
		req.Bucket = "ossdrop-profile-test"
	}
	if req.Region == "" {
		req.Region = "cn-hangzhou"
	}
	// A link must not outlive its token; a token with under a minute left
	// still proves it can sign.
	if left := c.TokenExpires.Sub(env.Now()); !c.TokenExpires.IsZero() && left < req.Expires {
		req.Expires = max(left/2, time.Second)
	}
	fixHint := "fix its secret with 'ossdrop profile rotate " + p.Name + "', or remove it and add it again"
	if p.Name == credentials.EnvironmentProfile {
		fixHint = "check " + envAccessKeyID + ", " + envAccessKeySecret + " and " + envSessionToken
	}
	// The link is not printed: with STS credentials it carries the token.
	if _, err := signing.Presign(context.Background(), req); err != nil {
		why := err.Error()
		if fes := signing.FieldErrors(err); len(fes) > 0 {
			why = fes[0].Msg
		}
		return failed(env, fmt.Sprintf("profile %s cannot sign a link: %s", p.Name, why), fixHint)
	}
	var access bucket.Access
	if asked {
		ctx, stop := env.context()
		defer stop()
		cl, err := bucket.New(req)
		if err == nil {
			access, err = cl.CheckAccess(ctx)
		}
		if err != nil {
			return bucketFailure(env, err)
		}
	}
	w := env.Stdout
	fmt.Fprintf(w, "Profile %s:\n", p.Name)
	if p.Name == credentials.EnvironmentProfile {
		fmt.Fprintf(w, "  secret     set in %s\n", envAccessKeySecret)
	} else {
		fmt.Fprintf(w, "  secret     in the OS keychain\n")
	}
	if p.Kind == credentials.KindSTS {
		fmt.Fprintf(w, "  STS token  %s\n", stsStatus(p, env.Now()))
	}
	fmt.Fprintf(w, "  signing    a test link signed offline for %s in %s\n", req.Bucket, req.Region)
	where := endpointOf(req)
	switch {
	case asked && access.CanList:
		fmt.Fprintf(w, "  OSS        took the AccessKey: a signed listing of %s at %s succeeded\n", req.Bucket, where)
		fmt.Fprintf(w, "Profile %s works with the bucket %s.\n", p.Name, req.Bucket)
	case asked:
		fmt.Fprintf(w, "  OSS        took the AccessKey (the signature is right), but the key may not list %s at %s (AccessDenied)\n", req.Bucket, where)
		fmt.Fprintf(w, "Profile %s signs links OSS accepts; whether it may upload to %s is decided by its RAM policy.\n", p.Name, req.Bucket)
	case *offline:
		fmt.Fprintf(w, "  OSS        not asked (--offline): a wrong AccessKey ID or secret shows only when OSS is asked\n")
	default:
		fmt.Fprintf(w, "  OSS        not asked: the profile names no bucket; add --bucket B to check the AccessKey against OSS\n")
	}
	return ExitOK
}

// endpointOf names where a request goes, for people: the custom endpoint,
// or the region's kind of endpoint.
func endpointOf(req signing.Request) string {
	if req.EndpointKind == signing.EndpointCustom {
		return req.Endpoint
	}
	return credentials.EndpointKindNames[req.EndpointKind] + " endpoint of " + signing.NormalizeRegion(req.Region)
}

func profileDefault(args []string, env *Env) int {
	fs := profileFlagSet(env, "default", "")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "NAME"); !ok {
		return code
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if err := store.SetDefault(fs.Arg(0)); err != nil {
		return credentialFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "%s is now the default profile.\n", fs.Arg(0))
	if env.Getenv(envAccessKeyID) != "" {
		fmt.Fprintf(env.Stdout, "Note: %s is set in this shell and is used instead until you unset it or pass --profile.\n", envAccessKeyID)
	}
	return ExitOK
}

func profileRename(args []string, env *Env) int {
	fs := profileFlagSet(env, "rename", "")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "OLD", "NEW"); !ok {
		return code
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if err := store.Rename(fs.Arg(0), fs.Arg(1)); err != nil {
		return credentialFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "Renamed profile %s to %s.\n", fs.Arg(0), fs.Arg(1))
	return ExitOK
}

func profileRemove(args []string, env *Env) int {
	fs := profileFlagSet(env, "remove", "")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if code, ok := positional(env, fs, "NAME"); !ok {
		return code
	}
	store, err := openStore(env)
	if err != nil {
		return failed(env, err.Error(), "")
	}
	if err := store.Remove(fs.Arg(0)); err != nil {
		return credentialFailure(env, err)
	}
	fmt.Fprintf(env.Stdout, "Removed profile %s and its keychain items.\n", fs.Arg(0))
	return ExitOK
}

const pageHelp = `With URL, links signed with the profile also come as page links
(URL#<share link>) that a phone or any browser can use; --clear stops that.
Without either, shows the page. See 'ossdrop page --help' for putting the
page online, and 'ossdrop cors allow' for a page on another host.`

func profilePage(args []string, env *Env) int {
	fs := profileFlagSet(env, "page", pageHelp)
	clear := fs.Bool("clear", false, "remove the profile's upload page")
	if code, ok := parseFlags(fs, args, env); !ok {
		return code
	}
	if fs.NArg() < 1 || fs.NArg() > 2 || (*clear && fs.NArg() == 2) {
		return invalid(env, "'ossdrop profile page' takes NAME and a URL, or NAME --clear, or NAME alone", "run 'ossdrop profile page --help'")
	}
	store, p, code, ok := storedProfile(env, fs.Arg(0))
	if !ok {
		return code
	}
	if fs.NArg() == 1 && !*clear {
		if p.PageURL == "" {
			fmt.Fprintf(env.Stdout, "Profile %s has no upload page.\n", p.Name)
		} else {
			fmt.Fprintf(env.Stdout, "Profile %s's upload page: %s\n", p.Name, p.PageURL)
		}
		return ExitOK
	}
	p.PageURL = strings.TrimSpace(fs.Arg(1))
	if err := store.Update(p); err != nil {
		return credentialFailure(env, err)
	}
	if p.PageURL == "" {
		fmt.Fprintf(env.Stdout, "Profile %s has no upload page now.\n", p.Name)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "Links of profile %s now also come as page links to %s.\n", p.Name, p.PageURL)
	if origin, err := signing.PageOrigin(p.PageURL); err == nil {
		fmt.Fprintf(env.Stdout, "Unless that page is on the bucket's own custom domain, allow it: ossdrop cors allow %s --profile %s\n", origin, p.Name)
	}
	return ExitOK
}

// storedProfile opens the store and reads one profile; on failure it has
// printed why and ok is false.
func storedProfile(env *Env, name string) (store *credentials.Store, p credentials.Profile, code int, ok bool) {
	store, err := openStore(env)
	if err != nil {
		return nil, p, failed(env, err.Error(), ""), false
	}
	if p, err = store.Get(name); err != nil {
		return nil, p, credentialFailure(env, err), false
	}
	return store, p, ExitOK, true
}
