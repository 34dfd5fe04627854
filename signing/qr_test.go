package signing

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQRRoundTrip(t *testing.T) {
	long := testLink().ShareLink() + "&x-oss-meta-pad=" + strings.Repeat("p", 2400-len(testLink().ShareLink()))
	tests := []struct {
		name, text, level string
	}{
		{"share link", testLink().ShareLink(), "M"},
		{"long link falls back to L", long, "L"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qr, err := EncodeQR(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if qr.Level != tt.level {
				t.Errorf("level %s, want %s", qr.Level, tt.level)
			}
			raw, err := qr.PNG(4)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := DecodeQR(bytes.NewReader(raw)); err != nil || got != tt.text {
				t.Errorf("decoded %q, want %q", got, tt.text)
			}
			// Whole pixels per module: the image size is a multiple of 4.
			if b := img.Bounds(); b.Dx()%4 != 0 || b.Dx() != b.Dy() {
				t.Errorf("image %v is not square in whole modules", b)
			}
		})
	}
}

func TestQRThemeColours(t *testing.T) {
	qr, err := EncodeQR("hello")
	if err != nil {
		t.Fatal(err)
	}
	fg, bg := color.RGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}, color.RGBA{R: 0x20, G: 0x20, B: 0x20, A: 0xff}
	img := qr.Image(3, fg, bg)
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
		}
	}
	if len(seen) != 2 || !seen[fg] || !seen[bg] {
		t.Errorf("colours %v, want exactly %v and %v", seen, fg, bg)
	}
}

func TestQRTooLong(t *testing.T) {
	_, err := EncodeQR(strings.Repeat("x", 3000))
	if !errors.Is(err, ErrQRTooLong) || !strings.Contains(err.Error(), "3000 characters") {
		t.Fatalf("EncodeQR of 3000 characters: %v", err)
	}
}

func TestDecodeQR(t *testing.T) {
	share := testLink().ShareLink()
	qr, err := EncodeQR(share)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := qr.PNG(4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeQR(bytes.NewReader(raw))
	if err != nil || got != share {
		t.Fatalf("DecodeQR = %q, %v; want the share link", got, err)
	}
	var blank bytes.Buffer
	png.Encode(&blank, image.NewGray(image.Rect(0, 0, 64, 64)))
	if _, err := DecodeQR(&blank); !errors.Is(err, ErrNoQR) {
		t.Errorf("blank image: %v", err)
	}
	if _, err := DecodeQR(strings.NewReader("not an image")); !errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "PNG or JPEG") {
		t.Errorf("text file: %v", err)
	}
}

// TestDecodeQRLargeCodes reads back codes of the sizes page links take
// (versions 13 to 21); the finder-pattern search alone missed about one in
// twenty of these.
func TestDecodeQRLargeCodes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789%&=/:?"
	for i := range 200 {
		b := []byte("https://x/")
		for n := 300 + r.IntN(400); len(b) < n; {
			b = append(b, chars[r.IntN(len(chars))])
		}
		qr, err := EncodeQR(string(b))
		if err != nil {
			t.Fatal(err)
		}
		png, err := qr.PNG(4)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeQR(bytes.NewReader(png)); err != nil || got != string(b) {
			t.Fatalf("code %d (version %d): decoded %q, %v", i, qr.Version(), got, err)
		}
	}
}
