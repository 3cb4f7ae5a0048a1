"""Trygg's one settings module: every value that differs between machines comes from the
environment through the typed readers in ``trygg.env`` (see the README for the list)."""

from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from trygg.env import Env, celery_broker_url, database_settings

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.get_bool("DEBUG", default=False)
VAR_DIR = Path(env.get_str("TRYGG_VAR_DIR", str(BASE_DIR / "var")))
# The portal as it runs on one person's machine (`make run`, `manage.py` on the embedded
# default): served as users see it (DEBUG off, real error pages), but over plain HTTP on the
# loopback names only, with a secret key generated once under var/ and demo data allowed.
# Production is neither local nor DEBUG; DEBUG=1 brings Django's debugging aids back.
LOCAL = env.get_bool("TRYGG_LOCAL", default=False)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Demo users with a known password and readable second factors (seed_demo, demo_totp): never
# in the production shape.
TRYGG_DEMO = DEBUG or LOCAL

SECRET_KEY = env.get_str("SECRET_KEY")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-trygg-development-only-never-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or [*LOCAL_HOSTS, "testserver"]
elif LOCAL:
    from trygg.local import local_secret_key

    SECRET_KEY = SECRET_KEY or local_secret_key(VAR_DIR)
    ALLOWED_HOSTS = ALLOWED_HOSTS or LOCAL_HOSTS
    if not set(ALLOWED_HOSTS) <= {*LOCAL_HOSTS, "testserver"}:
        raise ImproperlyConfigured(
            "TRYGG_LOCAL serves this machine only (ALLOWED_HOSTS of 127.0.0.1, localhost, "
            "[::1]); a server for others sets SECRET_KEY, ALLOWED_HOSTS and leaves it off."
        )
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 varied characters long.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

# With no DATABASE_URL / REDIS_URL, development starts the embedded servers under ./var/
# (trygg.embedded). Production must name its servers: an embedded database there would be
# a silent, unbacked-up copy of the truth.
if not (env.is_set("DATABASE_URL") and env.is_set("REDIS_URL")):
    if not (DEBUG or LOCAL):
        raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set when DEBUG is off.")
    from trygg.embedded import ensure_started

    ensure_started(var_dir=VAR_DIR)

DATABASE_URL = env.get_url("DATABASE_URL", {"postgres", "postgresql"})
REDIS_URL = env.get_url("REDIS_URL", {"redis", "rediss", "unix"})

DATABASES = {"default": database_settings(DATABASE_URL)}
# The role that owns the tables: `manage.py migrate` connects as it and then grants the
# DATABASE_URL role its rights (accounts.database_roles). Unset, migrate runs as DATABASE_URL.
TRYGG_DATABASE_OWNER = None
if env.is_set("DATABASE_OWNER_URL"):
    TRYGG_DATABASE_OWNER = database_settings(
        env.get_url("DATABASE_OWNER_URL", {"postgres", "postgresql"})
    )
    if TRYGG_DATABASE_OWNER["NAME"] != DATABASES["default"]["NAME"]:
        raise ImproperlyConfigured("DATABASE_OWNER_URL must name DATABASE_URL's database.")
if env.is_set("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env.get_str("DATABASE_TEST_NAME")}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "areas",
    "incidents",
    "plans",
    "overview",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer gets them, including those of the middleware below
    # (sign-in redirects, lock-outs) and the static files.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the session or the database: an overlong address is refused.
    "core.middleware.QueryStringLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files stay cacheable whoever fetches them.
    "core.middleware.NoStoreBehindLoginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.audit_changes.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session that timed out ends here, with a message on the login page.
    "accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"

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
                "accounts.context_processors.access",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): an account locks after AXES_FAILURE_LIMIT failures from
# any addresses, an address after TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts
# (password spraying); either lock lasts AXES_COOLOFF_MINUTES. The address has a limit of its
# own because a whole office can sit behind one address (accounts.login_throttle).
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5, min_value=1)
AXES_COOLOFF_TIME = env.get_int("AXES_COOLOFF_MINUTES", 15, min_value=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.login_throttle.client_address"
TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT = env.get_int(
    "TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT", 20, min_value=1
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["trygg.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def _xstatic_dirs() -> list[tuple[str, str]]:
    # Third-party front-end assets come from pinned PyPI packages, never a CDN.
    import xstatic.pkg.bootstrap
    import xstatic.pkg.leaflet

    return [
        ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
        ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ]


STATICFILES_DIRS += _xstatic_dirs()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# A local run serves the files where they are (no collectstatic), through WhiteNoise as in
# production, with DEBUG off too.
WHITENOISE_USE_FINDERS = DEBUG or LOCAL
MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "trygg",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends after TRYGG_SESSION_IDLE_MINUTES without a request and, whatever the
# activity, TRYGG_SESSION_MAX_HOURS after the login (accounts.middleware). The cookie and
# the stored session expire with the idle limit too, as a second line.
TRYGG_SESSION_IDLE_MINUTES = env.get_int("TRYGG_SESSION_IDLE_MINUTES", 30, min_value=1)
TRYGG_SESSION_MAX_HOURS = env.get_int("TRYGG_SESSION_MAX_HOURS", 10, min_value=1, max_value=24)
SESSION_COOKIE_AGE = TRYGG_SESSION_IDLE_MINUTES * 60
# The second factor (django-otp): TOTP apps show the codes under this name.
OTP_TOTP_ISSUER = "Trygg"

# Security: strict when DEBUG is off, so that `manage.py check --deploy` reports nothing. A
# local run is plain HTTP on this machine: no HTTPS redirect, no secure-only cookies, no HSTS.
HTTPS_ONLY = not (DEBUG or LOCAL)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS_ONLY else 0, min_value=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

# Celery: Redis is broker and result store. Tasks are acknowledged after they ran only
# where they are safe to run twice (set per task), so the default stays early ack.
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env.get_str("CELERY_QUEUE", "trygg")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each entry expires before its next run, so a backlog never piles up duplicate sweeps.
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-imports": {
        "task": "incidents.import_runs_requeue_stale",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "expire-idempotency-keys": {
        "task": "core.idempotency_keys_expire",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Measures whose start date came without a follow-up saying so get their design fixed.
    "fix-evaluation-designs": {
        "task": "plans.evaluation_designs_fix_due",
        "schedule": crontab(hour=0, minute=35),
        "options": {"expires": 12 * 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    # Partner systems send a bearer token; the browser's session (with CSRF) works too. The
    # token comes first so that a request without either is answered 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        # A person's session, once past the second factor where their roles require it.
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api.permissions.TokenScopes",
    ],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KeysetCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": f"{env.get_int('TRYGG_API_CLIENT_RATE_PER_MINUTE', 600, min_value=1)}/min",
        "user": f"{env.get_int('TRYGG_API_USER_RATE_PER_MINUTE', 600, min_value=1)}/min",
    },
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",  # for /api/schema/ and /api/docs/, which carry no version
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trygg API",
    "DESCRIPTION": "The shared API of the City of Gothenburg and the Police for joint safety work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "incidents.choices.ReportStatus",
        "PictureStatusEnum": "incidents.choices.PictureStatus",
        "ProblemStatusEnum": "plans.choices.ProblemStatus",
        "PlanStatusEnum": "plans.choices.PlanStatus",
        "MeasureStatusEnum": "plans.choices.MeasureStatus",
        # Who acted: /me/'s caller, a follow-up's recorder.
        "PrincipalKindEnum": ["api_client", "user"],
    },
}

# Trygg's own knobs.
TRYGG_DEMO_PASSWORD = env.get_str("TRYGG_DEMO_PASSWORD", "trygg-demo")
# Map tiles are optional: the report form and dashboards draw the district outlines without
# them. An empty value means no tile layer (and no request to any outside server).
TRYGG_MAP_TILE_URL = env.get_str("TRYGG_MAP_TILE_URL", "")
TRYGG_MAP_TILE_ATTRIBUTION = env.get_str("TRYGG_MAP_TILE_ATTRIBUTION", "")


def _tile_origin(tile_url: str) -> list[str]:
    """The tile server's origin for the CSP's img-src; Leaflet's subdomain placeholder
    (``{s}.tiles.example``) becomes a wildcard, a path on the portal itself needs nothing."""
    if not tile_url or tile_url.startswith("/"):
        return []
    parts = urlsplit(tile_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            "TRYGG_MAP_TILE_URL must be an http(s) URL or a path on the portal, "
            "e.g. https://tiles.example/{z}/{x}/{y}.png."
        )
    return [f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"]


# Browser defences (OWASP ASVS V3): a strict Content-Security-Policy on every answer. No
# inline script or style anywhere: templates pass data to the scripts in static/ through
# json_script and data attributes, and styles live in static/css/. `data:` images are
# Bootstrap's form icons (SVG in its CSS). The API docs' Swagger UI loads its start-up
# script from a URL of its own (SpectacularSwaggerSplitView), so it needs no nonce either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(TRYGG_MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# The powerful browser features the portal never uses are switched off, for its own pages
# and anything they might embed. Only the report form uses one: the phone's position.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "local-fonts": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
# Limits on what a request may bring (README "Limits"): the query string, and, for imports,
# the unpacked size of a file and its number of records, checked before anything is written.
TRYGG_MAX_QUERY_STRING_BYTES = env.get_int("TRYGG_MAX_QUERY_STRING_BYTES", 4096, min_value=256)
TRYGG_IMPORT_MAX_UNPACKED_MB = env.get_int("TRYGG_IMPORT_MAX_UNPACKED_MB", 200, min_value=1)
TRYGG_IMPORT_MAX_RECORDS = env.get_int("TRYGG_IMPORT_MAX_RECORDS", 200_000, min_value=1)
# Django's default, said out loud: a larger body is answered 413 (core.api.exceptions); a
# bulk of 1,000 reports with typical texts fits. Uploaded files are not counted here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
TRYGG_BEHIND_PROXY = env.get_bool("TRYGG_BEHIND_PROXY", default=False)
TRYGG_READYZ_TIMEOUT = env.get_int("TRYGG_READYZ_TIMEOUT_SECONDS", 2, min_value=1, max_value=30)
# The overview's safety net (overview.rollup_sweep): folds the report changes a lost message
# left queued and checks the rollups against the reports. It expires before its next run.
TRYGG_ROLLUP_SWEEP_SECONDS = env.get_int(
    "TRYGG_ROLLUP_SWEEP_SECONDS", 60, min_value=2, max_value=3600
)
CELERY_BEAT_SCHEDULE["overview-rollup-sweep"] = {
    "task": "overview.rollup_sweep",
    "schedule": float(TRYGG_ROLLUP_SWEEP_SECONDS),
    "options": {"expires": max(1, TRYGG_ROLLUP_SWEEP_SECONDS * 4 // 5)},
}
# The trend alerts (analysis.alerts) read the rollups; weekly counts move only as they do,
# so once an hour is plenty (a run takes seconds). It expires before the next.
CELERY_BEAT_SCHEDULE["analysis-alerts"] = {
    "task": "analysis.alerts",
    "schedule": 3600.0,
    "options": {"expires": 3000},
}

# Retention (gallring, overview.services.retention): every night a report's free text (and
# whatever else could name a person or an exact spot) is cleared when it is past the first age,
# and the report is deleted past the second; the overview keeps counting it. A report's age runs
# from the later of when it happened and when it came into Trygg. At least a year each, so that
# a value meant in months or years cannot wipe out the current year's work.
TRYGG_RETENTION_THIN_AFTER_DAYS = env.get_int(
    "TRYGG_RETENTION_THIN_AFTER_DAYS", 3 * 365, min_value=365
)
TRYGG_RETENTION_DELETE_AFTER_DAYS = env.get_int(
    "TRYGG_RETENTION_DELETE_AFTER_DAYS", 5 * 365, min_value=365
)
if TRYGG_RETENTION_DELETE_AFTER_DAYS < TRYGG_RETENTION_THIN_AFTER_DAYS:
    raise ImproperlyConfigured(
        f"TRYGG_RETENTION_DELETE_AFTER_DAYS={TRYGG_RETENTION_DELETE_AFTER_DAYS} must be at least "
        f"TRYGG_RETENTION_THIN_AFTER_DAYS={TRYGG_RETENTION_THIN_AFTER_DAYS}: the free text goes "
        "first, then the report."
    )
TRYGG_RETENTION_HOUR = env.get_int("TRYGG_RETENTION_HOUR", 3, min_value=0, max_value=23)
CELERY_BEAT_SCHEDULE["reports-retention"] = {
    "task": "overview.retention",
    # Local time (CELERY_TIMEZONE); the minute keeps it off the hour's other jobs.
    "schedule": crontab(hour=TRYGG_RETENTION_HOUR, minute=20),
    "options": {"expires": 12 * 3600},
}

LOG_LEVEL = env.get_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # axes logs every lock-out reset at INFO: noise in tests and in `make run`.
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
