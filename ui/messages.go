package ui

import (
	"context"
	"errors"
	"net"
	"net/http"

	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// ruleSentences word each validation rule for translation. signing's own
// messages are English and name the exact value; a translated UI shows the
// rule instead.
var ruleSentences = []struct {
	err error
	msg string
}{
	{signing.ErrRegion, "The profile's region is not an OSS region ID such as cn-hangzhou."},
	{signing.ErrEndpoint, "The profile's endpoint is not usable: edit the profile."},
	{signing.ErrRegionMismatch, "The profile's endpoint belongs to another region: edit the profile."},
	{signing.ErrBucketName, "Bucket names have 3 to 63 lowercase letters, digits and hyphens, and do not start or end with a hyphen."},
	{signing.ErrKey, "Object keys have 1 to 1023 bytes, no control characters, and do not start with / or \\."},
	{signing.ErrExpiryTooShort, "Choose an expiry at least 1 second from now."},
	{signing.ErrExpiryTooLong, "OSS allows at most 7 days: choose an earlier expiry."},
	{signing.ErrExpiryPastToken, "The link would outlive the profile's STS token: choose an earlier expiry."},
	{signing.ErrTokenExpired, "The profile's STS token has expired: enter new temporary credentials."},
	{signing.ErrCredentials, "Add a profile or try the local sandbox first."},
	{signing.ErrContentType, "Use a MIME type such as application/pdf, or leave it empty."},
	{signing.ErrStorageClass, "Choose a storage class from the list."},
	{signing.ErrACL, "Choose an ACL from the list."},
	{signing.ErrMetaName, "Metadata names use letters, digits and hyphens only."},
	{signing.ErrMetaValue, "Metadata values use visible ASCII characters, without line breaks."},
	{signing.ErrMetaTooLarge, "All metadata together may take at most 8 KB."},
	{signing.ErrCallbackURL, "Enter 1 to 5 callback URLs, each a full http:// or https:// address."},
	{signing.ErrCallbackHost, "The callback host is a host name such as example.com, without http://."},
	{signing.ErrCallbackBody, "Enter a callback body, such as object=${object}&size=${size}."},
	{signing.ErrCallbackVarName, "Custom variable names start with x: followed by lowercase letters or digits."},
	{signing.ErrPrefix, "A request link's folder ends with / and is a valid start of an object key, such as in/acme/."},
	{signing.ErrSizeRange, "Sizes are 0 to 5 GiB, the smallest no larger than the largest."},
}

// fieldMessage is the sentence shown under a field: signing's detailed
// English message, or the translated rule in another language.
func fieldMessage(fe *signing.FieldError) string {
	for _, r := range ruleSentences {
		if errors.Is(fe, r.err) {
			if translated := lang.L(r.msg); translated != r.msg {
				return translated
			}
			break
		}
	}
	return fe.Msg
}

// uploadSentences word each kind of upload failure for translation; the
// English UI shows app/upload's own, more specific sentence and hint.
var uploadSentences = []struct {
	kind error
	msg  string
}{
	{upload.ErrLink, "This is not a usable link: copy the whole link again, or ask the sender for it."},
	{upload.ErrExpired, "This link has expired: ask the sender for a new one."},
	{upload.ErrMethod, "This link is not for uploading: ask the sender for an upload link."},
	{upload.ErrHeader, "A header for this upload is not valid."},
	{upload.ErrFile, "This file cannot be uploaded: check that it exists and can be read."},
	{upload.ErrTooLarge, "This file is larger than the link takes (no link takes more than 5 GiB): ask the sender for another way."},
	{upload.ErrTooSmall, "This file is smaller than the link takes: check that it is the right file."},
	{upload.ErrType, "This file's type is not one the link takes: choose a file of that type, or ask the sender."},
	{upload.ErrPolicy, "The link's policy does not allow this file: send the details to the sender."},
	{upload.ErrSignature, "OSS refused the upload because it does not match the link's signature: ask the sender for the share link or the curl command."},
	{upload.ErrDenied, "OSS refused the upload: ask the sender for a new link."},
	{upload.ErrExists, "A file with this name is already stored and protected from being replaced: ask the sender for a new link or name."},
	{upload.ErrCallback, "The file is stored, but the sender's server did not confirm it: tell the sender; there is no need to upload again."},
	{upload.ErrChecksum, "The stored file differs from the one sent: upload it again."},
	{upload.ErrUnverified, "The server said the file is stored but sent no checksum to confirm it, as OSS always does: a proxy or a Wi-Fi sign-in page may have answered instead. Check the connection and upload again, or ask the sender whether the file arrived."},
	{upload.ErrNetwork, "The network connection failed, even after retrying: check the connection and try again."},
	{upload.ErrServer, "The server failed, even after retrying: try again later."},
	{upload.ErrRefused, "The server refused the upload: send the details to the sender."},
}

// uploadErrorText is an upload error as the card shows it: the sentence,
// then the hint on its own line (or the translated kind of failure).
func uploadErrorText(err error) string {
	for _, s := range uploadSentences {
		if errors.Is(err, s.kind) {
			if translated := lang.L(s.msg); translated != s.msg {
				return translated
			}
			break
		}
	}
	var ue *upload.Error
	if errors.As(err, &ue) {
		if ue.Hint == "" {
			return ue.Sentence
		}
		return ue.Sentence + "\n" + ue.Hint
	}
	return capitalize(err.Error())
}

// ownerSentences word the owner's own request failures (app/bucket) for
// translation, by OSS error code; the English UI shows app/bucket's
// sentence, which names what was attempted.
var ownerSentences = []struct {
	code string
	msg  string
}{
	{"NoSuchBucket", "The bucket does not exist: check the bucket name and region in the profile."},
	{"InvalidAccessKeyId", "OSS does not know this AccessKey ID: check the profile's AccessKey, or rotate it."},
	{"SignatureDoesNotMatch", "OSS refused the profile's AccessKey secret: give the profile its current secret (Profiles… → New secret…)."},
	{"RequestTimeTooSkewed", "This computer's clock is more than 15 minutes off: set the date and time automatically."},
	{"forbidden", "The profile's AccessKey is not allowed to do this: grant it the permission in RAM, or use another profile."},
	{"network", "The endpoint cannot be reached: check the network connection and the profile's endpoint."},
}

// ownerErrorText is an owner request's failure as a sentence, with its
// hint when withHint is set (a row has room for the sentence only).
func ownerErrorText(err error, withHint bool) string {
	var be *bucket.Error
	if !errors.As(err, &be) {
		return errorSentence(err)
	}
	code := be.Code
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return lang.L("Stopped: nothing was saved.")
	case code == "" && errors.As(err, &ne):
		code = "network"
	case be.Status == http.StatusForbidden && code != "InvalidAccessKeyId" && code != "SignatureDoesNotMatch" && code != "RequestTimeTooSkewed":
		code = "forbidden"
	}
	for _, s := range ownerSentences {
		if s.code == code {
			if translated := lang.L(s.msg); translated != s.msg {
				return translated
			}
			break
		}
	}
	if withHint && be.Hint != "" {
		return be.Sentence + "\n" + be.Hint
	}
	return be.Sentence
}
