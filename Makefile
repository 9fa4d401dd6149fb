# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock

.PHONY: run test test-quick install lock bench clean

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

var/secret_key:
	mkdir -p var
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

run: install var/secret_key
	bin/run-local

test: install
	bin/run-tests

# The fast loop while working: lint and the suite on SQLite, without the
# browser and deployed-shape tests. `make test` stays the one full check.
test-quick: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_ENV_FILE= DATABASE_URL="sqlite:///$(CURDIR)/var/test.sqlite3" \
		$(PY) -m pytest -q -m "not browser and not deployed"

# The public-site benchmark (minutes; not part of `make test`). See bench/README.md.
bench: install
	bench/run.sh

# Refresh the lock file after editing dependencies in pyproject.toml.
lock:
	$(PY) -m piptools compile --quiet --upgrade --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf var/test-static var/test-media .pytest_cache
