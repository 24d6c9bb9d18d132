"""The production cache: Redis, and the site keeps working while Redis is away.

Most of what is in the cache can be recomputed (anonymous pages, Wagtail's site root paths,
renditions): while Redis cannot be reached, `ResilientRedisCache` answers a miss for those, drops the
writes and stops trying for `IDEAS_CACHE_RETRY_SECONDS` (5) so a hung server does not slow every page.
Counters are different: a limit that silently loses its counts lets everything through. Keys under
`STRICT_PREFIXES` (the project's limits, `moderation/quotas.py`, and allauth's login rate limits)
raise the connection error, always, so the work behind them is refused (a Korean 503) rather than
unlimited.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

#: Keys whose operations fail when Redis is away (counters of limits), instead of missing quietly.
STRICT_PREFIXES = ("limits:", "allauth:rl:")


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that misses instead of failing while Redis is down (but for counters)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._errors = _redis_errors()

    @staticmethod
    def _strict(*keys) -> bool:
        return any(str(k).startswith(STRICT_PREFIXES) for k in keys)

    def _call(self, keys, fallback, method, *args, **kwargs):
        if self._strict(*keys):
            return method(*args, **kwargs)
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except self._errors as exc:
            self._down_until = time.monotonic() + self.retry_seconds
            logger.warning("Cache unreachable (%s): serving without it for %ss", exc, self.retry_seconds)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        sup = super().add
        return self._call([key], False, lambda: sup(key, value, timeout, version=version))

    def get(self, key, default=None, version=None):
        return self._call([key], default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        sup = super().set
        return self._call([key], None, lambda: sup(key, value, timeout, version=version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        sup = super().touch
        return self._call([key], False, lambda: sup(key, timeout, version=version))

    def delete(self, key, version=None):
        return self._call([key], False, super().delete, key, version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._call(keys, {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call([key], False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        sup = super().set_many
        return self._call(list(data), list(data), lambda: sup(data, timeout, version=version))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call(keys, None, super().delete_many, keys, version)

    def clear(self):
        return self._call([], False, super().clear)
