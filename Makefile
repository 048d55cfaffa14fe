# Jichitai — every command a developer or CI needs. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000
# The sample identity provider (development only) that `make run` starts beside the site.
OIDC_PORT ?= 8001
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: help setup run test lint worker bench browser-deps translations

help:
	@echo "make run     set up, load demo data and serve http://127.0.0.1:$(PORT)"
	@echo "make test    set up and run the whole test suite (DATABASE_URL selects the database)"
	@echo "make setup   install Python and npm dependencies, build assets and translations"
	@echo "make lint    ruff, mypy, import-linter's layers, makemigrations --check"
	@echo "make worker  run the background task worker and the mail sweeper"
	@echo "make bench B=<name>  run bench/<name>.py"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: .venv/.synced node_modules/.installed
	$(PY) manage.py build_assets
	$(PY) manage.py compile_translations

# Debian's Chromium for the browser tests; never a browser downloaded by a test tool.
browser-deps:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Links in mail point at the port being served, unless told otherwise.
run: export JICHITAI_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: export JICHITAI_SAMPLE_OIDC_URL ?= http://127.0.0.1:$(OIDC_PORT)
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_data
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@$(PY) manage.py demo_accounts
	@trap 'kill 0' EXIT; \
	$(PY) manage.py db_worker & \
	$(PY) manage.py run_sample_oidc_provider --port $(OIDC_PORT) & \
	$(PY) manage.py send_due_notifications --loop & \
	$(PY) manage.py recheck_stuck_files --loop & \
	.venv/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	  --access-logfile /dev/null --error-logfile -

test: setup browser-deps
	$(PY) manage.py collectstatic --no-input --verbosity 0
	.venv/bin/pytest -n $${PYTEST_WORKERS:-auto}

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy jichitai config tests conftest.py
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The task worker, and beside it the outbox sweeper that retries mail and sends what a lost
# task never did, and the sweeper that starts again file checks whose worker died.
worker: setup
	@trap 'kill 0' EXIT; \
	$(PY) manage.py send_due_notifications --loop & \
	$(PY) manage.py recheck_stuck_files --loop & \
	$(PY) manage.py db_worker

bench: setup
	@test -n "$(B)" || { echo "usage: make bench B=<name>"; exit 2; }
	$(PY) bench/$(B).py

# Refresh locale/en from the source; needs GNU gettext (apt-get install gettext). Untranslated
# entries make the test suite fail until they are translated.
translations: setup
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=var
	$(PY) manage.py compile_translations
