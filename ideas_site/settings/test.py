"""Tests: fast hashing, in-memory e-mail, immediate tasks, isolated media folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ideas-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False

# A throwaway second kind of submission (tests/kinds): the shared mechanisms must serve it unchanged.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kinds"]  # noqa: F405

# A file-backed test database (not SQLite's shared in-memory cache, which ignores the busy
# timeout), so tests that fire parallel requests see real locking, as in production.
DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="ideas-test-db-")) / "test.sqlite3")}  # noqa: F405

# Tests build their similarity indexes in process; the persisted ones are tested with a tmp dir.
IDEAS_NLP_INDEX_DIR = None
# Count a corpus's live items at every look (production: every 5 s per process; nlp/tests/test_persisted_index.py
# tests that interval).
IDEAS_NLP_RECOUNT_SECONDS = 0

# Tests write rows directly (factories): no anonymous page cache unless a test turns it on.
IDEAS_PAGE_CACHE = False

# A worker process started by a test (tests/test_worker.py) opens the test database and queue.
if os.environ.get("IDEAS_WORKER_DB"):
    DATABASES["default"]["NAME"] = os.environ["IDEAS_WORKER_DB"]  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
