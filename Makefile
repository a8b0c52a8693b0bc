# Golive's two commands: `make run` starts the app with demo data, `make test` runs the checks.
# Both set up .venv first. GNU make and bash on Linux.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
REQUIREMENTS_STAMP := $(VENV)/.requirements-installed
STATIC_STAMP := staticfiles/.collected
VAR_DIRS := var/celery/queue var/celery/processed var/mail
HOST := 127.0.0.1
PORT := 8000
PYTEST_ARGS ?=
# The suite's processes (pytest-xdist): one per core, up to 8; TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto

# The browser tests drive Debian's Chromium (onboarding/tests/browser.py looks for it here).
CHROMIUM := /usr/bin/chromium
CHROMIUM_INSTALL := apt-get update && apt-get install -y --no-install-recommends chromium

# WeasyPrint (the PDFs of reports) loads Debian's Pango and HarfBuzz when imported.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
PDF_LIBS_INSTALL := apt-get update && apt-get install -y --no-install-recommends $(PDF_LIBS)

.PHONY: help setup run test lint bench chromium pdf-libs

help:
	@echo "make run    set up .venv, migrate, load the demo data, start the web app on"
	echo "           http://$(HOST):$(PORT) with a Celery worker and Celery beat (Ctrl-C stops all)"
	echo "make test   set up .venv, install Chromium if missing, lint, then run the whole test suite"
	echo "           (pass pytest options with PYTEST_ARGS=\"-k name\")"
	echo "make lint   ruff check, ruff format --check, makemigrations --check"
	echo "make bench  load a large data set into PostgreSQL and time the pages (gunicorn + wrk)"
	echo "           and the jobs; see docs/performance.md (options: BENCH_ARGS=\"--help\")"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
	  echo "Golive needs Python 3.11 or newer: run make with PYTHON=python3.11 (or newer)." >&2
	  exit 1
	}
	echo "Creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt is newer than the last install.
$(REQUIREMENTS_STAMP): requirements.txt | $(PY)
	@echo "Installing requirements.txt into $(VENV)"
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

$(VAR_DIRS):
	@mkdir -p $@

setup: $(REQUIREMENTS_STAMP) | $(VAR_DIRS)

# Collect static files again only when a static file or the requirements changed.
$(STATIC_STAMP): $(REQUIREMENTS_STAMP) $(shell find static -type f 2>/dev/null)
	@echo "Collecting static files"
	$(PY) manage.py collectstatic --noinput --verbosity 0
	touch $@

lint: setup
	@$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Installed when missing if we may (root, with apt-get); otherwise stop before the suite, whose
# browser tests would all fail, and say what to run.
chromium:
	@if [[ -x $(CHROMIUM) ]]; then exit 0; fi
	if [[ $$(id -u) == 0 ]] && command -v apt-get >/dev/null; then
	  echo "Installing Debian's Chromium for the browser tests"
	  export DEBIAN_FRONTEND=noninteractive
	  $(CHROMIUM_INSTALL)
	else
	  echo "The browser tests need Debian's Chromium at $(CHROMIUM): run sudo sh -c '$(CHROMIUM_INSTALL)', then make test again." >&2
	  exit 1
	fi
	if [[ ! -x $(CHROMIUM) ]]; then
	  echo "apt-get installed chromium, but not at $(CHROMIUM)." >&2
	  exit 1
	fi

# Installed when missing if we may (root, with apt-get), like Chromium; otherwise say what to run.
pdf-libs: setup
	@if $(PY) -c 'import weasyprint' >/dev/null 2>&1; then exit 0; fi
	if [[ $$(id -u) == 0 ]] && command -v apt-get >/dev/null; then
	  echo "Installing Debian's Pango for WeasyPrint (the PDFs of reports)"
	  export DEBIAN_FRONTEND=noninteractive
	  $(PDF_LIBS_INSTALL)
	else
	  echo "PDFs of reports need Debian's Pango: run sudo sh -c '$(PDF_LIBS_INSTALL)', then make again." >&2
	  exit 1
	fi
	$(PY) -c 'import weasyprint'

test: chromium pdf-libs lint
	@$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 $(PYTEST_ARGS)

# The performance benchmark (bench/run.py says what it does; docs/performance.md has the figures).
# PostgreSQL at BENCH_DATABASE_URL and Redis at BENCH_REDIS_URL; installs wrk with apt-get.
# BENCH_ARGS="--skip-office", "--office-users 200", "--scale 10", "--help"...
BENCH_ARGS ?=
bench: setup
	@$(PY) -m bench.run $(BENCH_ARGS)

# The web app, the worker and beat each run in a process group of their own. Ctrl-C, or
# SIGTERM to make, stops all three (so does any one of them exiting): each gets SIGTERM and
# stops its own children (runserver's reloader, the worker's pool); whatever of a group is
# still there after 15 seconds is killed, so nothing is left behind.
run: setup pdf-libs $(STATIC_STAMP)
	@# The links the app writes (the demo's portal sign-in link, emails) name this server.
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo | tee var/seed_demo.txt
	$(PY) manage.py run_escalations
	if (exec 3<>/dev/tcp/$(HOST)/$(PORT)) 2>/dev/null; then
	  echo "Port $(PORT) on $(HOST) is already in use: stop whatever listens there first." >&2
	  exit 1
	fi
	pids=()
	stop() {
	  set +e
	  trap '' INT TERM PIPE
	  trap - EXIT
	  echo "Stopping the web app, the Celery worker and Celery beat..." >&2
	  for pid in "$${pids[@]}"; do kill -TERM "$$pid" 2>/dev/null || true; done
	  for _ in $$(seq 150); do
	    running=0
	    for pid in "$${pids[@]}"; do kill -0 -- "-$$pid" 2>/dev/null && running=1; done
	    [[ $$running == 0 ]] && break
	    sleep 0.1
	  done
	  for pid in "$${pids[@]}"; do kill -KILL -- "-$$pid" 2>/dev/null || true; done
	  wait || true
	}
	trap stop EXIT
	trap 'exit 0' INT
	trap 'exit 143' TERM
	setsid $(PY) manage.py runserver $(HOST):$(PORT) &
	pids+=($$!)
	setsid $(BIN)/celery -A onboarding worker --loglevel="$${LOG_LEVEL:-INFO}" &
	pids+=($$!)
	setsid $(BIN)/celery -A onboarding beat --loglevel="$${LOG_LEVEL:-INFO}" &
	pids+=($$!)
	for _ in $$(seq 300); do
	  (exec 3<>/dev/tcp/$(HOST)/$(PORT)) 2>/dev/null && break
	  kill -0 "$${pids[0]}" 2>/dev/null || break
	  sleep 0.1
	done
	if kill -0 "$${pids[0]}" 2>/dev/null; then
	  echo
	  echo "  Golive is running at http://$(HOST):$(PORT)/"
	  echo
	  echo "  Demo logins, all with the password golive-demo:"
	  echo "    pm, pm2          implementation PMs"
	  echo "    manager          implementation manager"
	  echo "    sales, sales2    sales reps"
	  echo "    support          support team"
	  echo "    admin            administrator (also the Django admin at /admin/)"
	  echo
	  sed -n '/^Client portal:/,+1s/^/  /p' var/seed_demo.txt
	  echo
	  echo "  Ctrl-C stops the web app, the Celery worker and Celery beat."
	  echo
	fi
	wait -n || true
	echo "A Golive process exited." >&2
	exit 1
