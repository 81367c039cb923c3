# DowntimeMon: `make run` starts a collector with a local agent, `make test` runs every test.
SHELL := /bin/bash
DEB_PACKAGES := libcurl4-openssl-dev libsqlite3-dev curl wget faketime chromium prometheus
SWIFT ?= swift
BIN := .build/debug

.PHONY: deps build release test run bench clean

# Installs the Debian packages the build and the tests need, only when one is missing.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	DOWNTIME_BIN_DIR=$$($(SWIFT) build --show-bin-path) $(SWIFT) test --skip-build

run: build
	./deploy/run-local.sh $(BIN)

clean:
	rm -rf .build

bench: deps
	$(SWIFT) build -c release --product downtime-bench
	.build/release/downtime-bench
