"""One limiter for everything counted per account or per address: submissions, reports,
similar-idea look-ups. Counters live in Django's cache (Redis in production, shared by every
process), and a slot is taken atomically *before* the work (`cache.incr`), so parallel requests
cannot all pass a check made before any of them is counted. Work that fails gives its slot back.

`submission_quota` wraps a submit view: a POST over quota gets 429 with a Korean message (JSON
for the API) before any work; a POST that does not end in a new submission (form errors, no
permission, an exception) releases its slot.

Settings (optional):
- `MODERATION_SUBMISSION_QUOTAS = {"user": (5, 3600), "ip": (20, 3600), "field_worker": (60, 3600)}`:
  at most 5 submissions per account and 20 per address in one window of an hour; a named limit
  (`field_worker`) is a counter of its own per account, for views that choose it
  (`submission_quota(limit_for=...)`: posts field workers bring back from a field visit do not use up
  the citizen quota).
- `MODERATION_REPORT_LIMITS = {"user": (10, 3600), "ip": (30, 3600)}`: reports.
- `IDEAS_SIMILAR_LIMITS = {"ip": (60, 60)}`: similar-idea look-ups while writing.
- `IDEAS_TRUSTED_PROXY_COUNT`: how many reverse proxies in front of the site append to
  `X-Forwarded-For` (0, the default: the client is `REMOTE_ADDR`). See `core.http.client_ip`.

When the cache cannot be reached (Redis down), nothing can be counted: `limit_reserve` raises
`LimiterUnavailable` rather than let anything through unlimited, and a submit view answers 503 with
`unavailable_message()` (the project's handler500 does the same for reports and opinions).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import client_ip

try:
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    CACHE_DOWN: tuple[type[BaseException], ...] = (_RedisConnectionError, _RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is a runtime dependency
    CACHE_DOWN = ()

DEFAULT_QUOTAS = {"user": (5, 3600), "ip": (20, 3600), "field_worker": (60, 3600)}
DEFAULT_REPORT_LIMITS = {"user": (10, 3600), "ip": (30, 3600)}


def _quotas() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_QUOTAS, **getattr(settings, "MODERATION_SUBMISSION_QUOTAS", {})}


# ---- the limiter ----------------------------------------------------------------------------


class LimiterUnavailable(Exception):
    """The cache holding the counters cannot be reached: refuse the work (503), never let it through."""


def unavailable_message() -> str:
    return _(
        "지금은 일시적인 장애로 글을 받을 수 없습니다. 보내신 내용은 저장되지 않았으니 따로 보관해 두었다가 "
        "잠시 후 다시 보내 주세요. 이미 저장된 글은 그대로 있습니다."
    )


@dataclass
class Reservation:
    """Slots taken by `limit_reserve`; `release()` gives them back (once)."""

    keys: list[str] = field(default_factory=list)

    def release(self) -> None:
        keys, self.keys = self.keys, []
        for key in keys:
            try:
                cache.decr(key)
            except ValueError:  # the window expired meanwhile: nothing to give back
                pass
            except CACHE_DOWN:  # the cache went away: the slot is lost with it
                pass


def _take(key: str, window: int) -> int:
    """Atomically add one to the counter `key` (created for this window). Returns the new count."""
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=window + 5)
        return cache.incr(key)


def limit_reserve(*, name: str, limits: dict[str, tuple[int, int]], idents: dict[str, object]) -> Reservation | None:
    """Take one slot in every counter of `name` (one per scope in `idents` with an identity,
    e.g. {"user": 12, "ip": "203.0.113.7"}, limited by `limits[scope] = (count, seconds)`).

    Returns the reservation, or None (having taken nothing) when any counter is full. Counters
    are fixed windows; the increment is atomic in Redis and in the local-memory cache, so of
    any number of parallel callers exactly `count` get a slot."""
    reservation = Reservation()
    now = int(time.time())
    try:
        for scope, ident in idents.items():
            if ident in (None, "") or scope not in limits:
                continue
            limit, window = limits[scope]
            key = f"limits:{name}:{scope}:{ident}:{now // window}"
            used = _take(key, window)
            reservation.keys.append(key)
            if used > limit:
                reservation.release()
                return None
    except CACHE_DOWN as exc:
        raise LimiterUnavailable(str(exc)) from exc
    return reservation


# ---- submissions ----------------------------------------------------------------------------

#: Set on the request by `mark_submitted` when a submission was saved, so the slot is kept.
_SUBMITTED = "_moderation_quota_submitted"


def mark_submitted(request) -> None:
    """Called by the screening of a new submission: the request's quota slot is used up."""
    if request is not None:
        setattr(request, _SUBMITTED, True)


def submission_reserve(*, user_id, ip, limit: str = "user") -> Reservation | None:
    """One submission slot for the account and the address, or None when either is used up. A named
    `limit` other than "user" (e.g. "field_worker") counts the account alone in a counter of its own."""
    quotas = _quotas()
    if limit != "user" and limit in quotas:
        return limit_reserve(name=f"submit-{limit}", limits={"user": quotas[limit]}, idents={"user": user_id})
    return limit_reserve(name="submit", limits=quotas, idents={"user": user_id, "ip": ip})


def quota_message() -> str:
    return _(
        "짧은 시간에 너무 많이 제출했습니다. 잠시 뒤(최대 1시간)에 다시 제출해 주세요. "
        "작성한 내용은 따로 보관해 두세요."
    )


def too_many_response(
    request, *, message: str | None = None, retry_after: int | None = None, as_json: bool = False
) -> HttpResponse:
    """429 answer: JSON for the API, fetch requests and `as_json`, an HTML page otherwise."""
    message = message or quota_message()
    wants_json = as_json or request.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")
    if wants_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "moderation/quota_exceeded.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after or min(w for _l, w in _quotas().values()))
    return response


def unavailable_response(request) -> HttpResponse:
    """503 while the counters cannot be reached: JSON for the API and fetch requests, a page otherwise."""
    message = unavailable_message()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = render(request, "moderation/quota_exceeded.html", {"message": message}, status=503)
    response["Retry-After"] = "60"
    return response


def submission_quota(view=None, *, limit_for=None):
    """Decorator for submit views (site and API): a POST takes a quota slot before any work and
    gets 429 when there is none; the slot is given back unless the view saved a submission.
    `limit_for(request)` may name the limit to count against (default "user": the citizen quota)."""
    if view is None:
        return functools.partial(submission_quota, limit_for=limit_for)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
        limit = limit_for(request) if limit_for is not None and user_id is not None else "user"
        try:
            reservation = submission_reserve(user_id=user_id, ip=client_ip(request), limit=limit)
        except LimiterUnavailable:
            return unavailable_response(request)
        if reservation is None:
            return too_many_response(request)
        setattr(request, _SUBMITTED, False)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            reservation.release()
            raise
        if not getattr(request, _SUBMITTED, False):
            reservation.release()
        return response

    return wrapper
