package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/signing"
)

// endpointFlags choose a bucket and the endpoint that reaches it; presign,
// cors and page share them.
type endpointFlags struct {
	region, endpoint, bucket        string
	pathStyle, internal, accelerate bool
}

func (f *endpointFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.region, "region", "", "OSS region ID, e.g. cn-hangzhou")
	fs.StringVar(&f.endpoint, "endpoint", "", "custom endpoint: a bound domain, or http://127.0.0.1:9000 for the sandbox")
	fs.BoolVar(&f.internal, "internal", false, "use the region's internal (VPC) endpoint")
	fs.BoolVar(&f.accelerate, "accelerate", false, "use the transfer acceleration endpoint")
	fs.BoolVar(&f.pathStyle, "path-style", false, "put the bucket in the path (/bucket/key)")
	fs.StringVar(&f.bucket, "bucket", "", "bucket name")
}

// request is a signing request for the chosen bucket and endpoint; at most
// one of --endpoint, --internal and --accelerate may be given.
func (f *endpointFlags) request() (signing.Request, error) {
	req := signing.Request{Region: f.region, Bucket: f.bucket, PathStyle: f.pathStyle}
	switch {
	case f.endpoint != "" && (f.internal || f.accelerate), f.internal && f.accelerate:
		return req, errors.New("choose one of --endpoint, --internal and --accelerate")
	case f.endpoint != "":
		req.EndpointKind, req.Endpoint = signing.EndpointCustom, f.endpoint
	case f.internal:
		req.EndpointKind = signing.EndpointInternal
	case f.accelerate:
		req.EndpointKind = signing.EndpointAccelerate
	}
	return req, nil
}

// targetFlags are endpointFlags plus the credentials, for the commands that
// talk to the bucket itself (cors, page publish).
type targetFlags struct {
	endpointFlags
	creds *credentialFlags
}

func addTargetFlags(fs *pflag.FlagSet) *targetFlags {
	f := &targetFlags{}
	f.endpointFlags.add(fs)
	f.creds = addCredentialFlags(fs)
	return f
}

// client resolves the flags, the profile and the environment into a client
// for the bucket; it prints the problem and returns ok false on failure.
func (f *targetFlags) client(env *Env, command string) (c *bucket.Client, code int, ok bool) {
	req, err := f.endpointFlags.request()
	if err != nil {
		return nil, invalid(env, err.Error(), "run 'ossdrop "+command+" --help'"), false
	}
	if err := f.creds.resolve(env, &req); err != nil {
		return nil, credentialFailure(env, err), false
	}
	req.Key, req.Expires = "ossdrop-target-check", signing.DefaultExpiry
	hint := "give --region and --bucket, or set them in the profile"
	if req.Credentials.FromEnvironment { // no profile to set them in
		hint = "give --region and --bucket"
	}
	for _, fe := range signing.FieldErrors(req.Validate(env.Now())) {
		switch fe.Field {
		case signing.FieldRegion, signing.FieldEndpoint, signing.FieldBucket, signing.FieldCredentials:
			return nil, invalid(env, fe.Msg, hint), false
		}
	}
	req.Key, req.Expires = "", 0
	c, err = bucket.New(req)
	if err != nil {
		return nil, bucketFailure(env, err), false
	}
	return c, ExitOK, true
}

// bucketFailure prints a failed bucket request as error + hint.
func bucketFailure(env *Env, err error) int {
	var be *bucket.Error
	if errors.As(err, &be) {
		return failed(env, be.Sentence.String(), be.Hint.String())
	}
	return failed(env, fmt.Sprint(err), "")
}
