package signing

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // screenshots of QR codes come as JPEG too
	_ "image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/ossdrop/ossdrop/signing/message"
)

// ErrQRTooLong means the text does not fit in a QR code even at the lowest
// error correction; the link must be shared as text.
var ErrQRTooLong = errors.New("too long for a QR code")

// QR is an encoded QR code of a share link.
type QR struct {
	code *qrcode.QRCode
	// Level is "M" normally, "L" when the link only fits with less error correction.
	Level string
}

// EncodeQR encodes text at error correction Medium, or Low when Medium
// cannot hold it (about 2,300 characters), and fails with ErrQRTooLong past
// what Low holds (about 2,900).
func EncodeQR(text string) (*QR, error) {
	if q, err := qrcode.New(text, qrcode.Medium); err == nil {
		return &QR{code: q, Level: "M"}, nil
	}
	q, err := qrcode.New(text, qrcode.Low)
	if err != nil {
		return nil, fmt.Errorf("%w: the link has %d characters, a QR code holds about 2,900; share it as text (fewer metadata or callback fields make it shorter)", ErrQRTooLong, len(text))
	}
	return &QR{code: q, Level: "L"}, nil
}

// Image renders the code with whole pixels per module (sharp edges at any
// size) in the given colours, with the standard quiet zone.
func (q *QR) Image(pixelsPerModule int, fg, bg color.Color) image.Image {
	q.code.ForegroundColor, q.code.BackgroundColor = fg, bg
	return q.code.Image(-pixelsPerModule)
}

// PNG renders the code as a black-on-white PNG, pixelsPerModule pixels per module.
func (q *QR) PNG(pixelsPerModule int) ([]byte, error) {
	q.code.ForegroundColor, q.code.BackgroundColor = color.Black, color.White
	png, err := q.code.PNG(-pixelsPerModule)
	if err != nil {
		return nil, fmt.Errorf("render QR code: %w", err)
	}
	return png, nil
}

// ErrNoQR means an image holds no readable QR code.
var ErrNoQR = errors.New("no QR code found")

// DecodeQR reads the text of a QR code in a PNG or JPEG image, such as a
// screenshot of a shared link's code. The error is a *LinkError matching
// ErrNoQR.
func DecodeQR(r io.Reader) (string, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return "", &LinkError{Err: ErrNoQR, Sentence: message.New("The file is not a PNG or JPEG image (%s).", err.Error()),
			Hint: message.New("Choose a picture of the QR code, or paste the link as text.")}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", &LinkError{Err: ErrNoQR, Sentence: message.New("No QR code can be read in the image (%s).", err.Error()), Hint: hintQRCrop}
	}
	// The finder-pattern search reads photos and cropped screenshots, but
	// misses about one in twenty clean codes of version 13 and up (seen
	// with this package's own PNGs); reading the image as nothing but the
	// code catches those.
	reader := gozxingqr.NewQRCodeReader()
	for _, hint := range []gozxing.DecodeHintType{gozxing.DecodeHintType_TRY_HARDER, gozxing.DecodeHintType_PURE_BARCODE} {
		if res, err := reader.Decode(bmp, map[gozxing.DecodeHintType]any{hint: true}); err == nil {
			return res.GetText(), nil
		}
	}
	return "", &LinkError{Err: ErrNoQR, Sentence: message.New("No QR code was found in the image."), Hint: hintQRCrop}
}

var hintQRCrop = message.New("Crop the picture to the code, or ask the sender for the link as text.")

// Version is the QR version (1 to 40; the code is 17+4×version modules
// wide): how dense the code is, and so how easily a phone camera reads it.
func (q *QR) Version() int { return q.code.VersionNumber }
