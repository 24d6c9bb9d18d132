"""The anonymous page cache: whole public pages for visitors who are not logged in, in Redis.

Every cached page is filed under a generation number; the services bump it after a commit that
changes what anonymous visitors see (an idea published, hidden, withdrawn, its status changed, a
공감 given or taken back; a contest page published), so no stale page outlives the change. A
contest's phase changes with time alone (blind review hides names, results publish them): a page is
never kept past the next phase boundary of any live contest. Responses that set a cookie or use a
CSRF token (forms) are never cached. `ConditionalGetMiddleware` adds the ETag and answers 304.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

GENERATION_KEY = "ideas:pages:generation"
BOUNDARIES_KEY = "ideas:pages:boundaries:{}"
PAGE_KEY = "ideas:pages:{}:{}"
DEFAULT_TTL = 300
UNCACHED_PREFIXES = ("/admin", "/accounts", "/review", "/django-admin", "/static", "/media", "/ideas/similar")


def public_pages_changed() -> None:
    """After the current transaction commits, drop every cached anonymous page (bump the generation)."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time.time_ns(), None))


def _generation() -> int:
    gen = cache.get(GENERATION_KEY)
    if gen is None:
        gen = time.time_ns()
        cache.add(GENERATION_KEY, gen, None)
        gen = cache.get(GENERATION_KEY, gen)
    return gen


def _boundaries(gen: int) -> list[float]:
    key = BOUNDARIES_KEY.format(gen)
    found = cache.get(key)
    if found is None:
        from .models import ContestPage

        found = sorted(
            ts.timestamp()
            for row in ContestPage.objects.live().values_list(
                "submission_opens_at", "submission_closes_at", "screening_closes_at", "review_closes_at", "results_at"
            )
            for ts in row
            if ts is not None  # a standing board has no closing dates
        )
        cache.set(key, found, DEFAULT_TTL)
    return found


def page_ttl(boundaries: list[float], *, now: datetime | None = None, limit: int | None = None) -> int:
    """Seconds a page may be kept: the configured TTL, but never past the next phase boundary."""
    ttl = limit if limit is not None else getattr(settings, "IDEAS_PAGE_CACHE_TTL", DEFAULT_TTL)
    at = (now or timezone.now()).timestamp()
    upcoming = [b for b in boundaries if b > at]
    if upcoming:
        ttl = min(ttl, int(upcoming[0] - at))
    return max(0, ttl)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith(UNCACHED_PREFIXES):
        return False
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    # API credentials (a bearer token; Open311's api_key) are read by the view, after this check:
    # the answer may be what only that user sees, so it is never stored for anonymous visitors.
    if request.headers.get("Authorization") or "api_key" in request.GET:
        return False
    return "messages" not in request.COOKIES and "_messages" not in request.session


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous GETs of public pages (after the auth and message middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "IDEAS_PAGE_CACHE", True) or not _cacheable_request(request):
            return self.get_response(request)
        gen = _generation()
        key = PAGE_KEY.format(gen, hashlib.sha256(request.get_full_path().encode()).hexdigest())
        hit = cache.get(key)
        if hit is not None:
            content, content_type, stored = hit
            response = HttpResponse(content, content_type=content_type)
            response["Last-Modified"] = http_date(stored)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
        ):
            ttl = page_ttl(_boundaries(gen))
            if ttl > 0:
                stored = time.time()
                cache.set(key, (response.content, response["Content-Type"], stored), ttl)
                response["Last-Modified"] = http_date(stored)
                response["X-Page-Cache"] = "miss"
        return response
