"""Golive settings, read from the environment (see .env.example for every variable)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bootstrap
import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "golive-development-key-not-for-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'golive.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if not DEBUG:
    _missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {', '.join(_missing)} must be set in the environment."
        )
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        raise ImproperlyConfigured(
            "DEBUG is off, so DATABASE_URL must point at PostgreSQL, not the SQLite default."
        )

INSTALLED_APPS = [
    "onboarding.apps.GoliveAdminConfig",  # django.contrib.admin, opened to Golive admins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "common",
    "clients",
    "projects",
    "outbox",
    "reports",
    "alerts",
    "meetings",
    "calendars",
    "playbooks",
    "golive",
    "acceptance",
    "portal",
    "portfolio",
    "exchange",
    "webhooks",
    # The REST API: Django REST framework, its OpenAPI schema and docs, tokens by django-rest-knox.
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onboarding.urls"
WSGI_APPLICATION = "onboarding.wsgi.application"

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
                "clients.context_processors.user_role",
                "alerts.context_processors.alert_count",
                "onboarding.context_processors.csp_nonce",
            ],
        },
    },
    {
        # Only what is drawn many times over, each form field and each status report
        # (common/jinja2env.py): each app's jinja2/.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "common.jinja2env.environment"},
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login attempt first and refuses it while its username and IP
# address are locked out; the model backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", Path(next(iter(bootstrap.__path__)))),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "common.storage.StaticFilesStorage"
    },
}
# Files clients upload in the portal go through Django's storage API: local disk under
# MEDIA_ROOT by default; production may point STORAGES["default"] at any storage backend
# (README "Client portal"). Files are never served from a public URL, only through a view
# that checks who may see them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Outgoing mail. The development default writes each message to a file under var/mail.
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
EMAIL_CONFIG = env.email_url_config(EMAIL_URL)
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of filemail:///abs/path, which would put the mail
    # in a folder of that name under whatever folder the process started in. Read the path here:
    # absolute as written, or relative to the project folder (filemail://var/mail).
    _mail_url = urlsplit(EMAIL_URL)
    _mail_path = unquote(_mail_url.netloc + _mail_url.path)
    EMAIL_FILE_PATH = str(BASE_DIR / _mail_path) if _mail_path else str(VAR_DIR / "mail")
# A hung mail server must not hold a worker for ever (nor outlive the outbox's claim).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Golive <golive@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/,
# which needs no server and works across the web, worker and beat processes.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task may run, so a slow task is not handed to a second worker.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
else:
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    # kombu's filesystem transport fails on a missing folder; any process may be the first.
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Health thresholds (README "Health"). Days unless stated otherwise.
GOLIVE_HEALTH = {
    "SLIP_AMBER_DAYS": env.int("HEALTH_SLIP_AMBER_DAYS", default=7),
    "SLIP_RED_DAYS": env.int("HEALTH_SLIP_RED_DAYS", default=21),
    "OVERDUE_TASKS_AMBER": env.int("HEALTH_OVERDUE_TASKS_AMBER", default=3),
    "OVERDUE_TASKS_RED": env.int("HEALTH_OVERDUE_TASKS_RED", default=8),
    "OVERDUE_KEY_MILESTONES_RED": env.int("HEALTH_OVERDUE_KEY_MILESTONES_RED", default=2),
    "BUDGET_OVERRUN_AMBER": env.float("HEALTH_BUDGET_OVERRUN_AMBER", default=0.10),
    "BUDGET_OVERRUN_RED": env.float("HEALTH_BUDGET_OVERRUN_RED", default=0.25),
    "HIGH_RISK_SCORE": env.int("HEALTH_HIGH_RISK_SCORE", default=15),
    # With a money budget, the forecast at completion against it: amber above the budget by
    # more than this share, red from this share over.
    "FORECAST_OVERRUN_AMBER": env.float("HEALTH_FORECAST_OVERRUN_AMBER", default=0.0),
    "FORECAST_OVERRUN_RED": env.float("HEALTH_FORECAST_OVERRUN_RED", default=0.10),
}

PAGE_SIZE = env.int("PAGE_SIZE", default=25)

# Plans are scheduled in business days around the holidays admins list in the app, and also
# around this country's public holidays (an ISO code such as US or GB; empty: none).
HOLIDAY_COUNTRY = env.str("HOLIDAY_COUNTRY", default="").strip().upper()
if HOLIDAY_COUNTRY:
    import holidays as _public_holidays

    if HOLIDAY_COUNTRY not in _public_holidays.list_supported_countries():
        raise ImproperlyConfigured(
            f"HOLIDAY_COUNTRY={HOLIDAY_COUNTRY!r} is not a country the holidays library knows."
        )

# How often the periodic jobs run (onboarding/schedules.py), in seconds.
# Imports of accounts, contacts and projects from a CRM's CSV file (the exchange app).
GOLIVE_IMPORTS = {
    # The largest file taken, and the most rows.
    "MAX_BYTES": env.int("IMPORT_MAX_BYTES", default=10_000_000),
    "MAX_ROWS": env.int("IMPORT_MAX_ROWS", default=20_000),
    # Files of up to this many rows are checked while the page waits; larger ones by a job.
    "CHECK_NOW_ROWS": env.int("IMPORT_CHECK_NOW_ROWS", default=300),
    # A job that has reported nothing for this long died with its worker: another takes over.
    "STALE_SECONDS": env.int("IMPORT_STALE_SECONDS", default=3600),
    # A job failing on the database tries this many times more, waiting longer each time.
    "MAX_ATTEMPTS": env.int("IMPORT_MAX_ATTEMPTS", default=5),
}

GOLIVE_SCHEDULES = {
    "HEALTH_REFRESH_SECONDS": env.int("HEALTH_REFRESH_SECONDS", default=3600),
    "STATUS_REPORT_TICK_SECONDS": env.int("STATUS_REPORT_TICK_SECONDS", default=300),
    "ESCALATION_SWEEP_SECONDS": env.int("ESCALATION_SWEEP_SECONDS", default=300),
    "OUTBOX_RECOVER_SECONDS": env.int("OUTBOX_RECOVER_SECONDS", default=60),
    "IMPORT_RECOVER_SECONDS": env.int("IMPORT_RECOVER_SECONDS", default=300),
    "SURVEY_REMINDER_SECONDS": env.int("SURVEY_REMINDER_SECONDS", default=3600),
    "WEBHOOKS_RECOVER_SECONDS": env.int("WEBHOOKS_RECOVER_SECONDS", default=60),
    # Reminders of handoff reports nobody acted on, and the weekly sales digest: each tick
    # sends only what is due and never twice, so ticking often only makes them prompt.
    "HANDOFF_REMINDER_TICK_SECONDS": env.int("HANDOFF_REMINDER_TICK_SECONDS", default=3600),
    "SALES_DIGEST_TICK_SECONDS": env.int("SALES_DIGEST_TICK_SECONDS", default=3600),
}

# Go-live, the handoff to support and the sales digest (golive app).
# Attachments to test runs (a screenshot of what went wrong): largest size and allowed types.
GOLIVE_TEST_ATTACHMENTS = {
    "MAX_BYTES": env.int("TEST_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024),
    "EXTENSIONS": env.list(
        "TEST_ATTACHMENT_EXTENSIONS",
        default=["png", "jpg", "jpeg", "gif", "pdf", "txt", "csv", "xlsx", "docx"],
    ),
}

GOLIVE_HANDOFF = {
    # Where a handoff report sent to support is emailed, besides every support user.
    "SUPPORT_EMAIL": env.str("HANDOFF_SUPPORT_EMAIL", default="support@golive.example"),
    # Business days of hypercare after the go-live date.
    "HYPERCARE_BUSINESS_DAYS": env.int("HYPERCARE_BUSINESS_DAYS", default=20),
    # Business days a sent (or returned) report may wait before one reminder goes out.
    "REMINDER_BUSINESS_DAYS": env.int("HANDOFF_REMINDER_BUSINESS_DAYS", default=2),
    # The weekly sales digest goes out with the first tick from this weekday (0 = Monday) and
    # local hour on; one per rep and ISO week.
    "DIGEST_WEEKDAY": env.int("SALES_DIGEST_WEEKDAY", default=0),
    "DIGEST_HOUR": env.int("SALES_DIGEST_HOUR", default=7),
}

# Status reports (reports app).
GOLIVE_STATUS_REPORTS = {
    # The reporting day starts at this local hour (TIME_ZONE): a report due on Monday goes out
    # with the first tick after 07:00 on Monday, not at midnight.
    "SEND_HOUR": env.int("STATUS_REPORT_SEND_HOUR", default=7),
    # Weekday of projects that never chose one: 0 = Monday … 6 = Sunday.
    "DEFAULT_WEEKDAY": env.int("STATUS_REPORT_DEFAULT_WEEKDAY", default=0),
    "TOP_RISKS": env.int("STATUS_REPORT_TOP_RISKS", default=5),
    # Longest list of tasks or issues shown in one section; the report states the full count.
    "MAX_ITEMS": env.int("STATUS_REPORT_MAX_ITEMS", default=15),
}

# Escalations (alerts app): what the sweep raises an alert for, and how fast it climbs the
# ladder owner → PM → implementation managers.
GOLIVE_ESCALATIONS = {
    # An open task more than this many days past its due date.
    "TASK_OVERDUE_DAYS": env.int("ESCALATION_TASK_OVERDUE_DAYS", default=2),
    # A key milestone whose due date is more than this many days after its baseline date.
    "MILESTONE_SLIP_DAYS": env.int("ESCALATION_MILESTONE_SLIP_DAYS", default=7),
    # An open or mitigating risk scoring at least this (probability × impact) with no plan.
    "RISK_SCORE": env.int("ESCALATION_RISK_SCORE", default=15),
    # A critical issue still open this many hours after it was raised.
    "CRITICAL_ISSUE_HOURS": env.int("ESCALATION_CRITICAL_ISSUE_HOURS", default=24),
    # An active project with no recorded activity for this many days.
    "INACTIVE_DAYS": env.int("ESCALATION_INACTIVE_DAYS", default=14),
    # Hours an open alert waits for an acknowledgement before the next rung is told.
    "ESCALATE_AFTER_HOURS": env.int("ESCALATION_ESCALATE_AFTER_HOURS", default=24),
}

# The "Waiting for you" card of the home page (README "Who is told what").
GOLIVE_NOTICES = {
    # Days an accepted handoff report stays on its PM's and sales rep's home page.
    "ACCEPTED_HANDOFF_DAYS": env.int("NOTICE_ACCEPTED_HANDOFF_DAYS", default=14),
}

# The client portal (portal app): sign-in links, portal sessions, uploads and surveys.
GOLIVE_PORTAL = {
    # Hours a sign-in link stays valid; each link signs in once.
    "LINK_HOURS": env.int("PORTAL_LINK_HOURS", default=72),
    # Hours a portal session lasts after its link was opened.
    "SESSION_HOURS": env.int("PORTAL_SESSION_HOURS", default=12),
    # Largest file a contact may upload, in megabytes.
    "UPLOAD_MAX_MB": env.int("PORTAL_UPLOAD_MAX_MB", default=20),
    # File types a contact may upload, by extension.
    "UPLOAD_EXTENSIONS": env.list(
        "PORTAL_UPLOAD_EXTENSIONS",
        default=["pdf", "csv", "xlsx", "xls", "docx", "doc", "txt", "png", "jpg", "jpeg", "zip"],
    ),
    # Days after which an unanswered satisfaction survey is sent a reminder (once).
    "SURVEY_REMINDER_DAYS": env.int("SURVEY_REMINDER_DAYS", default=5),
    # Status reports listed per page among a contact's documents, newest first.
    "REPORTS_PER_PAGE": env.int("PORTAL_REPORTS_PER_PAGE", default=10),
}

# Delivery of outgoing email (outbox app). Seconds unless stated otherwise.
OUTBOX = {
    "RETRY_BASE_SECONDS": env.int("OUTBOX_RETRY_BASE_SECONDS", default=30),
    "RETRY_MAX_SECONDS": env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600),
    "MAX_ATTEMPTS": env.int("OUTBOX_MAX_ATTEMPTS", default=6),
    # A message claimed by a worker longer ago than this is taken to be lost and sent again.
    "CLAIM_TIMEOUT_SECONDS": env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=600),
    "RECOVER_BATCH": env.int("OUTBOX_RECOVER_BATCH", default=5000),
}

# Delivery of webhooks (webhooks app), retried as outgoing email is. Seconds unless stated.
WEBHOOKS = {
    "RETRY_BASE_SECONDS": env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30),
    "RETRY_MAX_SECONDS": env.int("WEBHOOK_RETRY_MAX_SECONDS", default=3600),
    "MAX_ATTEMPTS": env.int("WEBHOOK_MAX_ATTEMPTS", default=8),
    # A delivery claimed by a worker longer ago than this is taken to be lost and sent again.
    "CLAIM_TIMEOUT_SECONDS": env.int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=300),
    "RECOVER_BATCH": env.int("WEBHOOK_RECOVER_BATCH", default=2000),
    # Short: a slow receiver must not hold a worker.
    "CONNECT_TIMEOUT_SECONDS": env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0),
    "READ_TIMEOUT_SECONDS": env.float("WEBHOOK_READ_TIMEOUT_SECONDS", default=10.0),
    "MAX_REDIRECTS": env.int("WEBHOOK_MAX_REDIRECTS", default=3),
}
# Hosts a webhook may reach although they resolve to loopback, private or other internal
# addresses (a receiver on the same network, a test receiver on 127.0.0.1). Host names or IP
# addresses, comma-separated; empty (the default) lets no internal address through.
WEBHOOK_ALLOWED_HOSTS = [
    host.strip().lower().strip("[]")
    for host in env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
    if host.strip()
]

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Brute force (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# IP address, that pair is refused for AXES_COOLOFF_MINUTES, even with the right password; a
# successful login clears the count. Attempts are kept in the database (Django admin: Axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# No start-up banner in the log of every process and management command.
AXES_VERBOSE = False

# Content-Security-Policy (django-csp) on every response. Scripts only from the app itself, or
# inline with the request's nonce ({{ csp_nonce }}); inline style attributes stay allowed,
# since bars and charts set their widths with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Cookies: the session's and the CSRF token's are never read by JavaScript (htmx sends the token
# from the page, base.html's hx-headers); both are Secure with DEBUG off (above).
CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The REST API (api/, docs/api.md). Tokens are knox's, hashed, one per integration with a name
# (api.ApiToken); the browsable API and the docs use the session, with its CSRF check.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations create its default token table even when the model is swapped for
# ours; that table's key to auth_user would then stop the test database's flush on PostgreSQL
# (TRUNCATE refuses a table another one references). Without them, no such table is made.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    # Spotted by secret scanners in a leaked config file or log.
    "TOKEN_PREFIX": "golive_",
    "TOKEN_TTL": None,  # each token's expiry is chosen when it is made (api.services)
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Golive API",
    "DESCRIPTION": (
        "Clients, projects and what they hold, with the same access rules as the app. "
        "Authenticate with `Authorization: Token <token>` (make one on the API tokens page, in "
        "the menu under your name)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses",
    ],
    # The same choices on several objects share one name; like-named choices stay apart.
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "projects.models.Phase",
        "HealthEnum": "projects.models.Health",
        "ProjectStatusEnum": "projects.models.ImplementationProject.Status",
        "TaskStatusEnum": "projects.models.Task.Status",
        "RiskStatusEnum": "projects.models.Risk.Status",
        "IssueStatusEnum": "projects.models.Issue.Status",
        "AlertStatusEnum": "alerts.models.Alert.Status",
    },
    # Swagger UI from drf-spectacular-sidecar's files, served by the app (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Tokens typed into "Authorize" stay for the browser tab only; no online validator is called.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "persistAuthorization": False,
        "validatorUrl": None,
    },
}
FORM_RENDERER = "common.jinja2env.FormRenderer"
