# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint format messages stop clean totp manage

run: install
	$(BIN)/python -m trygg.run

# The test settings are named outright: importing trygg (as `-m trygg.embedded` does) sets
# DJANGO_SETTINGS_MODULE to the portal's own settings for Celery's sake.
test: export DJANGO_SETTINGS_MODULE = tests.settings
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m trygg.embedded exec -- $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m trygg.embedded exec -- $(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP) locale/sv/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

$(STAMP): pyproject.toml build-constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e ".[dev]"
	touch $@

# Translations are compiled with Babel, so no system gettext is needed.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile --domain django --directory locale --locale $* --statistics

# Developer helpers (not needed by the two commands).
lint:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

messages:
	$(BIN)/python manage.py makemessages --locale sv --locale en --ignore '.venv/*' --ignore 'var/*'

# The current second-factor code of a demo user (a local run, as `make run`): make totp USER=samordnare
totp: export TRYGG_LOCAL ?= 1
totp: install
	$(BIN)/python manage.py demo_totp $(USER)

# Any manage.py command on the embedded default, as `make run` sees the portal (TRYGG_LOCAL):
# make manage ARGS="create_api_client --name Bostad --organisation bostadsbolaget --scopes reports:read"
manage: install
	$(BIN)/python manage.py $(ARGS)

stop:
	$(BIN)/python -m trygg.embedded stop

clean: stop
	rm -rf $(VENV) var staticfiles
