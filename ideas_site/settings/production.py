"""Production: every secret and host comes from the environment; it refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} must be set in production.")
    return value


DEBUG = False
SECRET_KEY = _require("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _require("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
WAGTAILADMIN_BASE_URL = _require("WAGTAILADMIN_BASE_URL")

_db_url = _require("DATABASE_URL")  # postgres://user:pass@host:5432/name
if not _db_url.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL in production.")
from urllib.parse import urlparse  # noqa: E402

_u = urlparse(_db_url)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _u.path.lstrip("/"),
        "USER": _u.username or "",
        "PASSWORD": _u.password or "",
        "HOST": _u.hostname or "",
        "PORT": str(_u.port or 5432),
        "CONN_MAX_AGE": 60,
        # A connection broken by a database restart is replaced at the next request, not answered 503.
        "CONN_HEALTH_CHECKS": True,
    }
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _require("EMAIL_HOST")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": _require("REDIS_URL"),
        # Redis unreachable or hung: fail in a second; pages are then served without the cache, and
        # submissions, reports and logins refused with a Korean 503 (their counters cannot be kept; core/cache.py).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind one reverse proxy by default: the client address is the last X-Forwarded-For entry (README).
IDEAS_TRUSTED_PROXY_COUNT = int(os.environ.get("IDEAS_TRUSTED_PROXY_COUNT", "1"))
SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be true or false, not {value!r}.")


# HTTPS only. The proxy in front sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER above); a proxy that
# redirects to HTTPS itself may turn Django's redirect off with DJANGO_SECURE_SSL_REDIRECT=false.
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# HSTS includeSubDomains covers the hosts *under* this site's host (e.g. *.ideas.seoul.go.kr), which
# belong to this site's operator, not the city's other sites: on by default. An operator who serves
# plain-HTTP hosts under it sets DJANGO_HSTS_INCLUDE_SUBDOMAINS=false (check --deploy then warns W005).
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# HSTS preload is the registrable domain's decision (seoul.go.kr submits to the preload list, not a
# sub-site), so it stays off. DJANGO_HSTS_PRELOAD_DECIDED_ELSEWHERE=true (the default) records that
# decision and silences security.W021; set DJANGO_HSTS_PRELOAD=true only if the domain owner asks.
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD and _env_bool("DJANGO_HSTS_PRELOAD_DECIDED_ELSEWHERE", True):
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# The anonymous page cache (ideas/cache.py); IDEAS_PAGE_CACHE=0 turns it off (benchmarks, debugging).
IDEAS_PAGE_CACHE = os.environ.get("IDEAS_PAGE_CACHE", "1") != "0"
