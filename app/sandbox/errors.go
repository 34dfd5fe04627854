package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"
)

// Error is an OSS error response: the HTTP status plus the fields OSS puts in
// its XML body. Verify returns one for every refusal, so a caller can show
// the same code a real bucket would give.
type Error struct {
	// Status is the HTTP status code, e.g. 403.
	Status int
	// Code is OSS's error code, e.g. "SignatureDoesNotMatch".
	Code string
	// Message is OSS's English sentence for the code.
	Message string
	// EC is OSS's detailed error code ("0002-00000040"); it names the help
	// page that explains the failure. Empty when OSS's value is not known.
	EC string

	// RequestID and HostID are filled in by the server that answers.
	RequestID string
	HostID    string

	// AccessKeyID and SignatureProvided echo the caller's own values on a
	// signature mismatch, as OSS does; neither is a secret.
	AccessKeyID       string
	SignatureProvided string
	// StringToSign and CanonicalRequest are what the server signed, so a
	// client can diff them against its own on a mismatch.
	StringToSign     string
	CanonicalRequest string

	// Expires and ServerTime explain an expired link (ISO 8601, UTC).
	Expires    string
	ServerTime string
}

// Error returns the code and message only: the other fields may be long and
// belong in the XML body, not in a log line.
func (e *Error) Error() string {
	return fmt.Sprintf("oss %d %s: %s", e.Status, e.Code, e.Message)
}

// errorXML is the wire form of Error, in OSS's element order.
type errorXML struct {
	XMLName           xml.Name `xml:"Error"`
	Code              string   `xml:"Code"`
	Message           string   `xml:"Message"`
	RequestID         string   `xml:"RequestId"`
	HostID            string   `xml:"HostId"`
	AccessKeyID       string   `xml:"OSSAccessKeyId,omitempty"`
	SignatureProvided string   `xml:"SignatureProvided,omitempty"`
	StringToSign      string   `xml:"StringToSign,omitempty"`
	CanonicalRequest  string   `xml:"CanonicalRequest,omitempty"`
	Expires           string   `xml:"Expires,omitempty"`
	ServerTime        string   `xml:"ServerTime,omitempty"`
	EC                string   `xml:"EC,omitempty"`
}

// XML renders the error as OSS does, declaration included.
func (e *Error) XML() []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	// Encoding a struct of strings cannot fail.
	_ = enc.Encode(errorXML{
		Code: e.Code, Message: e.Message, RequestID: e.RequestID, HostID: e.HostID,
		AccessKeyID: e.AccessKeyID, SignatureProvided: e.SignatureProvided,
		StringToSign: e.StringToSign, CanonicalRequest: e.CanonicalRequest,
		Expires: e.Expires, ServerTime: e.ServerTime, EC: e.EC,
	})
	buf.WriteByte('\n')
	return buf.Bytes()
}

// ParseError reads an OSS XML error body back; status is the response's
// HTTP status, which the body does not carry.
func ParseError(status int, body []byte) (*Error, error) {
	var x errorXML
	if err := xml.Unmarshal(body, &x); err != nil {
		return nil, fmt.Errorf("parse oss error body: %w", err)
	}
	if x.Code == "" {
		return nil, fmt.Errorf("parse oss error body: no <Code> element")
	}
	return &Error{
		Status: status, Code: x.Code, Message: x.Message, EC: x.EC,
		RequestID: x.RequestID, HostID: x.HostID,
		AccessKeyID: x.AccessKeyID, SignatureProvided: x.SignatureProvided,
		StringToSign: x.StringToSign, CanonicalRequest: x.CanonicalRequest,
		Expires: x.Expires, ServerTime: x.ServerTime,
	}, nil
}

// Error codes the sandbox answers with, spelled as OSS spells them.
const (
	CodeAccessDenied          = "AccessDenied"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	CodeInvalidAccessKeyID    = "InvalidAccessKeyId"
	CodeInvalidArgument       = "InvalidArgument"
	CodeInvalidBucketName     = "InvalidBucketName"
	CodeInvalidObjectName     = "InvalidObjectName"
	CodeInvalidDigest         = "InvalidDigest"
	CodeEntityTooLarge        = "EntityTooLarge"
	CodeEntityTooSmall        = "EntityTooSmall"
	CodeInvalidPolicyDocument = "InvalidPolicyDocument"
	CodeMalformedPOSTRequest  = "MalformedPOSTRequest"
	CodeIncompleteBody        = "IncompleteBody"
	CodeFileAlreadyExists     = "FileAlreadyExists"
	CodeNoSuchKey             = "NoSuchKey"
	CodeNoSuchBucket          = "NoSuchBucket"
	CodeMethodNotAllowed      = "MethodNotAllowed"
	CodeCallbackFailed        = "CallbackFailed"
	CodeInternalError         = "InternalError"
	CodeRequestTimeTooSkewed  = "RequestTimeTooSkewed"
	CodeRequestTimeout        = "RequestTimeout"
)

// EC values from OSS's error-code help pages (help.aliyun.com/zh/oss/support/<EC>).
const (
	ecSignatureMismatch = "0002-00000040"
	ecV1Expired         = "0002-00000069"
	ecV1BadExpires      = "0002-00000070"
	ecV4MissingExpires  = "0002-00000215"
	ecV4BadCredential   = "0002-00000222"
	ecV4BadExpires      = "0002-00000232"
	ecV4NotYetValid     = "0002-00000235"
	ecV4Expired         = "0002-00000236"
	ecSTSKeyMismatch    = "0002-00000002"
	ecCallbackBase64    = "0007-00000002"
	ecCallbackURL       = "0007-00000004"
	ecCallbackTooMany   = "0007-00000005"
	ecCallbackBody      = "0007-00000011"
)

// errorf builds an *Error with a formatted message.
func errorf(status int, code, ec, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, EC: ec, Message: fmt.Sprintf(format, args...)}
}

func invalidArgument(ec, format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, CodeInvalidArgument, ec, format, args...)
}

// isoTime formats t as OSS writes times in error bodies.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
