"""One settings module, read from the environment.

Without any variable set, the project runs on a SQLite file with Celery executing tasks in-process, so a newcomer can
start it with nothing else installed. Production and CI set DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdef"

# The key that protects the resident ID numbers of the people behind entities (ledger/idnumbers.py): encrypted at rest
# and matched through a keyed hash. Taken from SECRET_KEY unless set, so that SECRET_KEY can be changed (which logs
# everybody out) without losing every stored ID number: production sets its own and keeps it with the backups' secrets.
ID_NUMBER_KEY = os.environ.get("ID_NUMBER_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "guardian",
    "import_export",
    "django_filters",
    "simple_history",
    "orgs",
    "screening",
    "ledger",
    "review",
    "oversight",
    "tips",
    "reports",
    "backups",
    "captcha",
    "demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "orgs.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it turns a refused login into the lockout page whatever answered the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Forms and widgets find their templates in templates/forms/ too; Django's own through "django.forms".
FORM_RENDERER = "config.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgs.context_processors.workspace",
                "review.context_processors.tasks",
                "config.context_processors.release",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
# Optional: report computations read from a PostgreSQL read replica (config/routers.py); writes stay on default. In
# tests the alias mirrors default (tests/conftest.py).
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    ) | {"TEST": {"MIRROR": "default"}}
REPORT_READS_DATABASE = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["config.routers.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked, and counts the failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not needed: every page requires a login.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "orgs.passwords.DifferentFromCurrentPasswordValidator"},
]
# Guessing passwords (django-axes): the tenth failure in a row for one account from one address locks that pair for
# 15 minutes; another address, or another account from the same address, may still log in. Each failure is kept (who,
# when, from where, never the password) in the admin's access failures; the admin's access attempts unlock a pair.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The log names the account and the address of each failure (axes hides both by default); the password never.
AXES_SENSITIVE_PARAMETERS = []
# How many reverse proxies stand in front of the application (deploy/nginx: 1): the address of a request is then read
# from X-Forwarded-For (orgs.addresses), for the lockouts above and the public tips' daily limits.
PROXIES_IN_FRONT = int(os.environ.get("PROXIES_IN_FRONT", "0"))
AXES_CLIENT_IP_CALLABLE = "orgs.addresses.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# The address users open the site at, for links in e-mails (e.g. http://fxjz.example.gov.cn); none when empty.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis is down, queuing a job gives up after a second and the page says report building is unavailable
# (Redis answers a connection on the local network in milliseconds; a worker keeps retrying on its own).
CELERY_BROKER_CONNECTION_TIMEOUT = 1

# Report builds: past the soft limit the build stops and its run fails with a message; at the hard limit the worker
# kills it. A job whose worker died unacknowledged goes back to the queue after REPORT_REDELIVERY_AFTER seconds (above
# the hard limit, so a build still running is never handed to a second worker) and is built again; a run still
# queued or running after REPORT_ABANDONED_AFTER seconds is failed by the beat job below, with the reason.
REPORT_SOFT_TIME_LIMIT = int(os.environ.get("REPORT_SOFT_TIME_LIMIT", "300"))
REPORT_TIME_LIMIT = int(os.environ.get("REPORT_TIME_LIMIT", str(REPORT_SOFT_TIME_LIMIT + 60)))
REPORT_REDELIVERY_AFTER = int(os.environ.get("REPORT_REDELIVERY_AFTER", str(REPORT_TIME_LIMIT + 60)))
REPORT_ABANDONED_AFTER = int(os.environ.get("REPORT_ABANDONED_AFTER", str(REPORT_REDELIVERY_AFTER + 120)))
if not REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < REPORT_REDELIVERY_AFTER < REPORT_ABANDONED_AFTER:
    raise ImproperlyConfigured(
        "REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < REPORT_REDELIVERY_AFTER < REPORT_ABANDONED_AFTER must hold."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": REPORT_REDELIVERY_AFTER,
    # Look for jobs of dead workers every 10 s rather than every 100 s (kombu scans on every tenth look otherwise).
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}

# Report jobs (minutes for a city's ledger) wait in a queue of their own, so reminders never wait behind them: the
# workers of docker-compose.yml consume it, a separate worker the default queue ("celery").
CELERY_REPORTS_QUEUE = os.environ.get("CELERY_REPORTS_QUEUE", "reports")
CELERY_TASK_ROUTES = ("config.celery.route_task",)
# Beat reads crontab hours in CELERY_TIMEZONE (Asia/Shanghai).
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "screening.tasks.send_deadline_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "overdue-disposals": {
        "task": "review.tasks.send_overdue_notices_task",
        "schedule": crontab(hour=8, minute=10),
    },
    "plan-and-summary-reminders": {
        "task": "oversight.tasks.send_filing_reminders_task",
        "schedule": crontab(hour=8, minute=5),
    },
    "overdue-inspection-actions": {
        "task": "oversight.tasks.send_overdue_action_notices_task",
        "schedule": crontab(hour=8, minute=20),
    },
    "abandoned-report-runs": {
        "task": "reports.tasks.fail_abandoned_runs_task",
        "schedule": 60.0,
    },
}

# Production hardening: on by default whenever DEBUG is off; an intranet without TLS can switch them off explicitly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
# A login ends after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE after it began whatever
# the activity (orgs/sessions.py).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))

# Everything the browser loads comes from static/: no inline script, style or event handler anywhere, so an injected
# one does not run. The admin's own pages keep to the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Public tips (群众举报, tips/): how many tips, and how many status look-ups, one network address may make a day,
# counted in the database (every worker counts the same). The captcha is drawn by this server (django-simple-captcha);
# CAPTCHA_TEST_MODE lets the browser tests answer it with "PASSED", never to be set in production.
TIPS_PER_ADDRESS_PER_DAY = int(os.environ.get("TIPS_PER_ADDRESS_PER_DAY", "5"))
TIP_LOOKUPS_PER_ADDRESS_PER_DAY = int(os.environ.get("TIP_LOOKUPS_PER_ADDRESS_PER_DAY", "20"))
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 15  # minutes: time to write the tip before the picture expires
