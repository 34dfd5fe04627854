package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

// Environment variables the OSS SDKs and docs use for credentials.
const (
	envAccessKeyID     = credentials.EnvAccessKeyID
	envAccessKeySecret = credentials.EnvAccessKeySecret
	envSessionToken    = credentials.EnvSessionToken
)

// credentialFlags are the flags that choose where a signing command gets its
// credentials and endpoint defaults from.
type credentialFlags struct {
	profile string
	// resolved is the profile resolve used (the environment's pseudo-profile
	// included), for the settings that are not part of a signing request,
	// such as its upload page.
	resolved credentials.Profile
}

func addCredentialFlags(fs *pflag.FlagSet) *credentialFlags {
	cf := &credentialFlags{}
	fs.StringVar(&cf.profile, "profile", "",
		"credentials profile to sign with ('ossdrop profile list'). Without it: "+
			envAccessKeyID+"/"+envAccessKeySecret+"/"+envSessionToken+" if "+envAccessKeyID+" is set, else the default profile. "+
			"The profile's region, endpoint, bucket and path style fill in the flags you leave out")
	return cf
}

// resolve returns the credentials to sign with, and fills req's region,
// endpoint, bucket and path style from the profile where the flags left
// them at their zero values. The order: --profile NAME, then the
// environment when OSS_ACCESS_KEY_ID is set, then the default profile.
// Errors are *credentials.Error with a hint (see credentialFailure).
func (cf *credentialFlags) resolve(env *Env, req *signing.Request) error {
	p, c, err := cf.lookup(env)
	if err != nil {
		return err
	}
	req.Credentials = c
	cf.resolved = p
	fillFromProfile(req, p)
	return nil
}

func (cf *credentialFlags) lookup(env *Env) (credentials.Profile, signing.Credentials, error) {
	name := cf.profile
	if name == credentials.EnvironmentProfile || (name == "" && env.Getenv(envAccessKeyID) != "") {
		return fromEnv(env)
	}
	store, err := openStore(env)
	if err != nil {
		return credentials.Profile{}, signing.Credentials{}, err
	}
	if name == "" {
		p, err := store.Default()
		if errors.Is(err, credentials.ErrNoDefault) {
			return p, signing.Credentials{}, noCredentials(err)
		}
		if err != nil {
			return p, signing.Credentials{}, err
		}
		name = p.Name
	}
	return store.Load(name)
}

// fromEnv is the "environment" pseudo-profile, checked for the half-set
// case the SDK would otherwise report as a bare signature failure.
func fromEnv(env *Env) (credentials.Profile, signing.Credentials, error) {
	p, c, ok := credentials.FromEnv(env.Getenv)
	switch {
	case !ok:
		return p, c, &credentials.Error{Profile: credentials.EnvironmentProfile, Err: credentials.ErrNoProfile,
			Msg:  "the environment profile needs " + envAccessKeyID + ", which is not set",
			Hint: "set " + envAccessKeyID + " and " + envAccessKeySecret + ", or name a stored profile with --profile"}
	case c.AccessKeySecret == "":
		return p, c, &credentials.Error{Profile: credentials.EnvironmentProfile, Err: credentials.ErrSecretMissing,
			Msg:  envAccessKeyID + " is set but " + envAccessKeySecret + " is empty",
			Hint: "set " + envAccessKeySecret + " too, or unset " + envAccessKeyID + " to use the default profile"}
	}
	return p, c, nil
}

// noCredentials is the first thing a new user sees, so it says how to
// start rather than what is missing.
func noCredentials(cause error) error {
	return &credentials.Error{Err: cause,
		Msg: "there are no credentials to sign with: no --profile, no " + envAccessKeyID + ", and no default profile",
		Hint: "add a profile with 'ossdrop profile add NAME --access-key-id ID --region REGION' " +
			"(the secret is read from the terminal and kept in the OS keychain), or set " + envAccessKeyID + " and " + envAccessKeySecret}
}

// fillFromProfile copies the profile's link defaults into the fields the
// flags left at their zero values.
func fillFromProfile(req *signing.Request, p credentials.Profile) {
	if req.Region == "" {
		req.Region = p.Region
	}
	if req.EndpointKind == signing.EndpointPublic && req.Endpoint == "" {
		req.EndpointKind, req.Endpoint = p.EndpointKind, p.Endpoint
	}
	if req.Bucket == "" {
		req.Bucket = p.Bucket
	}
	if !req.PathStyle {
		req.PathStyle = p.PathStyle
	}
}

// openStore opens the profile store in the user's config directory, with
// the environment's clock deciding STS expiry.
func openStore(env *Env) (*credentials.Store, error) {
	s, err := credentials.OpenDefault()
	if err != nil {
		return nil, fmt.Errorf("open the profiles: %w", err)
	}
	s.Now = env.Now
	return s, nil
}

// credentialFailure prints a credentials error as error + hint and picks
// the exit code: 2 when the input named something unusable, 1 otherwise.
func credentialFailure(env *Env, err error) int {
	var ce *credentials.Error
	if !errors.As(err, &ce) {
		return failed(env, err.Error(), "")
	}
	if errors.Is(err, credentials.ErrInvalidProfile) || errors.Is(err, credentials.ErrNoProfile) || errors.Is(err, credentials.ErrProfileExists) {
		return invalid(env, ce.Msg, ce.Hint)
	}
	return failed(env, ce.Msg, ce.Hint)
}
