"""Bad input and unavailable services answer with a clear Korean page, never a 500.

- `RequestSanityMiddleware` refuses, before any view runs: a path number beyond 64 bits (404, since
  no row can have that id), NUL characters and lone surrogates in the query string, a form or a JSON
  body (400: PostgreSQL and UTF-8 cannot store them), and bodies over `DATA_UPLOAD_MAX_MEMORY_SIZE`
  (413; Django would only notice when a view reads `request.POST`).
- `bad_request` / `server_error` are the project's handler400 / handler500: JSON under `/api/`, Korean
  HTML elsewhere. An exception meaning the database or Redis cannot be reached becomes a 503 with
  `Retry-After`, not a 500.
- `core.http.parse_id` is the one way to read an id or page number from a query string.
"""

from __future__ import annotations

import json
import logging
import re
import sys

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.http import MAX_ID

logger = logging.getLogger(__name__)

# NUL, and UTF-16 surrogates that stand alone in a Python str (UTF-8 cannot encode them).
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_DIGITS = re.compile(r"^[0-9]+$")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def has_bad_chars(value) -> bool:
    """True when a str (or any str inside lists/dicts) holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        return bool(_BAD_CHARS.search(value))
    if isinstance(value, dict):
        return any(has_bad_chars(k) or has_bad_chars(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_bad_chars(v) for v in value)
    return False


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: HttpRequest, status: int, message: str, *, template: str) -> HttpResponse:
    """A Korean error answer: `{"detail": message}` for the API, the Open311 error list under
    `/open311/` (`[{"code", "description"}]`, what GeoReport v2 clients read), the HTML page otherwise."""
    if request.path.startswith("/open311/"):
        return JsonResponse([{"code": status, "description": message}], status=status, safe=False)
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    html = render_to_string(template, {"message": message, "status": status}, request=request)
    return HttpResponse(html, status=status)


def bad_input_message() -> str:
    return _(
        "요청에 쓸 수 없는 문자(NUL 문자나 짝이 맞지 않는 유니코드 문자)가 들어 있습니다. 지우고 다시 보내 주세요."
    )


def too_big_message() -> str:
    return _(
        "보낸 내용이 너무 큽니다(첨부 파일을 뺀 입력 2MB까지). 글을 줄이거나 파일은 첨부 칸으로 올려 주세요. "
        "이미 저장된 내용은 그대로 있습니다."
    )


class RequestSanityMiddleware:
    """Refuse what no view can store, before any view runs (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for segment in request.path_info.split("/"):
            if _DIGITS.match(segment) and (len(segment) > 19 or int(segment) > MAX_ID):
                return error_response(
                    request, 404, _("페이지를 찾을 수 없습니다. 주소의 번호가 너무 큽니다."), template="404.html"
                )
        if has_bad_chars(request.path_info) or has_bad_chars(dict(request.GET.lists())):
            return error_response(request, 400, bad_input_message(), template="400.html")
        if request.method in _BODY_METHODS:
            try:
                bad = self._body_has_bad_chars(request)
            except RequestDataTooBig:
                return error_response(request, 413, too_big_message(), template="413.html")
            except (TooManyFieldsSent, MultiPartParserError, SuspiciousOperation):
                return error_response(
                    request, 400, _("요청을 읽을 수 없습니다. 다시 보내 주세요."), template="400.html"
                )
            if bad:
                return error_response(request, 400, bad_input_message(), template="400.html")
        return self.get_response(request)

    @staticmethod
    def _body_has_bad_chars(request: HttpRequest) -> bool:
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if has_bad_chars(dict(request.POST.lists())):
                return True
            return any(has_bad_chars(f.name) for files in request.FILES.lists() for f in files[1])
        if content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            if not body:
                return False
            try:
                data = json.loads(body)
            except ValueError:  # not JSON (or not UTF-8): the view answers 400 itself
                return False
            return has_bad_chars(data)
        return False


def _unavailable(exc: BaseException | None) -> bool:
    """True when `exc` means the database or Redis cannot be reached (a 503, not a bug)."""
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a runtime dependency
        redis_errors: tuple = ()
    else:
        redis_errors = (RedisConnectionError, RedisTimeoutError)
    return isinstance(exc, (OperationalError, InterfaceError, *redis_errors))


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400: a Korean page (or JSON under /api/)."""
    return error_response(request, 400, _("요청을 읽을 수 없습니다. 주소나 입력을 확인해 주세요."), template="400.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 with Retry-After when the database or Redis is down, else a Korean 500."""
    exc = sys.exc_info()[1]
    from moderation.quotas import LimiterUnavailable, unavailable_message

    if isinstance(exc, LimiterUnavailable):  # Redis down: the limits cannot be counted, nothing is taken
        logger.error("Limits unavailable for %s: %r", request.path, exc)
        response = _plain_error(request, 503, unavailable_message(), template="503.html")
        response["Retry-After"] = "60"
        return response
    if _unavailable(exc):
        logger.error("Service unavailable for %s: %r", request.path, exc)
        message = _("지금 서비스에 접속할 수 없습니다. 잠시 후 다시 시도해 주세요. 이미 저장된 내용은 그대로 있습니다.")
        response = _plain_error(request, 503, message, template="503.html")
        response["Retry-After"] = "30"
        return response
    return _plain_error(
        request,
        500,
        _("잠시 문제가 생겼습니다. 저장된 내용은 그대로 있습니다. 잠시 후 다시 시도해 주세요."),
        template="500.html",
    )


def _plain_error(request: HttpRequest, status: int, message: str, *, template: str) -> HttpResponse:
    """Like `error_response` but with no request context (no user, no session): those may be what failed."""
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string(template, {"message": message, "status": status}), status=status)
