"""Settings of a server process started by a test (tests/servers.py): the suite's settings
(SQLite or PostgreSQL, IDEAS_SERVER_SETTINGS) on the test database, with the production parts that
matter across processes: the cache in Redis (IDEAS_SERVER_REDIS_URL), DEBUG off, one trusted proxy."""

import importlib
import os

_base = importlib.import_module(os.environ.get("IDEAS_SERVER_SETTINGS", "ideas_site.settings.test"))
globals().update({k: v for k, v in vars(_base).items() if k.isupper()})

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
IDEAS_TRUSTED_PROXY_COUNT = 1
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": os.environ["IDEAS_SERVER_REDIS_URL"],
        "KEY_PREFIX": os.environ.get("IDEAS_SERVER_CACHE_PREFIX", ""),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
