"""Settings for the MSME newsletter portal.

Every deployment-specific value comes from the environment (see the table in
README.md). There is no insecure fallback: without DJANGO_SECRET_KEY the site
refuses to start.
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
import jinja2
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("DJANGO_SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["DJANGO_SECRET_KEY_FILE"]).read_text().strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE, a file holding "
        "it) to a long random value, for example: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "`make run` generates one for local use in var/secret_key."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Absolute base URL used in emails, feeds and Open Graph tags.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, which it patches: content fields per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "ckeditor",
    "ckeditor_uploader",
    "nested_admin",
    "reversion",
    "anymail",
    "msme_portal",
    "network",
    "guides",
    "newsletters",
]

MIDDLEWARE = [
    # First: everything after it reads the client's address and scheme. Then
    # the public pages sent again as the middleware below finished them.
    "msme_portal.proxies.ForwardedHeadersMiddleware",
    "msme_portal.sent_pages.SentPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "msme_portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Activates the address's language; ahead of the HTTP cache, whose ETags
    # name the language and whose stored pages are rendered in it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the page cache, so stored pages get their headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "msme_portal.http_cache.HttpCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Axes must come last so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msme_portal.urls"

TEMPLATES = [
    {
        # The admin and its overrides (`templates/` folders), and form widgets.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "msme_portal.context_processors.site",
            ],
        },
    },
    {
        # Every public page and email: see msme_portal/jinja2.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "msme_portal.jinja2.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "msme_portal.context_processors.site",
            ],
            # In development, as in the tests, a misspelt variable fails the
            # page instead of printing nothing; production stays lenient.
            "undefined": jinja2.StrictUndefined if DEBUG else jinja2.Undefined,
        },
    },
]

WSGI_APPLICATION = "msme_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASE_ROUTERS = ["newsletters.routers.DerivedTablesRouter"]  # tables PostgreSQL fills

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "msme_portal.postgresql"  # Django's, cheaper health check
# Prepared statements on PostgreSQL (msme_portal/postgresql/base.py).
DATABASE_PREPARED_STATEMENTS = env_bool("DJANGO_DB_PREPARED_STATEMENTS", True)
# Each process LISTENs for changes of the content version (msme_portal/database_cache.py):
# off behind a pooler in transaction mode, which cannot keep a LISTEN.
DATABASE_CACHE_WATCH = env_bool("DJANGO_DB_CACHE_WATCH", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets the site read while the send worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

# The cache holds what every app process must agree on (the content version an
# edit replaces, the sign-up limits), so it is shared: by default a table that
# `migrate` creates (msme_portal/apps.py), or Redis (msme_portal/redis_cache.py).
# A per-process cache is refused by a system check in production.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_CACHE_BACKEND", "msme_portal.database_cache.DatabaseCache"
        ),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "msme_portal_cache"),
        "TIMEOUT": 300,
    }
}

# Seconds a browser or the caching proxy may keep a public page without
# asking again: how long an edit or a withdrawn issue can take to reach
# readers behind the proxy (docs/deployment.md, "How fresh").
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_MAX_AGE", "60"))

# Stored public pages and their ETags (msme_portal/page_cache.py). Off with debug:
# the ETag names the release once per process, hiding an edited template.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", not DEBUG)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Proxies whose X-Forwarded-For and -Proto are believed (addresses or networks,
# msme_portal/proxies.py): loopback by default, for nginx on the same host.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1")

# Login throttling: a lock-out applies to one username from one address, or
# to one address trying many usernames (password spraying), and expires by
# itself. Addresses are the clients' own (behind the proxy too), so nobody
# can lock out someone who signs in from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "msme_portal.proxies.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content is written in English first; a field not yet translated shows the
# English text (see newsletters/translation.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

# Uploaded media: the local file system (one server, or a volume all servers
# share) unless DJANGO_MEDIA_STORAGE=s3 puts it in an S3-compatible bucket
# (docs/deployment.md, "Uploaded media"). The S3 options are django-storages' own
# settings read from variables of the same names; django-storages reads the
# credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) from the environment
# itself, so they never pass through settings.
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
media_storage = os.environ.get("DJANGO_MEDIA_STORAGE", "local").strip().lower()
if media_storage == "local":
    default_storage_config = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif media_storage == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket uploaded "
            "media is stored in."
        )
    default_storage_config = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Published pages and sent emails link to the images for good, so
            # by default the URLs are plain and the bucket is public-read.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
        },
    }
else:
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_STORAGE is {media_storage!r}: use 'local' (the default) or 's3'."
    )

STORAGES = {
    "default": default_storage_config,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: the backend is chosen by DJANGO_EMAIL_BACKEND; SMTP settings keep Django's names.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "WTO MSME Group newsletter <newsletter@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Newsletter sign-up. The privacy statement and the consent sentence are
# kept version by version in the database (newsletters/models/consent.py).
# A sign-up form sent back faster than this (seconds) is shown again, filled
# in, to be sent once more: robots rarely do, browser autofill users can.
NEWSLETTER_SIGNUP_MIN_SECONDS = 3
# Sign-up and new-link attempts allowed, as (count, window in seconds): "ip"
# per client address, "ip_email" per client address and email address
# together. Never per email address alone, or anyone could lock its owner out;
# what one address receives is capped by the send worker instead
# (newsletters/mail/outbox.py). Needs a shared cache to hold across servers.
NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (20, 3600), "ip_email": (5, 3600)}
# Address for the mailto: variant of the List-Unsubscribe header.
NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get(
    "NEWSLETTER_UNSUBSCRIBE_MAILTO", parseaddr(DEFAULT_FROM_EMAIL)[1]
)
# The mailbox bounces come back to. Each issue email's envelope sender is
# made from it per delivery ("bounces+d42-<token>@example.org",
# newsletters/mail/return_paths.py), so the mail server must deliver
# "bounces+anything@" to "bounces@" (Postfix: recipient_delimiter = +).
# Empty: issues go out from DEFAULT_FROM_EMAIL and bounces are attributed by
# the Message-ID of the message they return, when they include it.
NEWSLETTER_BOUNCE_ADDRESS = os.environ.get("NEWSLETTER_BOUNCE_ADDRESS", "")
# Sending through an email provider: its webhook reports bounces and
# complaints (newsletters/mail/provider_events.py) at /anymail/<provider>/
# tracking/, checked with HTTP basic auth as "user:password"; the webhook
# exists only once this is set. The provider's own settings (API key,
# DJANGO_EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend) go in
# ANYMAIL as django-anymail documents.
ANYMAIL_WEBHOOK_SECRET = os.environ.get("ANYMAIL_WEBHOOK_SECRET", "")
ANYMAIL = {
    "WEBHOOK_SECRET": ANYMAIL_WEBHOOK_SECRET,
    "POSTMARK_SERVER_TOKEN": os.environ.get("POSTMARK_SERVER_TOKEN", ""),
}
# The send worker makes the issues' PDF editions when it is idle
# (newsletters/pdf_builds.py); 0 leaves them to `manage.py build_pdf_editions`.
NEWSLETTER_PDF_EDITIONS = env_bool("NEWSLETTER_PDF_EDITIONS", True)
# The send page's report on the email (newsletters/mail/email_report.py)
# scans it in Chromium with axe-core (npm ci installs it, package.json);
# 0 keeps only the checks of its markup, for a site without Chromium.
NEWSLETTER_EMAIL_BROWSER_CHECKS = env_bool("NEWSLETTER_EMAIL_BROWSER_CHECKS", True)
NEWSLETTER_CHROMIUM_PATH = os.environ.get("NEWSLETTER_CHROMIUM_PATH", "/usr/bin/chromium")
NEWSLETTER_AXE_PATH = os.environ.get(
    "NEWSLETTER_AXE_PATH", str(BASE_DIR / "node_modules" / "axe-core" / "axe.min.js")
)
# What the mail relay allows (newsletters/mail/throttle.py), kept by all send
# workers together: messages a minute, and messages on their way to one
# domain at once. 0 is no limit.
NEWSLETTER_SEND_RATE = int(os.environ.get("NEWSLETTER_SEND_RATE", "0"))
NEWSLETTER_SEND_PER_DOMAIN = int(os.environ.get("NEWSLETTER_SEND_PER_DOMAIN", "0"))
# A mailbox that `manage.py fetch_bounces` reads bounces from, when they are
# not handed to the portal: imaps://user:password@host/INBOX or
# pop3s://user:password@host; a CA bundle for a private certificate.
NEWSLETTER_BOUNCE_MAILBOX = os.environ.get("NEWSLETTER_BOUNCE_MAILBOX", "")
NEWSLETTER_BOUNCE_MAILBOX_CA = os.environ.get("NEWSLETTER_BOUNCE_MAILBOX_CA", "")
# (bounces, days): this many soft bounces within this many days suppress an
# address, as one hard bounce does.
NEWSLETTER_SOFT_BOUNCE_LIMIT = (
    int(os.environ.get("NEWSLETTER_SOFT_BOUNCE_LIMIT", "3")),
    int(os.environ.get("NEWSLETTER_SOFT_BOUNCE_DAYS", "30")),
)

# Security. With debug off every protection is on; DJANGO_SECURE_SSL_REDIRECT=0
# lets the production configuration be served over plain HTTP on loopback.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers poll the health check over plain HTTP, and a redirect is
# not the 200 they wait for.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading (hstspreload.org) builds HTTPS-only into browsers for the whole
# domain and takes months to undo: a deployer opts in.
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Only staff have sessions (the public site sets none). A session ends when
# the browser closes, and on the server, whatever the browser keeps, a
# working day after it was last changed (normally the sign-in).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = not DEBUG
# Django's own view renders the page without the request the shell needs.
CSRF_FAILURE_VIEW = "msme_portal.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Rich-text editor (admin only). django-ckeditor bundles CKEditor 4, which is
# end-of-life; docs/security.md explains how it is contained.
CKEDITOR_UPLOAD_PATH = "editor/"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_RESTRICT_BY_USER = False
CKEDITOR_IMAGE_BACKEND = "pillow"
CKEDITOR_FILENAME_GENERATOR = "msme_portal.images.random_upload_name"
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image", "Table"],
            ["RemoveFormat", "Source"],
        ],
        "format_tags": "p;h3;h4",
        "height": 300,
        "width": "100%",
        "removePlugins": "exportpdf",
        # A div, not an iframe: the page moves sections and questions
        # in the page when they are reordered, and a moved iframe loses its text.
        "extraPlugins": "divarea",
    }
}
SILENCED_SYSTEM_CHECKS = [
    # ckeditor.W001 warns that CKEditor 4 is unsupported. We know, and contain
    # it: see docs/security.md.
    "ckeditor.W001",
    # security.W021 asks for HSTS preloading, which is the deployer's
    # commitment to make (DJANGO_HSTS_PRELOAD=1), not a default.
    "security.W021",
]

# Uploaded images: see msme_portal/images.py.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
# Every upload is decoded and encoded again, at 3 to 4 bytes per pixel and
# twice that while it is turned upright: 12.6 million pixels keep that near
# 100 MB per worker (40 million cost 300 MB and over a second) and still admit
# a 12-megapixel phone photo (4032 × 3024). JPEGs up to four times larger are
# decoded at half size.
MAX_IMAGE_PIXELS = 4096 * 3072
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGIN_URL = "admin:login"

# Logs go to standard error, so that a command's standard output is only
# its data (`manage.py dumpdata > backup.json`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "disallowed_host_as_warning": {"()": "msme_portal.log_filters.DisallowedHostAsWarning"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security.DisallowedHost": {"filters": ["disallowed_host_as_warning"]},
        # WeasyPrint logs every step of every page at INFO, and fonttools
        # each font it subsets: the PDF editions log one line of their own.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
