package bucket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// MaxCORSRules is the most CORS rules OSS keeps for one bucket.
const MaxCORSRules = 10

// CORSRule is one of a bucket's CORS rules.
type CORSRule struct {
	Origins       []string
	Methods       []string
	Headers       []string
	ExposeHeaders []string
	// MaxAgeSeconds is how long a browser may cache a preflight; 0 when unset.
	MaxAgeSeconds int64
}

// String is the rule on one line, as the CLI and the app list it.
func (r CORSRule) String() string {
	s := fmt.Sprintf("origins %s; methods %s", strings.Join(r.Origins, ", "), strings.Join(r.Methods, ", "))
	if len(r.Headers) > 0 {
		s += "; headers " + strings.Join(r.Headers, ", ")
	}
	if len(r.ExposeHeaders) > 0 {
		s += "; exposes " + strings.Join(r.ExposeHeaders, ", ")
	}
	if r.MaxAgeSeconds > 0 {
		s += fmt.Sprintf("; max age %ds", r.MaxAgeSeconds)
	}
	return s
}

// PageRule is the rule an upload page at origin needs to upload to the
// bucket from a browser: PUT (share links) and POST (request links), the
// headers links are signed with, and the response headers the page reads
// to check what was stored.
func PageRule(origin string) CORSRule {
	return CORSRule{
		Origins:       []string{origin},
		Methods:       []string{"PUT", "POST"},
		Headers:       []string{"content-type", "content-md5", "x-oss-*"},
		ExposeHeaders: []string{"ETag", "x-oss-request-id", "x-oss-hash-crc64ecma"},
		MaxAgeSeconds: 600,
	}
}

// covers reports whether r allows everything want does for want's origins.
func (r CORSRule) covers(want CORSRule) bool {
	has := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
	}
	all := func(list, wanted []string) bool {
		for _, v := range wanted {
			if !has(list, v) {
				return false
			}
		}
		return true
	}
	return all(r.Origins, want.Origins) && all(r.Methods, want.Methods) && all(r.Headers, want.Headers) && all(r.ExposeHeaders, want.ExposeHeaders)
}

// CORSRules returns the bucket's CORS rules; none (and no error) when the
// bucket has no CORS configuration.
func (c *Client) CORSRules(ctx context.Context) ([]CORSRule, error) {
	rules, _, err := c.corsConfig(ctx)
	return rules, err
}

func (c *Client) corsConfig(ctx context.Context) ([]CORSRule, *bool, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	res, err := c.sdk.GetBucketCors(ctx, &oss.GetBucketCorsRequest{Bucket: oss.Ptr(c.bucket)})
	var se *oss.ServiceError
	if errors.As(err, &se) && se.Code == "NoSuchCORSConfiguration" {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, c.explain(message.New("read the CORS rules of %s", c.bucket), err)
	}
	if res.CORSConfiguration == nil {
		return nil, nil, nil
	}
	var rules []CORSRule
	for _, r := range res.CORSConfiguration.CORSRules {
		rule := CORSRule{Origins: r.AllowedOrigins, Methods: r.AllowedMethods, Headers: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders}
		if r.MaxAgeSeconds != nil {
			rule.MaxAgeSeconds = *r.MaxAgeSeconds
		}
		rules = append(rules, rule)
	}
	return rules, res.CORSConfiguration.ResponseVary, nil
}

// AllowResult is what AllowOrigin found and did.
type AllowResult struct {
	// Rules are the bucket's rules afterwards, as read back from OSS.
	Rules []CORSRule
	// Added is false when a rule already first in the list allowed the page.
	Added bool
}

// AllowOrigin makes the bucket accept browser uploads from an upload page
// at origin (scheme://host[:port]) without dropping any rule already there:
// PutBucketCors replaces the whole set, so it reads the rules, puts
// PageRule(origin) first (OSS uses the first rule that matches, and an
// older rule for the same origin might not expose what the page reads),
// writes them all, and reads them back to confirm.
func (c *Client) AllowOrigin(ctx context.Context, origin string) (*AllowResult, error) {
	if norm, err := signing.PageOrigin(origin); err != nil || norm != origin {
		return nil, &Error{Sentence: message.New("%q is not an origin.", origin),
			Hint: message.New("Give the page's scheme, host and port only, such as https://files.example.com.")}
	}
	rules, vary, err := c.corsConfig(ctx)
	if err != nil {
		return nil, err
	}
	want := PageRule(origin)
	merged, changed := mergePageRule(rules, want)
	if !changed {
		return &AllowResult{Rules: rules}, nil
	}
	if len(merged) > MaxCORSRules {
		return nil, &Error{Sentence: message.New("The bucket %s already has %d CORS rules, the most OSS allows, so no rule for %s can be added.", c.bucket, len(rules), origin),
			Hint: message.New("Remove a rule you no longer need in the OSS console (Bucket → Content Security → CORS), then try again.")}
	}
	cfg := &oss.CORSConfiguration{ResponseVary: vary}
	for _, r := range merged {
		rule := oss.CORSRule{AllowedOrigins: r.Origins, AllowedMethods: r.Methods, AllowedHeaders: r.Headers, ExposeHeaders: r.ExposeHeaders}
		if r.MaxAgeSeconds > 0 {
			rule.MaxAgeSeconds = oss.Ptr(r.MaxAgeSeconds)
		}
		cfg.CORSRules = append(cfg.CORSRules, rule)
	}
	put, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := c.sdk.PutBucketCors(put, &oss.PutBucketCorsRequest{Bucket: oss.Ptr(c.bucket), CORSConfiguration: cfg}); err != nil {
		return nil, c.explain(message.New("change the CORS rules of %s", c.bucket), err)
	}
	back, _, err := c.corsConfig(ctx)
	if err != nil {
		return nil, err
	}
	if len(back) != len(merged) || !back[0].covers(want) {
		return nil, &Error{Sentence: message.New("OSS did not keep the new CORS rule for %s: it lists %d rules.", origin, len(back)),
			Hint: message.New("Check the bucket's CORS rules in the OSS console; another program may have changed them at the same time.")}
	}
	return &AllowResult{Rules: back, Added: true}, nil
}

// mergePageRule puts want first, keeping every other rule in its order. A
// rule that already covers want is moved first instead of adding another;
// changed is false when it is first already.
func mergePageRule(rules []CORSRule, want CORSRule) (merged []CORSRule, changed bool) {
	i := slices.IndexFunc(rules, func(r CORSRule) bool { return r.covers(want) })
	switch {
	case i == 0:
		return rules, false
	case i > 0:
		merged = append([]CORSRule{rules[i]}, rules[:i]...)
		return append(merged, rules[i+1:]...), true
	}
	return append([]CORSRule{want}, rules...), true
}
