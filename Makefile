# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock

.PHONY: run test test-quick install lock bench messages compilemessages clean

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

# The translation catalogues, locale/<lang>/LC_MESSAGES/django.po: Django's
# makemessages reads the Python code and Django templates, Babel the Jinja2
# templates (babel.cfg), and msgmerge puts both into each catalogue, keeping
# its translations. Needs GNU gettext (bin/install-system-deps). See
# docs/architecture.md.
MESSAGE_LANGUAGES := fr es
MESSAGE_IGNORED_DIRS := .venv var node_modules tests bench
# The settings want a signing key; these commands sign nothing.
MESSAGES_MANAGE := DJANGO_SECRET_KEY=messages-only $(PY) manage.py

messages: install
	mkdir -p locale var
	# Skips jinja2/ folders, which it would misread as Django templates, and
	# keeps its template of the strings for the merge.
	$(MESSAGES_MANAGE) makemessages --keep-pot $(addprefix -l ,$(MESSAGE_LANGUAGES)) \
		$(addprefix -i ,$(MESSAGE_IGNORED_DIRS) jinja2)
	mv locale/django.pot var/django.pot
	$(VENV)/bin/pybabel -q extract -F babel.cfg \
		--ignore-dirs=".* ._ $(MESSAGE_IGNORED_DIRS)" -o var/jinja2.pot .
	msgcat --use-first var/django.pot var/jinja2.pot -o var/messages.pot
	for lang in $(MESSAGE_LANGUAGES); do \
		msgmerge --quiet --update --backup=none --previous \
			locale/$$lang/LC_MESSAGES/django.po var/messages.pot || exit 1; \
	done
	$(MAKE) compilemessages

# The .mo files Django reads, compiled from the catalogues.
compilemessages: install
	$(MESSAGES_MANAGE) compilemessages $(addprefix -i ,$(MESSAGE_IGNORED_DIRS))

clean:
	rm -rf var/test-static var/test-media .pytest_cache
