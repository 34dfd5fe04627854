package signing

import (
	"context"
	"testing"
)

func BenchmarkPresign(b *testing.B) {
	req := validRequest()
	req.ContentType, req.Metadata, req.Callback = "application/pdf", map[string]string{"project": "apollo"}, validCallback()
	for b.Loop() {
		if _, err := Presign(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShareLinkAndCurl(b *testing.B) {
	link := testLink()
	for b.Loop() {
		_ = link.ShareLink()
		_ = link.Curl("report.pdf")
	}
}

func BenchmarkInspectShareLink(b *testing.B) {
	share := testLink().ShareLink()
	for b.Loop() {
		if _, err := Inspect(share, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeQR(b *testing.B) {
	share := testLink().ShareLink()
	for b.Loop() {
		qr, err := EncodeQR(share)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := qr.PNG(4); err != nil {
			b.Fatal(err)
		}
	}
}
