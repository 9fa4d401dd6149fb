"""Settings for the test suite: the real settings, made fast and hermetic."""

import os

import jinja2

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Processes the tests start (manage.py) do not read the configuration that
# `make run` left in var/local.env.
os.environ.setdefault("DJANGO_ENV_FILE", "")
# The send worker makes no PDF edition unless a test asks (seconds each).
os.environ.setdefault("NEWSLETTER_PDF_EDITIONS", "0")
# The send page scans the email in Chromium only where a test asks (seconds
# a scan): tests/newsletters/test_email_report.py and the browser tests.
os.environ.setdefault("NEWSLETTER_EMAIL_BROWSER_CHECKS", "0")
# The email provider's webhook exists only with a secret.
os.environ.setdefault("ANYMAIL_WEBHOOK_SECRET", "provider:test-webhook-secret")

from msme_portal.settings import *  # noqa: F403
from msme_portal.settings import BASE_DIR, STORAGES, TEMPLATES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No collectstatic in tests: plain storage, files found through the finders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

MEDIA_ROOT = BASE_DIR / "var" / "test-media"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    }
}

# A misspelt variable in a Jinja2 template fails the tests instead of
# printing nothing (production keeps Jinja2's lenient default).
TEMPLATES = [
    template
    if template["BACKEND"] != "django.template.backends.jinja2.Jinja2"
    else {**template, "OPTIONS": {**template["OPTIONS"], "undefined": jinja2.StrictUndefined}}
    for template in TEMPLATES
]
