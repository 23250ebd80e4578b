"""Settings, read from the environment (see README "Configuration").

With no environment at all (plus DEBUG=true) the workbench runs embedded: a SQLite file in
the project, Celery tasks run eagerly in-process and the cache is local memory.
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv
from kombu import Queue

from .env import env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's checkout keeps its local settings in .env (written by `make install` with
# DEBUG=true), so that a bare `manage.py` works there. Real environment variables win, and
# deployments (the Docker image excludes .env) set everything in the environment.
load_dotenv(env_str("ENV_FILE") or BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django admin on the workbench's own site: its own permission and an optional second factor.
    "policestation.admin.WorkbenchAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "knox",
    "axes",
    "auditlog",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "apps.core",
    "apps.accounts",
    "apps.stations",
    "apps.registry",
    "apps.cases",
    "apps.permits",
    "apps.mediation",
    "apps.noise",
    "apps.patrols",
    "apps.stats",
    "apps.places",
    "apps.live",
]

# The development tools (devtools/: the demo data of `seed_demo`, `bench`, `loadtest`) are a
# developer's: installed with DEBUG, or DEV_TOOLS=true (DEV_TOOLS=false leaves them out in
# DEBUG), and only where the checkout has them: the Docker image leaves the package out.
_DEVTOOLS = find_spec("devtools")
DEV_TOOLS = (
    env_bool("DEV_TOOLS", default=DEBUG)
    and _DEVTOOLS is not None
    and Path(_DEVTOOLS.origin).parent.parent == BASE_DIR
)
if DEV_TOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (admin only)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Too much form text: a page in the user's language, before the CSRF check reads it.
    "apps.core.handlers.RequestSizeMiddleware",
    "apps.accounts.middleware.SessionExpiryMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Who changed a record, for django-auditlog (without its per-request signal connect).
    "apps.core.auditing.RequestAuditMiddleware",
    # Which database this request reads: a replica for read-only pages (apps.core.replicas).
    "apps.core.replicas.ReplicaMiddleware",
    # Axes must be last: it turns a lockout raised further in into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policestation.urls"
WSGI_APPLICATION = "policestation.wsgi.application"

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
                "django.template.context_processors.i18n",
                "apps.core.context_processors.navigation",
            ],
            # The one way pages write a date or time (`|when`), without a {% load %} each.
            "builtins": ["apps.core.templatetags.when"],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded SQLite file -------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer is given up after a few seconds, and the request
    # answers 503 (apps.core.handlers), instead of waiting for the system's TCP timeout.
    # Persistent connections are health-checked before use: once the server is back, the
    # next request reconnects by itself.
    # A database that stops answering on a connection already open (frozen, or the network
    # gone) is the web process's DB_QUERY_TIMEOUT (apps.core.dbtimeout); the keepalives and
    # tcp_user_timeout notice a peer that vanished (no ACK) in any process.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 3),
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "tcp_user_timeout": 60_000,  # ms of data sent and not acknowledged
        }
    )
# Read replicas (streaming replicas of the primary): DATABASE_REPLICA_URLS, comma-separated.
# The pages and API lists that only read, and that can bear being a few seconds behind
# (statistics, the board, exports, lists), read from a replica; everything else, and
# everything a user reads within DATABASE_REPLICA_MAX_LAG seconds of a write of theirs,
# from the primary (apps.core.replicas). A replica that is down or lags more is skipped.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG", 10)
for _n, _url in enumerate(DATABASE_REPLICA_URLS):
    DATABASES[f"replica{_n}"] = {
        **dj_database_url.parse(
            _url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        ),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        # The test runner makes no database of its own for it: a replica has the primary's.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["apps.core.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []

# Seconds a database call of the web process may wait for an answer before the request
# answers 503 (apps.core.dbtimeout; below gunicorn's 30 s timeout). 0: no bound. Celery
# workers and management commands are never bounded.
DB_QUERY_TIMEOUT = env_int("DB_QUERY_TIMEOUT", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, result backend and cache; absent means in-process -------------------
# The options every task shares, here only (a task states only what is its own, apps.core.tasks):
# the longest time limit of any task (the statistics tasks' are shorter); a task still
# working at this age is killed by its worker.
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis down or silent: every cache call answers "miss" (and writes are dropped) within
    # a second instead of failing the request; what each use then does is in README
    # "Faults" (permissions read from the database, throttles and rate limits let through,
    # login lockouts unaffected: django-axes keeps them in the database).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "policestation"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An unacknowledged task (acks_late) whose worker died is redelivered after this
        # many seconds; longer than the longest task by a margin, so a slow one is not run
        # twice. A statistics run does not wait for it: a run whose heartbeat stops is
        # failed and queued again within minutes (apps.stats.services.runs_recover).
        "visibility_timeout": env_int(
            "CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 10 * 60
        ),
        # A send to a broker that is down or silent fails within seconds (the task stays in
        # the outbox, apps.core.outbox) instead of holding the request.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    # Live events (apps/live) between the processes: web, Celery workers, the socket
    # server. Redis's publish/subscribe: an event is published once per group and each
    # socket server hands it to its own sockets (one message to Redis, not one per socket;
    # events are not kept for a socket that is not there, the page catches up on
    # reconnecting). Redis down or silent: a publish gives up within seconds
    # (apps.live.events) and the pages poll instead. No socket timeout: a subscriber waits.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 1}],
                "prefix": env_str("CACHE_KEY_PREFIX", "policestation") + ".live",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # One process (make demo's uvicorn) serves every page and socket: events stay in it.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# Queues by kind of work (README "Scaling"): a worker started without -Q takes every queue
# named here (one machine: docker-compose's worker); a city bureau runs a pool per queue,
# so that a year's recompute or a 100,000-row import never holds up a login code.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "messages", "stats", "imports")]
CELERY_TASK_ROUTES = {
    # what a person waits for on a phone: codes, invitations, notifications
    "accounts.phone_code_send": {"queue": "messages"},
    "core.notification_send": {"queue": "messages"},
    "mediation.invitation_sms_send": {"queue": "messages"},
    # long reads over a bureau's months
    "stats.compute_range": {"queue": "stats"},
    "stats.nightly": {"queue": "stats"},
    "patrols.assessment_*": {"queue": "stats"},
    # uploaded files checked and applied row by row
    "registry.import_*": {"queue": "imports"},
    "permits.enterprise_register": {"queue": "imports"},
}
# Nobody reads a task's return value (tasks write their results to the database). Asking
# for none also keeps a send independent of the result store: with results, a send first
# subscribes to Redis and, Redis down, retries for ~20 s before failing.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker holds only the tasks it is running: a killed one leaves no prefetched task behind
# in Redis's unacknowledged set, where it would wait for the visibility timeout.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A statistics run whose heartbeat is older than this is taken for dead (its worker was
# killed) by the stats-recover-stalled job: failed, and queued again.
STATS_STALL_MINUTES = env_int("STATS_STALL_MINUTES", 5)
# The time-partitioned streams (apps.core.partitions): monthly partitions made this many
# months ahead, and each table's months kept, this one included (None: all). The access
# log keeps at least 183 days whatever is set here; its rows are purged by the auditor
# (ACCESS_LOG_RETENTION_DAYS) as before.
PARTITION_MONTHS_AHEAD = env_int("PARTITION_MONTHS_AHEAD", 3)
PARTITION_RETENTION_MONTHS: dict[str, int | None] = {
    "patrols_trackpoint": env_int("TRACK_POINTS_KEEP_MONTHS", 24),
    "noise_noisereading": env_int("NOISE_READINGS_KEEP_MONTHS", 24),
    "core_accesslog": None,
    "cases_incidentevent": None,  # an incident's timeline is part of its record
}

# Periodic jobs of `celery beat`, in CELERY_TIMEZONE. Beat keeps its schedule in the
# database (django-celery-beat, editable in admin); the entries below are written there
# (and reset to these values) each time beat starts. The nightly statistics job is created
# by a migration (stats 0002) instead, so that its time edited in admin stays.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "core-partitions": {
        "task": "core.partitions_maintain",
        "schedule": crontab(hour=3, minute=10),  # the months ahead made, the expired dropped
    },
    "core-flush-queued-tasks": {
        "task": "core.queued_tasks_flush",
        "schedule": 60.0,  # tasks the broker could not take when they were queued
    },
    "stats-recover-stalled": {
        "task": "stats.runs_recover",
        "schedule": 120.0,  # runs whose worker was killed: failed and queued again
    },
    "cases-remind-deadlines": {
        "task": "cases.remind_deadlines",
        "schedule": crontab(hour=8, minute=0),  # before the morning briefing
    },
    "permits-daily": {
        "task": "permits.daily",
        "schedule": crontab(hour=7, minute=30),  # endorsement reminders and lapses
    },
    "mediation-remind": {
        "task": "mediation.remind",
        "schedule": crontab(hour=8, minute=5),  # overdue assessments, follow-ups due
    },
    "patrols-assessment": {
        "task": "patrols.assessment_previous_month",
        # 02:00 on the 1st: last month's patrol assessment of every bureau
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
}

# --- Accounts, sessions, lockout, tokens -------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permission set kept in the cache between requests.
    "apps.accounts.backends.CachedModelBackend",
    # Citizens only: the portal's login with a code texted to the phone.
    "apps.accounts.backends.PhoneCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# 30 minutes idle, 12 hours absolute (apps.accounts.middleware.SessionExpiryMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
# A session is read from the cache (Redis; the demo's process memory) and written through
# to the database, which stays the record: a request no longer waits on a query for it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Django admin needs the permission accounts.use_admin (the sub-bureau admin role) and, with
# ADMIN_REQUIRE_OTP, a one-time code from the user's authenticator app in this session.
ADMIN_REQUIRE_OTP = env_bool("ADMIN_REQUIRE_OTP", default=False)
OTP_TOTP_ISSUER = "policestation"

# How many proxies of our own stand in front of the app (a TLS proxy: 1). It alone decides the
# client's address (apps.core.clients.client_address) for the API throttles, the public
# pages' limits, the login lockout and the access log: with 0 X-Forwarded-For is ignored,
# with N the Nth address from its right is the client.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES is a number of proxies, not {TRUSTED_PROXIES}.")

# Lockout by user and address together: five wrong passwords lock that user on that address
# only; twenty failures from one address across usernames lock the address
# (apps.accounts.lockout). Both for 15 minutes.
AXES_HANDLER = "apps.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "apps.core.clients.client_address"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_VERBOSE = False
# Kept out of the failed attempts' request data that axes stores: the portal's SMS code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

KNOX_TOKEN_MODEL = "accounts.DeviceToken"
# knox's own migrations create its default token table even when the model is swapped;
# that orphan table (with a foreign key to users) blocks PostgreSQL's TRUNCATE in flushes.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("DEVICE_TOKEN_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
}

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.auth.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["apps.core.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",  # a body nested too deeply is a 400, not a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_THROTTLE_RATE", "10/min")},
    # DRF's own reading of X-Forwarded-For, in step with TRUSTED_PROXIES; the throttles
    # themselves ask apps.core.clients.client_address (apps.core.api.throttling).
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "policestation API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "DEFAULT_GENERATOR_CLASS": "apps.core.api.schema.CachedSchemaGenerator",
    # Police networks are closed: the docs page loads its assets from our own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FindingKindEnum": "apps.patrols.choices.FindingKind",
        "FindingStatusEnum": "apps.patrols.choices.FindingStatus",
        "VideoPatrolKindEnum": "apps.patrols.choices.VideoPatrolKind",
        "DisputeSourceEnum": "apps.mediation.choices.DisputeSource",
        "DisputeCategoryEnum": "apps.mediation.choices.DisputeCategory",
        "DisputeStatusEnum": "apps.mediation.choices.DisputeStatus",
        "DisputeOutcomeEnum": "apps.mediation.choices.Outcome",
        "DisputePartyRoleEnum": "apps.mediation.choices.PartyRole",
        "MediationKindEnum": "apps.mediation.choices.MediationKind",
        "CaseExtensionKindEnum": "apps.cases.choices.ExtensionKind",
        "DisputeConsentEnum": "apps.mediation.choices.Consent",
        "PostKindEnum": "apps.stations.choices.PostKind",
        "CommunityKindEnum": "apps.stations.choices.CommunityKind",
        "StaffKindEnum": "apps.stations.choices.StaffKind",
        "UserKindEnum": "apps.accounts.choices.UserKind",
        "ServiceKindEnum": "apps.stations.choices.ServiceKind",
        "AreaKindEnum": "apps.stations.choices.AreaKind",
        "CategoryKindEnum": "apps.cases.choices.CategoryKind",
        "PriorityEnum": "apps.cases.choices.Priority",
        "IncidentSourceEnum": "apps.cases.choices.IncidentSource",
        "IncidentStatusEnum": "apps.cases.choices.IncidentStatus",
        "DispositionEnum": "apps.cases.choices.Disposition",
        "CaseKindEnum": "apps.cases.choices.CaseKind",
        "CaseStatusEnum": "apps.cases.choices.CaseStatus",
        "CaseOutcomeEnum": "apps.cases.choices.CaseOutcome",
        "PartyRoleEnum": "apps.cases.choices.PartyRole",
        "EvidenceKindEnum": "apps.cases.choices.EvidenceKind",
        "ShiftRoleEnum": "apps.cases.choices.ShiftRole",
        "ApplicationKindEnum": "apps.permits.choices.ApplicationKind",
        "ApplicationStatusEnum": "apps.permits.choices.ApplicationStatus",
        "BasisEnum": "apps.permits.choices.Basis",
        "DocumentKindEnum": "apps.permits.choices.DocumentKind",
        "VisitResultEnum": "apps.permits.choices.VisitResult",
        "FollowUpResultEnum": "apps.mediation.choices.FollowUpResult",
        "PatrolModeEnum": "apps.patrols.choices.PatrolMode",
        "SessionModeEnum": "apps.mediation.choices.SessionMode",
        "PatrolStatusEnum": "apps.patrols.choices.PatrolStatus",
        "ParticipantKindEnum": "apps.patrols.choices.ParticipantKind",
    },
}

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates and times in one set of styles (apps/core/timefmt.py), also where Django writes them.
FORMAT_MODULE_PATH = ["policestation.formats"]
# The region code (GB/T 2260) of the city the workbench serves, for a sub-bureau whose code
# is no region code: a household registered in this city gets no residence permit
# (居住证暂行条例 第二条, apps/permits/household.py).
PERMITS_HOME_REGION = env_str("PERMITS_HOME_REGION") or "500000"

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's output; the load test collects into its own results folder, so that a run
# of it leaves the checkout as it was.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded files with personal data: a directory no URL serves (see apps.registry.models).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private")

# Carries notifications that ask for SMS/push; the default only logs (apps.core.notifications).
NOTIFICATION_SENDER = env_str("NOTIFICATION_SENDER") or "apps.core.notifications.LogSender"

# Map tiles come from the police network's own tile server ({z}/{x}/{y} URL), or from a
# bureau's offline tile package (an MBTiles file of raster tiles, served by the workbench
# at /tiles/, apps/core/tiles.py); neither: the maps draw the village boundaries on a plain
# background with a scale (static/js/map.js). Set one of the two, not both.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
MAP_MBTILES_PATH = env_str("MAP_MBTILES_PATH")
# `seed_demo` also loads the park post's first year (~40,000 rows): tests that only need the
# rest of the demo turn it off (tests/conftest.py).
DEMO_PARK_YEAR = env_bool("DEMO_PARK_YEAR", default=True)

# Mediation's time limits (apps.mediation.services): a new dispute is assessed within
# MEDIATION_ASSESS_HOURS (MEDIATION_ASSESS_HOURS_SAFETY when someone's safety is at stake);
# a follow-up without a performance deadline falls due MEDIATION_FOLLOW_UP_DAYS after the
# agreement; the judicial-confirmation reminder goes out MEDIATION_CONFIRMATION_REMIND_DAYS
# before its 30-day window closes; a party's invitation link lasts MEDIATION_INVITATION_DAYS.
MEDIATION_ASSESS_HOURS = env_int("MEDIATION_ASSESS_HOURS", 48)
MEDIATION_ASSESS_HOURS_SAFETY = env_int("MEDIATION_ASSESS_HOURS_SAFETY", 24)
MEDIATION_FOLLOW_UP_DAYS = env_int("MEDIATION_FOLLOW_UP_DAYS", 15)
MEDIATION_CONFIRMATION_REMIND_DAYS = env_int("MEDIATION_CONFIRMATION_REMIND_DAYS", 7)
MEDIATION_INVITATION_DAYS = env_int("MEDIATION_INVITATION_DAYS", 7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Production hardening (check --deploy --fail-level WARNING is clean) ------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): scripts only from this site's own files, never inline
# (the templates have no inline script or on* attribute, and the API docs use the split
# Swagger view); styles may be inline (htmx's indicator style, style attributes). Images
# also from the police tile server when one is configured.
_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL)) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [SELF],  # the document viewer embeds PDFs from this site
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "worker-src": [SELF],  # the patrol tablet's offline service worker
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Personal-data access log: entries are kept at least six months (the purge of older ones
# is the auditor's; PostgreSQL refuses to delete younger ones, core migration 0003).
ACCESS_LOG_RETENTION_FLOOR_DAYS = 183
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", ACCESS_LOG_RETENTION_FLOOR_DAYS)
if ACCESS_LOG_RETENTION_DAYS < ACCESS_LOG_RETENTION_FLOOR_DAYS:
    raise ImproperlyConfigured(
        f"ACCESS_LOG_RETENTION_DAYS must be at least {ACCESS_LOG_RETENTION_FLOOR_DAYS}"
        f" (six months), not {ACCESS_LOG_RETENTION_DAYS}."
    )

# The change history masks personal data as pages do (apps/core/masking.py).
AUDITLOG_MASK_CALLABLE = "apps.core.masking.mask_personal"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks ID numbers and phones that a library's message may carry.
    "filters": {
        "personal_data": {"()": "apps.core.logs.RedactPersonalData"},
        "outage_in_one_line": {"()": "apps.core.logs.OutageInOneLine"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own records reach the root's handler (its default ones would skip the
        # filter: a console in DEBUG, mail to ADMINS with the request's data).
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # axes logs every successful login at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
        # PostgreSQL down: beat's scheduler (every 5 s) and failed tasks log one line, not a
        # traceback (a filter acts on the logger that makes the record, hence each name).
        **{
            name: {"filters": ["outage_in_one_line"]}
            for name in ("django_celery_beat.schedulers", "celery.beat", "celery.app.trace")
        },
    },
}

ASGI_APPLICATION = "policestation.asgi.application"

# The role names, for templates and checks; the permissions live in apps.accounts.roles.
SITE_TITLE = _("Police station workbench")

# How often each page that shows live work asks the server again when its live socket is
# down (apps/live; with the socket, changes arrive as they happen), in seconds: the one
# place for these (templates read them as `refresh.<page>`; the browser tests ask every
# second).
LIVE_REFRESH_SECONDS = {
    "incident_board": 10,  # the desk's board of open incidents
    "incident_page": 10,  # an incident's page: its status, facts, timeline, dispatch
    "lists": 15,  # a list of records that change under the desk's eyes (incidents)
    "jobs": 15,  # the jobs list on a community officer's tablet
    "noise": 10,  # the noise page's levels and open events
    "thread": 10,  # a dispute's online thread, on the mediator's page
    "join_thread": 5,  # the same thread, on a party's phone
    "patrol_track": 10,  # a patrol under way, on its page
    "patrols_live": 5,  # the map of patrols under way
    "wall": 5,  # the command room's wall screen
    "tablet_sync": 5,  # a patrol tablet sending its points and findings
    # The live QR code of an e-permit (permits.verify: good for two minutes from when it
    # was made, so the page must make a new one well within that).
    "permit_code": 60,
    # A desk officer's pages asking whether a call rings at their desk (cases:ringing).
    "ringing": 3,
}
