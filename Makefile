# OSS Drop. 'make run' starts the app, 'make test' runs every test; both
# install what they need first (Debian packages via apt-get, Go modules).

BIN          := bin/ossdrop
# Fyne's emoji font (4.2 MB) is left out: Fyne parses it again for every
# text style the window uses (measured: 4-5 MB of memory each); emoji in
# file names still come from the system's emoji font.
TAGS         := no_emoji
ARTIFACTS    ?= $(CURDIR)/artifacts
FUZZTIME     ?= 20000x
STATICCHECK  := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FYNE_CLI     := fyne.io/tools/cmd/fyne@v1.7.4
VERSION      := $(shell sed -n 's/^Version *= *"\(.*\)"$$/\1/p' FyneApp.toml)
WINDOWS_ZIP  := dist/ossdrop-$(VERSION)-windows-amd64.zip

# cgo and GLFW for the window; Xvfb, xdotool and ImageMagick for the GUI
# smoke test; gnome-keyring and D-Bus for the keychain tests; zbar and curl
# for end-to-end checks of QR codes and curl commands; Chromium for the
# upload page's browser tests (driven over the DevTools protocol); GTK's
# Python bindings for the drag source of the drag-and-drop test. For
# Windows: MinGW-w64 to cross-compile ossdrop.exe, zip to pack it, and wine
# (64-bit), icoutils and unzip to test it.
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth libgl1-mesa-dri \
	gnome-keyring libsecret-tools dbus imagemagick xdotool zbar-tools curl fonts-noto-cjk chromium \
	python3-gi gir1.2-gtk-3.0 gcc-mingw-w64-x86-64 zip unzip wine wine64 icoutils

# What scripts/cjk-font reads to make the shipped CJK fonts.
FONT_PACKAGES := python3-fonttools fonts-noto-cjk unicode-data

SHELL       := bash
.SHELLFLAGS := -o pipefail -ec

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test test-unit test-race test-fuzz test-keychain test-gui test-windows bench lint package package-windows cjk-font clean

# apt_install installs the Debian packages in $(1) that are missing.
define apt_install
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "deps: installing" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else echo "deps: not a Debian system; install the equivalents of: $(1)"; fi
endef

## deps: install missing Debian packages (on Debian/Ubuntu) and Go modules
deps:
	$(call apt_install,$(DEB_PACKAGES))
	go mod download

## build: the ossdrop binary (GUI and CLI) in bin/
build:
	go build -tags $(TAGS) -o $(BIN) .

## run: build and start the desktop app
run: deps build
	./$(BIN)

## test: unit, end-to-end (sandbox on 127.0.0.1), fuzz, keychain, GUI smoke and Windows (wine) tests
test: deps test-unit test-race test-fuzz test-keychain test-gui test-windows
	@echo "make test: all test groups passed"

# The upload page's browser tests must run here (make deps installed
# Chromium); their screenshots go to $(ARTIFACTS). The unit tests are not
# run under wine (its t.TempDir cleanup fails), but they and everything
# else must compile for Windows.
test-unit:
	go vet -tags ci ./...
	GOOS=windows go vet -tags ci ./...
	OSSDROP_REQUIRE_BROWSER=1 OSSDROP_ARTIFACTS=$(ARTIFACTS) scripts/isolated go test -tags ci -count=1 ./...

# The same tests under the race detector (the uploader, the sandbox and the
# UI all hand work between goroutines); the browser tests ran above.
test-race:
	scripts/isolated go test -tags ci -race -count=1 $$(go list ./... | grep -v /assets/web)

# Every fuzz target runs briefly (a count, not a time: with a large cached
# corpus a short -fuzztime can end while the baseline is still being read,
# which go test reports as a failure); the seeds already run in test-unit.
test-fuzz:
	@for pkg in $$(go list ./...); do \
	  for f in $$(go test -tags ci -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    scripts/isolated go test -tags ci -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# The real keychain: gnome-keyring in a private D-Bus session; then the same
# code with no Secret Service at all, which must refuse without a fallback.
test-keychain:
	OSSDROP_KEYRING_TEST=1 scripts/with-keyring go test -tags ci -count=1 -v -run Keyring ./app/credentials/ ./app/cli/ | grep -E "^(---|ok|FAIL|PASS)"
	OSSDROP_NO_KEYRING_TEST=1 DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus \
	  scripts/isolated go test -tags ci -count=1 -v -run Keyring ./app/credentials/ ./app/cli/ | grep -E "^(---|ok|FAIL|PASS)"

# A real window under Xvfb; the screenshot is kept as a CI artifact. A real
# drag and drop from a GTK drag source. A second start with a link while
# the app runs: handed over to the one window. Then the same binary where
# no window can open: a sentence, never a stack trace.
test-gui: build
	scripts/isolated scripts/gui-smoke $(BIN) $(ARTIFACTS)/gui-smoke.png --sandbox
	scripts/isolated scripts/gui-drag $(BIN) $(ARTIFACTS)/gui-drag
	scripts/isolated scripts/gui-single-instance $(BIN) $(ARTIFACTS)/gui-single-instance.png
	scripts/isolated scripts/no-window $(BIN)

# The Windows package, built once: its PE resources read with icoutils, then
# the command line end to end and the GUI under wine on Xvfb, screenshots
# kept as CI artifacts. Skipped with one line where it cannot be built.
test-windows: build
	@if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then \
	  echo "test-windows: skipped: no MinGW-w64 (x86_64-w64-mingw32-gcc) to build ossdrop.exe"; exit 0; fi; \
	scripts/package-windows $(WINDOWS_ZIP); \
	scripts/isolated scripts/windows-e2e $(WINDOWS_ZIP) $(BIN) $(ARTIFACTS)

## bench: Go benchmarks (ns/op, MB/s), then on loopback: ossdrop upload vs curl (PUT, and request links vs curl -F), the sandbox's PUT and PostObject ingest vs MD5; then the window's idle memory and start-up time beside a bare Fyne window, en and zh
bench: build
	scripts/isolated go test -tags ci -run '^$$' -bench . -benchmem ./...
	scripts/isolated scripts/bench-upload $(BIN)
	scripts/isolated scripts/bench-request $(BIN)
	go build -o bin/barewindow ./scripts/barewindow
	scripts/bench-window $(BIN) bin/barewindow

## lint: go vet and staticcheck
lint:
	go vet -tags ci ./...
	go run $(STATICCHECK) -tags ci ./...

## package: an installable Linux tarball with the icon and a .desktop entry
# (fyne package bumps Build in FyneApp.toml; the file is put back as it was)
package: deps
	orig=$$(mktemp); cp FyneApp.toml "$$orig"; trap 'cp "$$orig" FyneApp.toml; rm -f "$$orig"' EXIT; \
	go run $(FYNE_CLI) package --os linux --release --tags $(TAGS)
	@ls -l *.tar.xz && echo "unpack it and run: sudo make install (or make user-install)"

## package-windows: dist/ossdrop-VERSION-windows-amd64.zip, cross-compiled with MinGW-w64
package-windows: deps
	scripts/package-windows $(WINDOWS_ZIP)

## cjk-font: remake the shipped CJK fonts (assets/fonts) from Noto Sans CJK SC after the translations change
cjk-font:
	$(call apt_install,$(FONT_PACKAGES))
	scripts/cjk-font

clean:
	rm -rf bin dist $(ARTIFACTS) *.tar.xz
