"""Settings shared by every profile. dev/test/production hold only their differences."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "core",
    "comments",
    "ideas",
    "moderation",
    "moderation.review",
    "grievances",
    "forum",
    "results",
    "ideas_site",
    "dashboard",
    "nlp.apps.NlpConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API docs page serves Swagger UI from static files, not a CDN (CSP)
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy headers (ideas_site/security.py).
    "ideas_site.security.SiteCSPMiddleware",
    "ideas_site.security.PermissionsPolicyMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag on every GET, 304 when it matches
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL/lone surrogates -> 400, bodies over DATA_UPLOAD_MAX_MEMORY_SIZE -> 413, ids past 64 bits -> 404.
    "ideas_site.errors.RequestSanityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ideas.cache.AnonymousPageCacheMiddleware",  # anonymous public pages from the cache (ideas/cache.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "ideas_site.urls"

# Browser policies. Public pages: no inline script or style, nothing from other origins. The Wagtail
# admin and the API docs need inline scripts/styles of their own: IDEAS_CSP_ADMIN_DIRECTIVES.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
IDEAS_CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.unread_notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "ideas_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ideas.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Korean UI throughout.
LANGUAGE_CODE = "ko-kr"
LANGUAGES = [("ko", _("한국어"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Three 5 MB attachments plus the form fit; larger bodies are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "일사천리"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAIL_I18N_ENABLED = False

# Accounts (django-allauth): sign-up by e-mail with mandatory verification.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "ideas.forms.SignupConsentForm"
ACCOUNT_ADAPTER = "ideas.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[일사천리] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}  # the admin login shares it (ideas.admin_login)
# Reverse proxies in front of the site that append to X-Forwarded-For (core.http.client_ip).
IDEAS_TRUSTED_PROXY_COUNT = 0
DEFAULT_FROM_EMAIL = "일사천리 <noreply@ideas.seoul.example>"

# Background work (django-tasks). Dev and tests run tasks immediately; production queues them
# in the database and real `manage.py db_worker` processes run them (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The version of the personal-information collection notice shown at sign-up. Changing the
# notice means changing this version: consents record which one the citizen accepted.
PRIVACY_NOTICE_VERSION = "2026-11-01"

# Idea submissions
IDEAS_MAX_ATTACHMENTS = 3
IDEAS_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
IDEAS_LIST_PAGE_SIZE = 12
# Lists count up to this many results ("10,000+") and serve pages up to it (ideas/paging.py).
IDEAS_LIST_MAX_RESULTS = 10_000
# Anonymous public pages cached (ideas/cache.py): on in production, off where data changes by hand.
IDEAS_PAGE_CACHE = True
IDEAS_PAGE_CACHE_TTL = 300

# NLP analyser: mecab (default), okt or komoran.
IDEAS_NLP_ANALYZER = "mecab"
# Persisted similarity indexes (nlp.adapter.index_publish, written by the refit; every process loads the
# current build memory-mapped). None: every process builds its own index. One directory per database:
# every web and worker machine of one site reads the same one (a shared volume, like MEDIA_ROOT).
IDEAS_NLP_INDEX_DIR = Path(os.environ.get("IDEAS_NLP_INDEX_DIR") or BASE_DIR / "var" / "nlp-index")
# How often a process counts a corpus's live items again (seconds): what leaves without a timestamp
# (a withdrawal written as a queryset update, a deleted row) is seen within this; never a count per request.
IDEAS_NLP_RECOUNT_SECONDS = float(os.environ.get("IDEAS_NLP_RECOUNT_SECONDS") or 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ideas": {"level": "INFO"},
        "moderation": {"level": "INFO"},
        "nlp": {"level": "INFO"},
    },
}
