"""Per-account and per-IP submission quotas, counted in Django's cache.

`submission_quota` wraps a submit view: a POST over quota gets 429 with a Korean message (JSON
for the API). Successful submissions are counted by `screening_on_submit`, after commit, so a
form sent back with errors does not use up the quota.

Settings (optional): `MODERATION_SUBMISSION_QUOTAS = {"user": (5, 3600), "ip": (20, 3600)}`,
i.e. at most 5 submissions per account and 20 per IP address in any one-hour window.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

DEFAULT_QUOTAS = {"user": (5, 3600), "ip": (20, 3600)}


def _quotas() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_QUOTAS, **getattr(settings, "MODERATION_SUBMISSION_QUOTAS", {})}


def client_ip(request) -> str | None:
    """The client address as the server saw it (proxies are configured at the web server)."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def _keys(*, user_id, ip) -> list[tuple[str, int, int]]:
    keys = []
    now = int(time.time())
    for scope, ident in (("user", user_id), ("ip", ip)):
        if not ident:
            continue
        limit, window = _quotas()[scope]
        keys.append((f"moderation:quota:{scope}:{ident}:{now // window}", limit, window))
    return keys


def quota_exceeded(*, user_id, ip) -> bool:
    """True when the account or the address has used up its submissions for this window."""
    return any((cache.get(key) or 0) >= limit for key, limit, _w in _keys(user_id=user_id, ip=ip))


def quota_count(*, user_id, ip) -> None:
    """Count one successful submission against the account and the address."""
    for key, _limit, window in _keys(user_id=user_id, ip=ip):
        if not cache.add(key, 1, timeout=window + 5):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window + 5)


def quota_message() -> str:
    return _(
        "짧은 시간에 너무 많이 제출했습니다. 잠시 뒤(최대 1시간)에 다시 제출해 주세요. "
        "작성한 내용은 따로 보관해 두세요."
    )


def too_many_response(request) -> HttpResponse:
    """429 answer: JSON for the API and fetch requests, an HTML page otherwise."""
    message = quota_message()
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")
    if wants_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "moderation/quota_exceeded.html", {"message": message}, status=429)
    response["Retry-After"] = str(min(w for _l, w in _quotas().values()))
    return response


def submission_quota(view):
    """Decorator for submit views (site and API): POSTs over quota get 429 before any work."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
            if quota_exceeded(user_id=user_id, ip=client_ip(request)):
                return too_many_response(request)
        return view(request, *args, **kwargs)

    return wrapper
