"""Open311 GeoReport v2 for the field board, at `/open311/v2/` (JSON and XML), so existing Open311
clients (FixMyStreet and the like) read and post field posts; and the field mapping that
`/api/v1/grievances` shares.

Endpoints (the spec's; `jurisdiction_id` is optional, and when sent must be ours,
`GRIEVANCES_OPEN311_JURISDICTION`, default "seoul.go.kr"):

- `GET services.{json,xml}`: our two services, the kinds of post: `difficulty` (애로사항) and
  `suggestion` (건의사항); `metadata` false (no extra attributes), `type` realtime.
- `GET requests.{json,xml}`: public posts, newest first, at most 1,000. Filters: `service_request_id`
  (comma-separated; the other filters are then ignored, as the spec says), `service_code`
  (comma-separated), `status` (`open`, `closed`, comma-separated), `start_date`/`end_date` (ISO 8601;
  on `requested_datetime`). Without dates, the last 90 days; with one, 90 days from/to it; a range
  may not span more than 90 days.
- `GET requests/{service_request_id}.{json,xml}`: one post, as a list of one. A 비공개 post only for
  its poster, department or staff (with their `api_key`).
- `POST requests.{json,xml}`, form-encoded: `api_key` (a personal API token, the same bearer token
  `/api/v1` takes; also accepted as `Authorization: Bearer`), `service_code`, `description` (at most
  4,000 characters; the title is its first line), `address_string`, `lat`/`long` (both or neither;
  none is required: a post need not have a place), and our extension `x_district` (a district code
  or its Korean name; otherwise read from a "…구" word of `address_string`, else 서울 전역).
  The post goes through `grievances.services.grievance_submit` (screening, masking, quotas, routing)
  and is public (a 비공개 post is made through `/api/v1/grievances`). Ignored, never stored: the
  personal fields (`email`, `first_name`, `last_name`, `phone`, `device_id`, `account_id`): a post
  carries no identity of the person it concerns; `address_id`, `attribute[…]` (no service has
  attributes); `media_url` (we do not fetch remote files: photos are checked on upload). Answer 201:
  `[{"service_request_id", "service_notice"}]`.

Errors have the spec's shape, `[{"code": 400, "description": "…"}]` (XML: `<errors><error>…`),
with Korean descriptions: a missing or unknown `api_key` is 403; bad input 400 (nothing saved);
an unknown request, jurisdiction or format 404; the submission quota 429.

Field mapping (ours → GeoReport v2): reference → `service_request_id`; status → `status` (`open`
while a department owes an answer: 접수, 배정, 처리중, 이관; `closed`: 답변완료, 이송, 종결-중복),
the fine status in `x_status`/`x_status_label` and, in words, `status_notes`; kind →
`service_code` (`difficulty`/`suggestion`) and `service_name` (애로사항/건의사항; the policy track is
the extension `x_track`); masked body → `description`; department → `agency_responsible` (the
receiving agency once handed over); received_at/updated_at/due_at → `requested_datetime`/
`updated_datetime`/`expected_datetime` (ISO 8601, +09:00); masked address → `address`;
`lat`/`long` (rounded to 3 decimals, about 100 m, when the company name is hidden, so a map point
does not name the workplace); the first photo → `media_url` (public posts only).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from xml.etree import ElementTree

import rules
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import APIToken

from core.http import audit_context, client_ip
from ideas.choices import District
from moderation.quotas import quota_message, submission_reserve

from . import deadlines
from .api_filters import OPEN311_STATUSES, statuses_for
from .api_forms import Open311RequestForm
from .calendar import calendar, days_left
from .choices import GrievanceKind, GrievanceStatus
from .models import Grievance
from .selectors import grievance_get_for
from .services import GrievanceData, grievance_submit

#: How our kinds read as Open311 services.
SERVICE_NAMES = {GrievanceKind.DIFFICULTY: gettext_lazy("애로사항"), GrievanceKind.SUGGESTION: gettext_lazy("건의사항")}

#: At most this many requests in one answer, and a date range of at most this many days (the spec's).
MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)


def jurisdiction() -> str:
    return getattr(settings, "GRIEVANCES_OPEN311_JURISDICTION", "seoul.go.kr")


def service_name(kind: str) -> str:
    return str(SERVICE_NAMES.get(kind, kind))


def service_list() -> list[dict]:
    """GeoReport v2 `services`: one service per kind of post."""
    descriptions = {
        GrievanceKind.DIFFICULTY: _("일터와 구직 현장의 어려움(고충). 담당 부서가 처리 기한 안에 답변합니다."),
        GrievanceKind.SUGGESTION: _("정책과 제도를 고쳐 달라는 건의. 담당 부서가 처리 기한 안에 답변합니다."),
    }
    return [
        {
            "service_code": kind.value,
            "service_name": service_name(kind),
            "description": str(descriptions[kind]),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": str(_("현장 기동대")),
        }
        for kind in GrievanceKind
    ]


def _local(value: datetime | None) -> datetime | None:
    """A time as the API shows it: in Seoul time (ISO 8601 with +09:00), whole seconds."""
    return timezone.localtime(value).replace(microsecond=0) if value is not None else None


def _coordinate(value, *, coarse: bool) -> float | None:
    if value is None:
        return None
    return round(float(value), 3 if coarse else 6)


def status_notes(grievance: Grievance) -> str:
    """The fine status in words (Korean), with what the poster is told about it."""
    label = str(grievance.get_status_display())
    if grievance.status == GrievanceStatus.HANDED_OVER and grievance.handed_over_to:
        return _("%(label)s: %(agency)s(으)로 넘겨졌습니다.") % {"label": label, "agency": grievance.handed_over_to}
    if grievance.status == GrievanceStatus.TRANSFERRED and grievance.department_id:
        return _("%(label)s: %(department)s에서 처리합니다.") % {
            "label": label,
            "department": grievance.department.name,
        }
    if grievance.extended_at and grievance.is_open:
        return _("%(label)s (처리 기간 연장)") % {"label": label}
    return label


def agency_responsible(grievance: Grievance) -> str | None:
    if grievance.status == GrievanceStatus.HANDED_OVER and grievance.handed_over_to:
        return grievance.handed_over_to
    return grievance.department.name if grievance.department_id else None


def service_notice(grievance: Grievance) -> str:
    """What happens next, as the spec's `service_notice`: the answer deadline while one is owed, and
    that a post waiting for screening is not public yet."""
    if grievance.due_at is None or not grievance.is_open:
        return ""
    notice = _("%(date)s까지 담당 부서가 답변합니다(토요일·일요일·공휴일 제외).") % {
        "date": f"{timezone.localtime(grievance.due_at):%Y-%m-%d}"
    }
    if grievance.published_at is None:
        notice = _("운영진 검토 뒤 공개됩니다. ") + notice
    return notice


def first_photo_url(grievance: Grievance, request=None) -> str | None:
    """The first photo of a public post (served by `grievances:photo`), as an absolute URL; None for
    other posts or when it has none. Reads the prefetched `attachments`."""
    if not grievance.is_public:
        return None
    photos = sorted(grievance.attachments.all(), key=lambda p: p.pk)
    if not photos:
        return None
    url = reverse("grievances:photo", kwargs={"reference": grievance.reference, "pk": photos[0].pk})
    return request.build_absolute_uri(url) if request is not None else url


def service_request(
    grievance: Grievance, *, request=None, now: datetime | None = None, cal: deadlines.Calendar | None = None
) -> dict:
    """One post in GeoReport v2 fields, then our extensions (`x_…`). Every text is the public,
    masked copy. Reads `department`, `industry`, `track` and `attachments`: select/prefetch them,
    and pass one `cal` (the holidays, one query) for a list."""
    coarse = grievance.hide_company
    now = now or timezone.now()
    left = days_left(grievance, now=now, cal=cal) if grievance.is_open and grievance.due_at else None
    return {
        "service_request_id": grievance.reference,
        "status": grievance.open311_status,
        "status_notes": status_notes(grievance),
        "service_name": service_name(grievance.kind),
        "service_code": grievance.kind,
        "description": grievance.body_public,
        "agency_responsible": agency_responsible(grievance),
        "service_notice": service_notice(grievance) or None,
        "requested_datetime": _local(grievance.received_at),
        "updated_datetime": _local(grievance.updated_at),
        "expected_datetime": _local(grievance.due_at),
        "address": grievance.address_public or None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(grievance.lat, coarse=coarse),
        "long": _coordinate(grievance.long, coarse=coarse),
        "media_url": first_photo_url(grievance, request),
        "x_title": grievance.public_title,
        "x_status": grievance.status,
        "x_status_label": str(grievance.get_status_display()),
        "x_kind": grievance.kind,
        "x_district": grievance.district,
        "x_district_label": str(grievance.get_district_display()),
        "x_industry": grievance.industry.slug if grievance.industry_id else None,
        "x_industry_label": grievance.industry.name if grievance.industry_id else None,
        "x_track": grievance.track.slug if grievance.track_id else None,
        "x_track_label": grievance.track.name if grievance.track_id else None,
        "x_department": grievance.department.slug if grievance.department_id else None,
        "x_company": grievance.public_company or None,
        "x_answer": grievance.answer_public or None,
        "x_answered_datetime": _local(grievance.answered_at),
        "x_days_left": left,
        "x_deadline_label": (
            deadlines.deadline_label(now=now, due=grievance.due_at, calendar=cal or calendar())
            if left is not None
            else None
        ),
    }


def service_requests(grievances, *, request=None) -> list[dict]:
    """`service_request` of each post, with one calendar (holidays) for all of them."""
    now, cal = timezone.now(), calendar()
    return [service_request(g, request=request, now=now, cal=cal) for g in grievances]


def quota_limit(user) -> str:
    """Field workers (and staff posting for someone) count against their own, higher limit, as on the
    board: posts from a field visit do not use up the citizen quota."""
    return "field_worker" if rules.has_perm("grievances.post_on_behalf", user) else "user"


def district_from(text: str) -> str | None:
    """The district code a text names: a code (`guro`), a Korean name (구로구) as a whole word, or None."""
    text = (text or "").strip()
    if text in District.values:
        return text
    labels = {str(label): value for value, label in District.choices}
    for word in text.replace(",", " ").split():
        if word in labels:
            return labels[word]
    return None


# ---- rendering ------------------------------------------------------------------------------


# Characters XML 1.0 cannot hold (NUL never arrives: the request middleware refuses it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return _NOT_XML.sub("", str(value))


def to_xml(root: str, item: str, rows: list[dict]) -> bytes:
    """`<root><item><field>…</field>…</item>…</root>` with the XML declaration (UTF-8)."""
    top = ElementTree.Element(root)
    for row in rows:
        element = ElementTree.SubElement(top, item)
        for key, value in row.items():
            ElementTree.SubElement(element, key).text = _xml_value(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(top, encoding="unicode").encode()


def render(fmt: str, rows: list[dict], *, root: str, item: str, status: int = 200) -> HttpResponse:
    """Rows as a JSON array or as XML, UTF-8."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, item, rows), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        rows,
        safe=False,
        status=status,
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error answer: `[{"code": status, "description": …}, …]`."""
    rows = [{"code": status, "description": str(d)} for d in descriptions]
    response = render(fmt, rows, root="errors", item="error", status=status)
    if status == 405:
        response["Allow"] = "GET, POST"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """An answer that depends on who asked: never stored by a shared cache."""
    response["Cache-Control"] = "private, no-store"
    return response


class _Refused(Exception):
    """An Open311 error answer, raised from the helpers below."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = descriptions


def _key(request) -> str | None:
    """The API token sent: `api_key` (query string or form), or an `Authorization: Bearer` header."""
    key = request.POST.get("api_key") if request.method == "POST" else None
    key = key or request.GET.get("api_key")
    if not key:
        auth = request.headers.get("Authorization", "")
        scheme, _sep, value = auth.partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else None
    return key or None


def _token_user(request, *, required: bool):
    """The active user of the API token sent; None when none was sent and none is required. A token
    that was sent but does not resolve is refused (403), never read as anonymous."""
    key = _key(request)
    if key is None:
        if required:
            raise _Refused(403, _("api_key가 필요합니다. 개인 API 토큰을 api_key로 보내 주세요."))
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        raise _Refused(403, _("api_key가 올바르지 않거나 폐기되었습니다."))
    return token.user


def _check_jurisdiction(request) -> None:
    value = request.POST.get("jurisdiction_id") if request.method == "POST" else None
    value = value or request.GET.get("jurisdiction_id")
    if value and value != jurisdiction():
        raise _Refused(
            404, _("jurisdiction_id를 찾을 수 없습니다. 이 서버의 값은 %(id)s입니다.") % {"id": jurisdiction()}
        )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


# "2026-12-01T09:00:00+09:00" sent without encoding the "+" arrives as a space.
_UNENCODED_PLUS = re.compile(r"^(.*\d) (\d{2}(?::?\d{2})?)$")


def _moment(name: str, value: str, *, end: bool) -> datetime:
    """An ISO 8601 time (a date alone: that day in Seoul, from its start or to its end)."""
    text = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.combine(day, time.max if end else time.min)
        if moment is not None and not 1900 <= moment.year <= 9000:
            moment = None  # nothing was received then; and near year 1 or 9999 the window overflows
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise _Refused(
            400, _("%(name)s는 ISO 8601 형식(예: 2026-12-01T09:00:00+09:00)으로 보내 주세요.") % {"name": name}
        )
    return moment


def _window(params) -> tuple[datetime, datetime]:
    """`start_date`/`end_date` as the spec reads them: 90 days when one or both are missing."""
    start = _moment("start_date", params["start_date"], end=False) if params.get("start_date") else None
    end = _moment("end_date", params["end_date"], end=True) if params.get("end_date") else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise _Refused(400, _("end_date가 start_date보다 앞섭니다."))
    if end - start > WINDOW:
        raise _Refused(400, _("start_date와 end_date 사이는 90일을 넘을 수 없습니다."))
    return start, end


def _listed(qs):
    return qs.select_related("department", "industry", "track").prefetch_related("attachments")


def _request_list(request, fmt: str) -> HttpResponse:
    params = request.GET
    _token_user(request, required=False)  # a bad key is refused; the list is the public board either way
    qs = Grievance.objects.public()
    ids = _split(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_REQUESTS:
            raise _Refused(400, _("service_request_id는 한 번에 %(n)s개까지 보낼 수 있습니다.") % {"n": MAX_REQUESTS})
        qs = qs.filter(reference__in=ids)
    else:
        codes = _split(params.get("service_code"))
        unknown = [c for c in codes if c not in GrievanceKind.values]
        if unknown:
            raise _Refused(400, _("없는 service_code입니다: %(codes)s") % {"codes": ", ".join(unknown)[:200]})
        statuses = _split(params.get("status"))
        if any(s not in OPEN311_STATUSES for s in statuses):
            raise _Refused(400, _("status는 open 또는 closed입니다(쉼표로 여럿)."))
        start, end = _window(params)
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        if codes:
            qs = qs.filter(kind__in=codes)
        if statuses:
            qs = qs.filter(status__in=set().union(*(statuses_for(s) for s in statuses)))
    rows = service_requests(_listed(qs).order_by("-received_at", "-id")[:MAX_REQUESTS], request=request)
    return render(fmt, rows, root="service_requests", item="request")


def _request_create(request, fmt: str) -> HttpResponse:
    user = _token_user(request, required=True)
    post = request.POST
    code = post.get("service_code", "").strip()
    if not code:
        raise _Refused(400, _("service_code가 필요합니다. services.json의 코드 중 하나를 보내 주세요."))
    if code not in GrievanceKind.values:
        raise _Refused(400, _("없는 service_code입니다: %(codes)s") % {"codes": code[:100]})
    district = post.get("x_district", "").strip()
    if district:
        district = district_from(district)
        if district is None:
            raise _Refused(400, _("x_district는 서울의 자치구 코드나 이름(예: guro, 구로구)이어야 합니다."))
    else:
        district = district_from(post.get("address_string", "")) or District.ALL_SEOUL
    form = Open311RequestForm(
        {
            "kind": code,
            "body": post.get("description", ""),
            "district": district,
            "address": post.get("address_string", ""),
            "lat": post.get("lat", ""),
            "long": post.get("long", ""),
            "hide_company": True,
            "is_disclosed": True,
        }
    )
    if not form.is_valid():
        raise _Refused(400, *_form_messages(form))
    reservation = submission_reserve(user_id=user.pk, ip=client_ip(request), limit=quota_limit(user))
    if reservation is None:
        response = error(fmt, 429, quota_message())
        response["Retry-After"] = "3600"
        return response
    data = form.cleaned_data
    try:
        result = grievance_submit(
            author=user,
            data=GrievanceData(
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                district=data["district"],
                address=data["address"],
                lat=data["lat"],
                long=data["long"],
                is_disclosed=True,
            ),
            context=audit_context(request),
        )
    except ValidationError as exc:
        reservation.release()
        raise _Refused(400, *exc.messages) from None
    except PermissionDenied as exc:
        reservation.release()
        raise _Refused(403, str(exc) or _("권한이 없습니다.")) from None
    except BaseException:
        reservation.release()
        raise
    grievance = result.grievance
    row = {"service_request_id": grievance.reference, "service_notice": service_notice(grievance), "account_id": None}
    return render(fmt, [row], root="service_requests", item="request", status=200)


# Field names of the form as an Open311 client knows them.
_OPEN311_NAMES = {"kind": "service_code", "body": "description", "address": "address_string", "district": "x_district"}


def _form_messages(form) -> list[str]:
    return [
        f"{_OPEN311_NAMES.get(field, field)}: {message}" if field != "__all__" else str(message)
        for field, messages in form.errors.items()
        for message in messages
    ]


def _answer(handler):
    """Run an endpoint: a refusal becomes the spec's error answer; the jurisdiction is checked first;
    an answer that depends on the credentials sent is marked private."""

    def view(request, fmt: str, **kwargs):
        try:
            _check_jurisdiction(request)
            response = handler(request, fmt, **kwargs)
        except _Refused as refused:
            response = error(fmt, refused.status, *refused.descriptions)
        if _key(request) is not None:
            _private(response)
        return response

    view.__name__ = view.__qualname__ = handler.__name__
    view.__doc__ = handler.__doc__
    return csrf_exempt(view)


@_answer
def services_view(request, fmt: str) -> HttpResponse:
    """GET services.{fmt}: the service list."""
    if request.method not in ("GET", "HEAD"):
        raise _Refused(405, _("허용되지 않는 요청 방식입니다."))
    return render(fmt, service_list(), root="services", item="service")


@_answer
def requests_view(request, fmt: str) -> HttpResponse:
    """GET requests.{fmt}: public posts; POST requests.{fmt}: a new post (api_key required)."""
    if request.method in ("GET", "HEAD"):
        return _request_list(request, fmt)
    if request.method == "POST":
        return _request_create(request, fmt)
    raise _Refused(405, _("허용되지 않는 요청 방식입니다."))


@_answer
def request_view(request, fmt: str, reference: str) -> HttpResponse:
    """GET requests/{id}.{fmt}: one post, as a list of one (a 비공개 post only for who may see it)."""
    if request.method not in ("GET", "HEAD"):
        raise _Refused(405, _("허용되지 않는 요청 방식입니다."))
    user = _token_user(request, required=False) or AnonymousUser()
    grievance = grievance_get_for(reference=reference, user=user)
    if grievance is None:
        raise _Refused(404, _("service_request_id %(id)s를 찾을 수 없습니다.") % {"id": reference[:40]})
    return render(fmt, service_requests([grievance], request=request), root="service_requests", item="request")


app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>json|xml)$", services_view, name="services"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", requests_view, name="requests"),
    re_path(r"^requests/(?P<reference>[^/]{1,40})\.(?P<fmt>json|xml)$", request_view, name="request"),
]
