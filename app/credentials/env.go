package credentials

import "github.com/ossdrop/ossdrop/signing"

// Environment variables the OSS SDKs, ossutil and the OSS documentation use.
const (
	EnvAccessKeyID     = "OSS_ACCESS_KEY_ID"
	EnvAccessKeySecret = "OSS_ACCESS_KEY_SECRET"
	EnvSessionToken    = "OSS_SESSION_TOKEN"
)

// FromEnv reads credentials from the environment through getenv and shows
// them as the pseudo-profile EnvironmentProfile. ok is false when
// OSS_ACCESS_KEY_ID is unset. The token's expiry is unknown, so such a
// profile is never reported expired; OSS will say so instead.
func FromEnv(getenv func(string) string) (p Profile, c signing.Credentials, ok bool) {
	c = signing.Credentials{
		AccessKeyID:     getenv(EnvAccessKeyID),
		AccessKeySecret: getenv(EnvAccessKeySecret),
		SecurityToken:   getenv(EnvSessionToken),
		FromEnvironment: true,
	}
	if c.AccessKeyID == "" {
		return Profile{}, signing.Credentials{}, false
	}
	p = Profile{Name: EnvironmentProfile, AccessKeyID: c.AccessKeyID, Kind: KindPermanent, Label: "from " + EnvAccessKeyID}
	if c.SecurityToken != "" {
		p.Kind = KindSTS
	}
	return p, c, true
}
