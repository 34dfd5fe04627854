package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/signing"
)

// targetFlags choose a bucket, the endpoint that reaches it and the
// credentials, with presign's flag names, for the commands that talk to the
// bucket itself (cors, page publish).
type targetFlags struct {
	region, endpoint, bucket        string
	pathStyle, internal, accelerate bool
	creds                           *credentialFlags
}

func addTargetFlags(fs *pflag.FlagSet) *targetFlags {
	f := &targetFlags{}
	fs.StringVar(&f.region, "region", "", "OSS region ID, e.g. cn-hangzhou")
	fs.StringVar(&f.endpoint, "endpoint", "", "custom endpoint: a bound domain, or http://127.0.0.1:9000 for the sandbox")
	fs.BoolVar(&f.internal, "internal", false, "use the region's internal (VPC) endpoint")
	fs.BoolVar(&f.accelerate, "accelerate", false, "use the transfer acceleration endpoint")
	fs.BoolVar(&f.pathStyle, "path-style", false, "put the bucket in the path (/bucket/key)")
	fs.StringVar(&f.bucket, "bucket", "", "bucket name")
	f.creds = addCredentialFlags(fs)
	return f
}

// client resolves the flags, the profile and the environment into a client
// for the bucket; it prints the problem and returns ok false on failure.
func (f *targetFlags) client(env *Env, command string) (c *bucket.Client, code int, ok bool) {
	req := signing.Request{Region: f.region, Bucket: f.bucket, PathStyle: f.pathStyle}
	if err := chooseEndpoint(&req, f.endpoint, f.internal, f.accelerate); err != nil {
		return nil, invalid(env, err.Error(), "run 'ossdrop "+command+" --help'"), false
	}
	if err := f.creds.resolve(env, &req); err != nil {
		return nil, credentialFailure(env, err), false
	}
	req.Key, req.Expires = "ossdrop-target-check", signing.DefaultExpiry
	for _, fe := range signing.FieldErrors(req.Validate(env.Now())) {
		switch fe.Field {
		case signing.FieldRegion, signing.FieldEndpoint, signing.FieldBucket, signing.FieldCredentials:
			return nil, invalid(env, fe.Msg, "give --region and --bucket, or set them in the profile"), false
		}
	}
	req.Key, req.Expires = "", 0
	c, err := bucket.New(req)
	if err != nil {
		return nil, bucketFailure(env, err), false
	}
	return c, ExitOK, true
}

// chooseEndpoint reads --endpoint, --internal and --accelerate, of which at
// most one may be given.
func chooseEndpoint(req *signing.Request, endpoint string, internal, accelerate bool) error {
	switch {
	case endpoint != "" && (internal || accelerate), internal && accelerate:
		return errors.New("choose one of --endpoint, --internal and --accelerate")
	case endpoint != "":
		req.EndpointKind, req.Endpoint = signing.EndpointCustom, endpoint
	case internal:
		req.EndpointKind = signing.EndpointInternal
	case accelerate:
		req.EndpointKind = signing.EndpointAccelerate
	}
	return nil
}

// bucketFailure prints a failed bucket request as error + hint.
func bucketFailure(env *Env, err error) int {
	var be *bucket.Error
	if errors.As(err, &be) {
		return failed(env, be.Sentence, be.Hint)
	}
	return failed(env, fmt.Sprint(err), "")
}
