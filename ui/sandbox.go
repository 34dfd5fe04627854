package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

// SandboxProfileName names the pseudo-profile of the embedded sandbox.
const SandboxProfileName = "Local sandbox"

// startSandbox starts the embedded OSS endpoint on a free loopback port,
// with objects where 'ossdrop sandbox' keeps them (the user's cache
// directory) and a key pair that lives only in memory for this session.
func startSandbox() (*Sandbox, error) {
	dir, err := sandbox.DefaultDir()
	if err != nil {
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	key, err := sandbox.NewSessionKey()
	if err != nil {
		return nil, err
	}
	srv, err := sandbox.New(sandbox.Config{Addr: "127.0.0.1:0", Dir: dir, Keys: []sandbox.Key{key}})
	if err != nil {
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start the local sandbox: %w", err)
	}
	return &Sandbox{
		Profile: credentials.Profile{
			Name: SandboxProfileName, AccessKeyID: key.ID, Kind: credentials.KindPermanent, Region: "cn-hangzhou",
			EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: "demo", PathStyle: true,
			// The sandbox's own upload page: same address as its links.
			PageURL: srv.PageURL(),
		},
		Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
		Dir:         dir,
		Stop: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
		},
	}, nil
}
