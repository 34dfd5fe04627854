package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/ossdrop/ossdrop/app/privatefile"
	"github.com/ossdrop/ossdrop/signing"
)

// FileName is the profiles file inside the store's directory.
const FileName = "profiles.json"

// fileVersion is bumped when the file's shape changes incompatibly.
const fileVersion = 1

// profilesFile is the on-disk form. The default is one name at the top, so
// two profiles can never both claim it. There is deliberately no field a
// secret could go in.
type profilesFile struct {
	Version  int           `json:"version"`
	Default  string        `json:"default,omitempty"`
	Profiles []fileProfile `json:"profiles"`
}

type fileProfile struct {
	Name         string    `json:"name"`
	AccessKeyID  string    `json:"access_key_id"`
	Kind         Kind      `json:"kind"`
	Region       string    `json:"region"`
	Endpoint     string    `json:"endpoint,omitempty"`
	EndpointKind string    `json:"endpoint_kind,omitempty"`
	Bucket       string    `json:"bucket,omitempty"`
	PathStyle    bool      `json:"path_style,omitempty"`
	PageURL      string    `json:"page_url,omitempty"`
	STSExpires   time.Time `json:"sts_expires,omitzero"`
	Label        string    `json:"label,omitempty"`
}

// EndpointKindNames are the words the file and the command line use for
// signing's endpoint kinds.
var EndpointKindNames = map[signing.EndpointKind]string{
	signing.EndpointPublic:     "public",
	signing.EndpointInternal:   "internal",
	signing.EndpointAccelerate: "accelerate",
	signing.EndpointCustom:     "custom",
}

// ParseEndpointKind reads one of EndpointKindNames' words.
func ParseEndpointKind(s string) (signing.EndpointKind, bool) {
	for k, name := range EndpointKindNames {
		if name == s {
			return k, true
		}
	}
	return 0, false
}

func toFile(p Profile) fileProfile {
	return fileProfile{
		Name: p.Name, AccessKeyID: p.AccessKeyID, Kind: p.Kind, Region: p.Region,
		Endpoint: p.Endpoint, EndpointKind: EndpointKindNames[p.EndpointKind],
		Bucket: p.Bucket, PathStyle: p.PathStyle, PageURL: p.PageURL, STSExpires: p.STSExpires, Label: p.Label,
	}
}

func fromFile(f fileProfile, def string) (Profile, error) {
	kind := signing.EndpointPublic
	if f.EndpointKind != "" {
		var ok bool
		if kind, ok = ParseEndpointKind(f.EndpointKind); !ok {
			return Profile{}, fmt.Errorf("profile %q: unknown endpoint kind %q", f.Name, f.EndpointKind)
		}
	}
	return Profile{
		Name: f.Name, AccessKeyID: f.AccessKeyID, Kind: f.Kind, Region: f.Region,
		EndpointKind: kind, Endpoint: f.Endpoint, Bucket: f.Bucket, PathStyle: f.PathStyle, PageURL: f.PageURL,
		STSExpires: f.STSExpires, Label: f.Label, Default: f.Name == def,
	}, nil
}

// readFile returns the stored profiles; a missing file is an empty store.
func (s *Store) readFile() ([]Profile, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	var f profilesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read profiles %s: %w", s.Path(), err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("read profiles %s: version %d, this OSS Drop reads version %d", s.Path(), f.Version, fileVersion)
	}
	out := make([]Profile, 0, len(f.Profiles))
	for _, fp := range f.Profiles {
		p, err := fromFile(fp, f.Default)
		if err != nil {
			return nil, fmt.Errorf("read profiles %s: %w", s.Path(), err)
		}
		out = append(out, p)
	}
	return out, nil
}

// writeFile replaces the profiles file atomically: a crash leaves either the
// old file or the new one, never half of each. The file is 0600 although it
// holds no secret, because AccessKey IDs and buckets are still nobody
// else's business.
func (s *Store) writeFile(profiles []Profile) error {
	f := profilesFile{Version: fileVersion, Profiles: make([]fileProfile, 0, len(profiles))}
	for _, p := range profiles {
		f.Profiles = append(f.Profiles, toFile(p))
		if p.Default {
			f.Default = p.Name
		}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	if err := privatefile.Write(s.Path(), append(data, '\n')); err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	return nil
}
