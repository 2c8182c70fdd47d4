"""One settings file for every environment; deploy-specific values come from the environment, the legal and
policy periods from privacy_portal/policy.py.

The defaults let `make run` start with nothing set (SQLite file, local-memory cache, console email).
With DJANGO_ENV=production the site refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Read as settings like the rest, but decided by a reviewed commit, never by the environment (policy.py says why).
from .policy import (  # noqa: F401
    DISCLOSURE_DOWNLOAD_DAYS,
    INBOUND_CHANGE_CLOCK_SKEW_SECONDS,
    INBOUND_CHANGE_MAX_AGE_DAYS,
    NOTICE_MIN_ADVANCE_DAYS,
    REQUEST_DOCUMENT_RETENTION_DAYS,
    REQUEST_DUE_DAYS,
    REQUEST_REMINDER_DAYS,
    REQUEST_SEAL_CERTIFICATE_MONTHS,
    STAFF_SESSION_IDLE_SECONDS,
    STAFF_SESSION_MAX_SECONDS,
    WEBHOOK_RETRY_SECONDS,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"

env = environ.Env(
    DJANGO_ENV=(str, "development"),
    DEBUG_PAGES=(bool, False),
    SECRET_KEY=(str, DEV_SECRET_KEY),
    SECRET_KEY_FALLBACKS=(list, []),
    ALLOWED_HOSTS=(list, []),
    DATABASE_URL=(str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    CACHE_URL=(str, "locmemcache://privacy-portal"),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "プライバシーポータル <privacy@example.com>"),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, True),
    SECURE_HSTS_SECONDS=(int, 31536000),
    PUBLIC_CACHE_SECONDS=(int, 300),
    PUBLIC_PAGE_CACHE_SECONDS=(int, 86400),
    LOG_LEVEL=(str, "INFO"),
    LOG_FORMAT=(str, ""),
    API_RATE_LIMIT=(int, 600),
    DASHBOARD_CACHE_SECONDS=(int, 60),
    EMAIL_TIMEOUT=(int, 10),
    CONSENT_CHAIN_KEY=(str, ""),
    CONSENT_CHAIN_KEY_FALLBACKS=(list, []),
    CONSENT_CHECKPOINT_DIR=(str, str(BASE_DIR / "checkpoints")),
    DATABASE_STATEMENT_TIMEOUT=(int, 20),
    DATABASE_LOCK_TIMEOUT=(int, 5),
    STATIC_ROOT=(str, str(BASE_DIR / "staticfiles")),
    JOB_RETRY_SECONDS=(int, 30),
    WORKER_LOST_AFTER=(int, 120),
    DISCLOSURE_DIR=(str, str(BASE_DIR / "var" / "disclosures")),
    DISCLOSURE_PDF_MAX_ROWS=(int, 300),
    CAMPAIGN_EMAILS_PER_MINUTE=(int, 600),
    CAMPAIGN_BATCH_SECONDS=(int, 10),
    REQUEST_DOCUMENT_DIR=(str, str(BASE_DIR / "var" / "request-documents")),
    INBOUND_SCAN_DIR=(str, str(BASE_DIR / "var" / "inbound-scans")),
)

PRODUCTION = env("DJANGO_ENV") == "production"
# Django's debug pages (a traceback, the URL list) instead of the site's own Japanese 404 and 500: for a developer
# who asks for them, never in production. `make run` shows the site's own pages unless DEBUG_PAGES=true.
DEBUG = env("DEBUG_PAGES") and not PRODUCTION
SECRET_KEY = env("SECRET_KEY")
# Previous keys, still accepted when reading what they signed (sessions, unsubscribe links, export
# cursors, password-reset tokens) but never used to sign: see README, "Rotating the secret key".
SECRET_KEY_FALLBACKS = env("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env("ALLOWED_HOSTS") or ([] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_ENV=production requires SECRET_KEY of 50 or more characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production requires ALLOWED_HOSTS.")

# The consent chain's HMAC key, "<key id>:<secret>", kept out of the database (consents/chain.py), and
# the previous ones, still used to verify the events they keyed (README, "Consent evidence").
DEV_CONSENT_CHAIN_KEY = "dev:development-only-consent-chain-key-not-secret"
CONSENT_CHAIN_KEY_ID_FORMAT = re.compile(r"^[A-Za-z0-9._-]{1,20}\Z")


def _chain_key(value: str) -> tuple[str, bytes]:
    key_id, _, secret = value.partition(":")
    if not CONSENT_CHAIN_KEY_ID_FORMAT.match(key_id) or len(secret) < 32:
        raise ImproperlyConfigured(
            "CONSENT_CHAIN_KEY and its fallbacks are <key id>:<secret>: an id of 1-20 letters, digits, '.', '_' "
            "or '-', and a secret of 32 or more characters."
        )
    return key_id, secret.encode()


CONSENT_CHAIN_KEY_ID, _current_chain_key = _chain_key(env("CONSENT_CHAIN_KEY") or DEV_CONSENT_CHAIN_KEY)
CONSENT_CHAIN_KEYS = dict(_chain_key(value) for value in env("CONSENT_CHAIN_KEY_FALLBACKS"))
CONSENT_CHAIN_KEYS[CONSENT_CHAIN_KEY_ID] = _current_chain_key
if PRODUCTION and (not env("CONSENT_CHAIN_KEY") or env("CONSENT_CHAIN_KEY") == DEV_CONSENT_CHAIN_KEY):
    raise ImproperlyConfigured("DJANGO_ENV=production requires CONSENT_CHAIN_KEY (<key id>:<secret>).")
# Where consent_checkpoint writes its signed checkpoints: a directory the database's administrators
# cannot write (README, "Consent evidence").
CONSENT_CHECKPOINT_DIR = Path(env("CONSENT_CHECKPOINT_DIR"))

# Absolute base of links put into emails (login links, receipts, unsubscribe links).
SITE_URL = env("SITE_URL").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin, with staff.admin_site.StaffAdminSite as admin.site (the second factor).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "auditlog",
    "audit",
    "approvals",
    "notices",
    "faq",
    "contact",
    "customers",
    "outbox",
    "consents",
    "disclosure",
    "campaigns",
    "desk",
    "relay",
    "api",
    "insights",
    "staff",
    "demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # The worker command (run_worker) and the queue's health (queue_status).
    "core",
]

MIDDLEWARE = [
    # First: it times everything and sees every answer, the redirects and error pages of the others too.
    "core.requestlog.request_log",
    # Before anything counts a request by its address (rate limits, the staff lockout).
    "core.clientaddress.ClientAddressMiddleware",
    "core.errors.UnrepresentableInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads request.POST (CSRF does): a refused body is never parsed or written to disk.
    "core.bodylimit.BodySizeLimitMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.sessions.StaffSessionMiddleware",
    # After the user is known: every audited change in this request names its actor.
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.outage.OutageMiddleware",
    # Last, as axes asks: it turns a login refused by its lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# What a client may send (core/bodylimit.py, a 413 before the body is read): a visitor who is not logged in
# (the inquiry form: 4,000 characters are some 36 KB once encoded), a logged-in customer or staff member,
# and on the pages that take documents of desk.documents.MAX_BYTES (10 MB) each: the request form (an
# agent's three) and the desk's admin (a postal request's four), each with 1 MB for the rest of the form; and
# the admin's pages of changes said elsewhere (relay.forms: a 20 MB CSV file, or a 10 MB scan).
ANONYMOUS_BODY_MAX_BYTES = 64 * 1024
SIGNED_IN_BODY_MAX_BYTES = 1024 * 1024
DOCUMENT_UPLOAD_PATHS = {
    "/my/requests/new/": 31 * 1024 * 1024,
    "/admin/desk/": 41 * 1024 * 1024,
    "/admin/relay/inboundchange/": 21 * 1024 * 1024,
}
# Django's own cap on a body's form fields (files aside), below its 2.5 MB default.
DATA_UPLOAD_MAX_MEMORY_SIZE = SIGNED_IN_BODY_MAX_BYTES

ROOT_URLCONF = "privacy_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "privacy_portal.wsgi.application"

DATABASES = {"default": env.db_url_config(env("DATABASE_URL"))}
DATABASES["default"].setdefault("CONN_MAX_AGE", 60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` serves and runs a worker on one SQLite file: a write transaction takes the lock when
    # it begins (not half-way, when SQLite could only fail it) and waits up to 20 s for the other.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                       **DATABASES["default"].get("OPTIONS", {})}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request (a Japanese 503) before gunicorn's 30-second
    # timeout kills the worker: 5 s to connect; a connection whose peer went silent is given up by TCP
    # keepalives within 25 s, or 10 s after a send that is not acknowledged.
    # A statement that runs too long, or waits too long for a row lock (another save of the same
    # customer stuck, an operator's psql session), is cancelled the same way: QueryCanceled and
    # LockNotAvailable are OperationalErrors, so the request's transaction rolls back and the customer
    # gets the 503 page saying nothing was saved. 0 turns one off (long maintenance commands).
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
        "keepalives_count": 3, "tcp_user_timeout": 10_000,
        "options": f"-c statement_timeout={env('DATABASE_STATEMENT_TIMEOUT') * 1000} "
                   f"-c lock_timeout={env('DATABASE_LOCK_TIMEOUT') * 1000}",
        **DATABASES["default"].get("OPTIONS", {}),
    }

CACHES = {"default": env.cache_url_config(env("CACHE_URL"))}
# django-environ reads ?key_prefix= into a key Django does not know; several sites can share one Redis.
CACHES["default"]["KEY_PREFIX"] = CACHES["default"].pop("key_prefix", "")
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A Redis that does not answer fails the request in seconds, like the database.
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 2, "socket_timeout": 2, **CACHES["default"].get("OPTIONS", {})
    }
if PRODUCTION and not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Sessions, rate limits and the public-page generation must be shared by every server, and the
    # outage handling and atomic rate-limit counters are written for Redis.
    raise ImproperlyConfigured("DJANGO_ENV=production requires CACHE_URL=redis://host:6379/1 (Redis).")

# Sessions live in the shared cache (Redis in production), so they hold across app servers and a
# customer's 30-minute idle clock costs no database write on every page. A Redis restart logs
# everyone out, which short-lived sessions can afford.
SESSION_ENGINE = "core.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production (after collectstatic); served from the source tree otherwise.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production a stylesheet edited under `make run` is served as it now is (Django's DEBUG is off there).
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

vars().update(env.email_url("EMAIL_URL"))
# Seconds an SMTP connection may wait for the server at each step: a server that accepts and never
# answers must not hold a request past gunicorn's 30-second timeout (the login page and the receipt
# page answer anyway, and say what they can).
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Work caused by a row (an email, a disclosure package, a campaign's batch) is that row, run by the workers
# when due (core/jobs.py). One-off work a request hands over (the login lookup) and the periodic jobs go
# through Django's task API, stored in the database. `manage.py run_worker` runs both (README, "Workers").
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}}
# A failed job (an email not sent, a package not built, a batch not handed over) is tried again after
# this many seconds, doubling each time up to an hour; after core.jobs.MAX_ATTEMPTS tries it waits in the
# admin for staff to retry it.
JOB_RETRY_SECONDS = env("JOB_RETRY_SECONDS")
# A worker that has not said it is alive (in CACHE_URL) for this many seconds is gone: a task it left
# running is marked failed by the other workers (core/jobs.py, tasks_of_lost_workers_fail).
WORKER_LOST_AFTER = env("WORKER_LOST_AFTER")
# Where a customer page sends a visitor who is not logged in, and where a login brings the customer.
CUSTOMER_LOGIN_URL = "customers:login"
CUSTOMER_HOME_URL = "consents:my"
# The session key that holds a logged-in customer's policyholder id.
CUSTOMER_SESSION_KEY = "consents_policyholder_id"
# Where a page that could not confirm a save sends the customer to look (their history of changes).
CHANGE_HISTORY_URL = "consents:history"
# Jobs the workers run on a schedule: name -> (task, every so many seconds). Each run is claimed in
# the shared cache, so with several workers each job still runs once a period.
PERIODIC_TASKS = {
    "login-tokens-delete": ("customers.tasks.login_tokens_delete", 60 * 60),
    "task-results-prune": ("core.tasks.task_results_prune", 60 * 60),
    "disclosure-packages-expire": ("disclosure.tasks.disclosure_packages_expire", 60 * 60),
    "request-documents-delete": ("desk.tasks.request_documents_delete", 60 * 60),
    "request-reminders-send": ("desk.tasks.request_reminders_send", 60 * 60),
    "company-record-files-delete": ("desk.tasks.company_record_files_delete", 60 * 60),
    "campaign-newcomers-add": ("campaigns.tasks.campaign_newcomers_add", 10 * 60),
}
# Notice campaigns hand this many emails a minute to the outbox, in a batch every CAMPAIGN_BATCH_SECONDS
# (README, "Notice campaigns"): well below what the workers send, so that login links and receipts never
# wait behind a campaign.
CAMPAIGN_EMAILS_PER_MINUTE = env("CAMPAIGN_EMAILS_PER_MINUTE")
CAMPAIGN_BATCH_SECONDS = env("CAMPAIGN_BATCH_SECONDS")
if CAMPAIGN_EMAILS_PER_MINUTE < 1 or CAMPAIGN_BATCH_SECONDS < 1:
    raise ImproperlyConfigured("CAMPAIGN_EMAILS_PER_MINUTE and CAMPAIGN_BATCH_SECONDS are whole numbers of 1 or more.")

# Disclosure packages (everything the portal holds about a customer, as a ZIP) are written here by the
# workers and read by the app servers: a private directory outside every URL the site serves, shared by
# all of them in production (README, "Disclosure packages"). A periodic job deletes each file
# DISCLOSURE_DOWNLOAD_DAYS (policy.py) after it was built.
DISCLOSURE_DIR = Path(env("DISCLOSURE_DIR"))
# A package of at most this many rows also gets a PDF of its report (WeasyPrint's time grows with the rows,
# and it holds the whole document in memory); larger ones have the printable HTML only. 0: never a PDF.
DISCLOSURE_PDF_MAX_ROWS = env("DISCLOSURE_PDF_MAX_ROWS")

# Public pages (notices, FAQ, companies) may be cached this long by browsers and a CDN.
PUBLIC_CACHE_SECONDS = env("PUBLIC_CACHE_SECONDS")
# How long the server keeps a rendered public page; publishing or editing content drops them all at once.
PUBLIC_PAGE_CACHE_SECONDS = env("PUBLIC_PAGE_CACHE_SECONDS")

# How long the admin's opt-in dashboard keeps its figures in the shared cache: they are aggregated over every
# policyholder's preferences, paid at most once per this many seconds.
DASHBOARD_CACHE_SECONDS = env("DASHBOARD_CACHE_SECONDS")
# Agents' documents (委任状, identity documents): a private directory that no URL serves (on several app
# servers and workers, one volume they all mount); each file is deleted REQUEST_DOCUMENT_RETENTION_DAYS
# (policy.py) after its request closed (desk.tasks.request_documents_delete).
REQUEST_DOCUMENT_DIR = Path(env("REQUEST_DOCUMENT_DIR"))
# Scans of paper forms a 顧客対応 uploads with a change said on paper (relay.inbound.scan_storage): a private
# directory that no URL serves; on several app servers, one volume they all mount.
INBOUND_SCAN_DIR = Path(env("INBOUND_SCAN_DIR"))
# The settings naming directories of customer data that only the site's user may open: made 0700 whenever a
# process starts (core/apps.py), whatever mode they were created with.
PRIVATE_DIRECTORIES = ("REQUEST_DOCUMENT_DIR", "DISCLOSURE_DIR", "INBOUND_SCAN_DIR")

# Calls per minute that one API client may make; 0 turns the limit off. Counted in the shared cache.
API_RATE_LIMIT = env("API_RATE_LIMIT")

# Security headers. CSP never allows inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script on the site reads the CSRF cookie (forms carry the token), so scripts may not read it at all.
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
# A missing or wrong CSRF token gets a Japanese 403 page.
CSRF_FAILURE_VIEW = "privacy_portal.views.csrf_failure"

# Proxies (load balancers) in front of the app that append to X-Forwarded-For; 0 trusts REMOTE_ADDR.
# Login rate limits per IP and the IP address in consent events depend on it.
# Production runs behind a load balancer (it trusts X-Forwarded-Proto too): 1 unless set; counting
# every customer as the load balancer's one address would put the whole site under one IP's limits.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)

# Staff login security (staff/). django-axes counts failed admin logins in the database (AccessAttempt),
# which every app server shares. The key is the pair (username, IP): five failures lock that pair out
# for 30 minutes, so an attacker cannot lock every staff member out from one address, nor the staff
# behind one office address lock each other out; guessing across many addresses is what the second
# factor is for. A login that succeeds clears the pair's failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The audit trail (django-auditlog): one table of per-field old and new values. Values are kept whole
# (the CSV export is evidence; the admin list shortens them itself); fixtures loaded raw are not changes.
AUDITLOG_CHANGE_DISPLAY_TRUNCATE_LENGTH = -1
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# A related object is recorded by its name at the time, which stays readable after it is renamed or deleted.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# Each entry carries the X-Request-ID of the request that made it, as the log lines of that request do.
AUDITLOG_CID_GETTER = "audit.middleware.request_id"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clientaddress.client_ip"
AXES_LOCKOUT_CALLABLE = "staff.lockout.lockout_response"
# No usernames or IP addresses in the log: axes names a client by the path alone.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "staff.lockout.client_str"
# Masked in the request data AccessAttempt keeps.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# The admin asks for a 確認コード from an authenticator app (django-otp TOTP): always in production, off
# elsewhere unless asked for, so that `make run` and its demo staff log in with a password.
ADMIN_REQUIRE_OTP = env.bool("ADMIN_REQUIRE_OTP", default=PRODUCTION)
if PRODUCTION and not ADMIN_REQUIRE_OTP:
    raise ImproperlyConfigured("DJANGO_ENV=production requires a second factor for the admin: unset ADMIN_REQUIRE_OTP.")
# Authenticator apps show this beside the username; the host tells one installation from another.
OTP_TOTP_ISSUER = f"Privacy portal {urlsplit(SITE_URL).hostname}"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    # The load balancer's liveness check comes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)/?$"]
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# json: one JSON object a line, for the log shipper (core/logging.py); plain: text for a console.
LOG_FORMAT = env("LOG_FORMAT") or ("json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "core.logging.PlainFormatter"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        # django.request logs the path of every 4xx and 5xx: it gets the URL pattern instead, and any
        # other message the token of login and unsubscribe links masked.
        "path_to_route": {"()": "core.logging.PathToRouteFilter"},
        "mask_tokens": {"()": "core.logging.MaskTokensFilter"},
        "mask_client": {"()": "core.logging.MaskClientFilter"},
        "as_warning": {"()": "core.logging.AsWarningFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "mask_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {
        # On the logger too, so that Django's own handlers (its DEBUG console, mail_admins) get it masked.
        "django.request": {"filters": ["path_to_route", "mask_tokens"]},
        # A Host not in ALLOWED_HOSTS: a 400 for a scanner, not an error for the operator.
        "django.security.DisallowedHost": {"filters": ["as_warning"]},
        # gunicorn's own lines (gunicorn.conf.py): the same console, without a client's address or query string.
        "gunicorn.error": {"handlers": ["console"], "filters": ["mask_client"], "propagate": False},
        # WeasyPrint (the 新旧対照表 PDF) logs each step of every document at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
