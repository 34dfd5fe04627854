package signing

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

const testPage = "https://files.example.com/_ossdrop/upload.html"

func TestPageLinkRoundTrip(t *testing.T) {
	odd := &Link{Method: MethodPut, URL: "http://127.0.0.1:9000/demo/a%23b+c%3Bd%26e%25f%20%E4%B8%AD?x-oss-credential=A%2FB&x-oss-signature=" + sig64,
		Headers: Headers{{Name: "content-type", Value: "text/plain; charset=utf-8"}, {Name: "x-oss-meta-n", Value: "a+b&c=d#e%f;g 中"}}}
	tests := []struct {
		name, page string
		link       *Link
		wantPage   string
	}{
		{"share link", testPage, testLink(), testPage},
		{"every byte that needs escaping", testPage, odd, testPage},
		{"page with a query keeps it, drops its fragment", "https://Files.Example.com/up.html?v=2#old", testLink(), "https://files.example.com/up.html?v=2"},
		{"sandbox page", "http://127.0.0.1:9000/_ossdrop/upload.html", testLink(), "http://127.0.0.1:9000/_ossdrop/upload.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pageLink, err := tt.link.PageLink(tt.page)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(pageLink, tt.wantPage+"#ossdrop-page=1&kind=put&link=") {
				t.Fatalf("page link %s", pageLink)
			}
			// The browser's location.hash holds the fragment as written;
			// URLSearchParams decodes it as url.ParseQuery does.
			if _, err := url.Parse(pageLink); err != nil {
				t.Fatal(err)
			}
			_, fragment, _ := strings.Cut(pageLink, "#")
			values, err := url.ParseQuery(fragment)
			if err != nil || values.Get("link") != tt.link.ShareLink() {
				t.Fatalf("fragment gives %q, %v; want %q", values.Get("link"), err, tt.link.ShareLink())
			}
			parts, ok, err := ParsePageLink(pageLink)
			if !ok || err != nil || parts.Link != tt.link.ShareLink() || parts.Kind != PageKindPut || parts.PageURL != tt.wantPage {
				t.Fatalf("ParsePageLink = %+v, %v, %v", parts, ok, err)
			}
			if strings.ContainsAny(strings.SplitN(pageLink, "#", 2)[1], "#+; ") {
				t.Errorf("the fragment holds a byte that changes its meaning: %s", pageLink)
			}
		})
	}
}

func TestPageLinkInspect(t *testing.T) {
	pageLink, err := testLink().PageLink(testPage)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Inspect("<"+pageLink+">", testNow)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "source", in.Source, SourcePageLink)
	want(t, "page", in.PageURL, testPage)
	want(t, "url", in.URL, v4URL)
	want(t, "headers", in.Headers, testHeaders)
	want(t, "share link", in.ShareLink(), testLink().ShareLink())
}

func TestPageLinkRefusals(t *testing.T) {
	share := testLink().ShareLink()
	nested, _ := BuildPageLink(testPage, PageKindPut, share)
	tests := []struct {
		name, text string
		want       string
	}{
		{"newer version", testPage + "#ossdrop-page=2&kind=put&link=x", "newer OSS Drop"},
		{"unknown kind", testPage + "#ossdrop-page=1&kind=zip&link=x", "does not know"},
		{"no link", testPage + "#ossdrop-page=1&kind=put", "carries no link"},
		{"twice", testPage + "#ossdrop-page=1&kind=put&link=a&link=b", "twice"},
		{"damaged", testPage + "#ossdrop-page=1&kind=put&link=%zz", "damaged"},
		{"nested", testPage + "#ossdrop-page=1&kind=put&link=" + escapePageLink(nested), "another page link"},
		{"kind of another link", testPage + "#ossdrop-page=1&kind=post&link=" + escapePageLink(share), "carries another kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.text, testNow)
			if !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Inspect = %v, want %q", err, tt.want)
			}
			checkLinkError(t, err)
		})
	}
	if _, ok, _ := ParsePageLink(share); ok {
		t.Error("a share link taken for a page link")
	}
	get := testLink()
	get.Method = MethodGet
	if _, err := get.PageLink(testPage); !errors.Is(err, ErrPageKind) {
		t.Errorf("page link of a download link: %v", err)
	}
}

func TestValidatePageURL(t *testing.T) {
	tests := []struct {
		raw, origin string
		ok          bool
	}{
		{"https://files.example.com/_ossdrop/upload.html", "https://files.example.com", true},
		{" HTTPS://Files.Example.COM:443/up.html ", "https://files.example.com", true},
		{"http://127.0.0.1:9000/_ossdrop/upload.html", "http://127.0.0.1:9000", true},
		{"http://localhost:80/x", "http://localhost", true},
		{"https://[::1]:443/x", "https://[::1]", true},
		{"https://[::1]:8443/x", "https://[::1]:8443", true},
		{"", "", false},
		{"files.example.com/upload.html", "", false},
		{"ftp://files.example.com/upload.html", "", false},
		{"https:///upload.html", "", false},
		{"https://user:pw@files.example.com/upload.html", "", false},
		{"https://files.example.com/%zz", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			origin, err := PageOrigin(tt.raw)
			if tt.ok != (err == nil) || origin != tt.origin {
				t.Fatalf("PageOrigin = %q, %v", origin, err)
			}
			if err != nil {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != FieldPageURL || !errors.Is(err, ErrPageURL) || fe.Msg == "" {
					t.Fatalf("error %#v is not a page-url FieldError", err)
				}
			}
		})
	}
}

// TestPageLinkQRVersion measures what a phone camera must read: the QR
// version of a typical upload link (metadata and content type bound), as a
// share link and as a page link. The page adds its address and 29
// characters of keys, which must cost at most two versions.
func TestPageLinkQRVersion(t *testing.T) {
	share := testLink().ShareLink()
	page, err := testLink().PageLink(testPage)
	if err != nil {
		t.Fatal(err)
	}
	version := func(name, text string) int {
		qr, err := EncodeQR(text)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d characters, QR version %d (%d modules), level %s", name, len(text), qr.Version(), 17+4*qr.Version(), qr.Level)
		return qr.Version()
	}
	vs, vp := version("share link", share), version("page link", page)
	if vp > vs+2 || vp > 20 {
		t.Errorf("page link QR version %d (share link %d): want at most 2 more, and at most 20", vp, vs)
	}
}

// FuzzPageLink checks that any link a page link is built from comes back
// unchanged, and that parsing never panics.
func FuzzPageLink(f *testing.F) {
	f.Add(testPage, testLink().ShareLink())
	f.Add("http://127.0.0.1:9000/_ossdrop/upload.html?x=1#y", "a+b&c;d#e%f 中")
	f.Add("https://x", "")
	f.Fuzz(func(t *testing.T, page, link string) {
		built, err := BuildPageLink(page, PageKindPut, link)
		if err != nil {
			_, _, _ = ParsePageLink(page + "#" + link)
			return
		}
		parts, ok, err := ParsePageLink(built)
		switch {
		case !ok:
			t.Fatalf("%q not read as a page link", built)
		case link == "" && err == nil:
			t.Fatalf("empty link accepted from %q", built)
		case link != "" && (err != nil || parts.Link != link || parts.Kind != PageKindPut):
			t.Fatalf("%q gave %+v, %v; want link %q", built, parts, err, link)
		}
	})
}

// TestRequestPageLink carries a request link to the page (kind post): it
// comes back whole, Inspect reads it as the request link, and its QR code
// is measured.
func TestRequestPageLink(t *testing.T) {
	l, err := NewRequestLink(requestLinkRequest(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	pageLink, err := l.PageLink(testPage)
	if err != nil {
		t.Fatal(err)
	}
	parts, ok, err := ParsePageLink(pageLink)
	if !ok || err != nil || parts.Kind != PageKindRequest || parts.Link != l.ShareLink() {
		t.Fatalf("ParsePageLink = %+v, %v, %v", parts, ok, err)
	}
	in, err := Inspect(pageLink, testNow)
	if err != nil || in.Request == nil || in.Source != SourcePageLink || in.ShareLink() != l.ShareLink() || in.PageURL != testPage {
		t.Fatalf("Inspect = %+v, %v", in, err)
	}
	for name, text := range map[string]string{"request share link": l.ShareLink(), "request page link": pageLink} {
		qr, err := EncodeQR(text)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d characters, QR version %d, level %s", name, len(text), qr.Version(), qr.Level)
	}
	// A page link that calls a PUT share link a request link is refused.
	wrong, _ := BuildPageLink(testPage, PageKindPut, l.ShareLink())
	if _, err := Inspect(wrong, testNow); err == nil || !strings.Contains(err.Error(), "carries another kind") {
		t.Errorf("kind put with a request link: %v", err)
	}
}
