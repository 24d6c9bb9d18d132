"""Tests on PostgreSQL (the production database): the test settings with IDEAS_TEST_DATABASE_URL."""

import os
from urllib.parse import urlparse

from .test import *  # noqa: F403

_u = urlparse(os.environ.get("IDEAS_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5433/ideas"))
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _u.path.lstrip("/") or "ideas",
        "USER": _u.username or "",
        "PASSWORD": _u.password or "",
        "HOST": _u.hostname or "",
        "PORT": str(_u.port or 5432),
        # One test database per database name, so several checkouts can test on one server at once.
        "TEST": {"NAME": "test_" + (_u.path.lstrip("/") or "ideas")},
    }
}

# A worker process started by a test (tests/test_worker.py) opens the test database and queue.
if os.environ.get("IDEAS_WORKER_DB"):
    DATABASES["default"]["NAME"] = os.environ["IDEAS_WORKER_DB"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
