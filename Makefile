# harden: the two quick-start commands are `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/harden
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/harden-dev/harden/cmd/harden/internal/cli.version=$(VERSION)

.PHONY: all build release image setup fixtures test unit demo bench lint clean install-plugin

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/harden

# release is the binary harden ships: static, stripped (-s -w), no paths.
release:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o bin/harden-release ./cmd/harden

# image builds harden:$(VERSION) with harden's own tools (harden base static
# plus the release binary); see scripts/image.sh.
image: build release
	VERSION=$(VERSION) scripts/image.sh

# setup installs Docker, debootstrap, skopeo, docker-registry, Chromium and
# the peer tools (osv-scanner, Syft) when missing and starts dockerd;
# fixtures builds the test images (cached).
setup:
	scripts/setup.sh

fixtures: setup
	scripts/fixtures.sh

# test runs every test, integration tests included, against a real Docker engine.
test: fixtures
	CI=$${CI:-true} $(GO) test -count=1 -timeout 60m ./...

# unit runs what needs neither Docker nor fixtures (integration tests skip).
unit:
	env -u CI $(GO) test ./...

# demo builds the reference app image (scripts/fixtures.sh) and runs `harden demo`; DEMO_ARGS=--keep
# leaves the images to try.
demo: build
	scripts/setup.sh --demo
	scripts/demo.sh $(DEMO_ARGS)

# install-plugin makes `docker harden ...` work (PLUGIN_ARGS=--system for
# every user).
install-plugin: build
	scripts/install-plugin.sh $(PLUGIN_ARGS)

bench: build setup
	scripts/bench.sh

lint:
	gofmt -l . | (! grep .)
	$(GO) vet ./...

clean:
	rm -rf bin
