"""JSON API under /api/v1/ (django-ninja). Validation goes through the same form as the site."""

from datetime import datetime
from typing import Annotated

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import SessionAuth as NinjaSessionAuth
from wagtail.api.v3.auth import BearerTokenAuth

from comments.api import comment_router
from core.http import MAX_ID
from moderation.quotas import mark_submitted, submission_quota

from . import selectors, services
from .forms import IdeaFilterForm, IdeaForm
from .models import ContestPage
from .paging import capped_count, max_results, page_cap_message, page_rows

api = NinjaAPI(
    title="일사천리 API",
    version="1",
    description="일사천리 창의 아이디어 공모 API: 공모전, 정책 트랙, 공개 아이디어, 아이디어 제출과 공감.",
    urls_namespace="api-v1",
)


class SessionAuth(NinjaSessionAuth):
    """The signed-in session, CSRF-checked. A request without a signed-in session is not refused
    here (no CSRF 403 for a stranger): it falls through to the next method, and finally to a 401."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def anonymous_read(request):
    """Public reads need no credentials. A request that sent an Authorization header which did not
    resolve to an active token is not read anonymously: it gets the 401."""
    if request.headers.get("Authorization"):
        return None
    return AnonymousUser()


# Personal bearer tokens (Wagtail's APIToken, made in the admin or with `manage.py api_tokens`) or the session;
# writes need one of them, reads honour them (a token user sees their own unpublished ideas) or go anonymous.
auth_methods = [BearerTokenAuth(), SessionAuth()]
read_auth = [BearerTokenAuth(), SessionAuth(), anonymous_read]


# Every id the API reads fits a 64-bit column; larger numbers are a 400 with a Korean message, not a 500.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class IdeaPagination(PageNumberPagination):
    """Page numbers bounded so that the row offset still fits 64 bits."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_ID // 1000)
        page_size: int | None = Field(None, ge=1, le=1000)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class TrackOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    job_target: int | None
    target_note: str


class PhaseOut(Schema):
    phase: str
    label: str
    starts: datetime | None
    ends: datetime | None
    current: bool


class ContestOut(Schema):
    id: int
    slug: str
    title: str
    intro: str
    url: str
    kind: str = Field(description="round (공모 회차) or standing (상시 제안: always open, no closing date)")
    phase: str
    phase_label: str
    is_submission_open: bool
    submission_opens_at: datetime
    submission_closes_at: datetime | None
    results_at: datetime | None
    tracks: list[TrackOut]
    timeline: list[PhaseOut]

    @staticmethod
    def resolve_url(obj):
        return obj.url or ""

    @staticmethod
    def resolve_phase(obj):
        return str(obj.phase.value)

    @staticmethod
    def resolve_phase_label(obj):
        return str(obj.phase.label)

    @staticmethod
    def resolve_tracks(obj):
        return list(obj.tracks.all())

    @staticmethod
    def resolve_timeline(obj):
        return [{**t, "phase": str(t["phase"].value), "label": str(t["label"])} for t in obj.timeline]


class IdeaOut(Schema):
    reference: str
    contest_id: int
    title: str
    summary: str
    track: str | None
    target_group: str
    district: str
    expected_jobs: int | None
    status: str
    status_label: str
    support_count: int
    tags: list[str]
    author: str
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_title(obj):
        return obj.title_public

    @staticmethod
    def resolve_summary(obj):
        return obj.summary_public

    @staticmethod
    def resolve_track(obj):
        return obj.track.slug if obj.track else None

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_support_count(obj):
        return obj.support_count  # annotated by every selector the API reads from: no query per idea

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_author(obj, context):
        request = context.get("request") if context else None
        if request is None or not rules.has_perm("ideas.view_author_name", request.user, obj):
            return ""
        return obj.author.public_name

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class IdeaDetailOut(IdeaOut):
    body: str
    official_answer: str

    @staticmethod
    def resolve_body(obj):
        return obj.body_public


class IdeaIn(Schema):
    contest_id: Id
    title: str
    summary: str
    body: str
    track: str | None = None
    target_group: str
    district: str
    expected_jobs: int | None = None
    submission_token: str | None = None


class IdeaFiltersIn(Schema):
    contest: Id | None = None
    track: str | None = None
    district: str | None = None
    target_group: str | None = None
    status: str | None = None
    tag: str | None = None
    q: str | None = None
    sort: str | None = None


class SupportOut(Schema):
    supported: bool
    created: bool
    support_count: int


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("입력값을 확인해 주세요."), "errors": errors}, status=400)


SCHEMA_MESSAGES = {
    "missing": gettext_lazy("필수 항목입니다."),
    "int_parsing": gettext_lazy("정수를 입력해 주세요."),
    "int_type": gettext_lazy("정수를 입력해 주세요."),
    "string_type": gettext_lazy("문자열을 입력해 주세요."),
    "greater_than_equal": gettext_lazy("값이 너무 작습니다."),
    "less_than_equal": gettext_lazy("값이 너무 큽니다."),
    "model_attributes_type": gettext_lazy("JSON 객체를 보내 주세요."),
    "dict_type": gettext_lazy("JSON 객체를 보내 주세요."),
}
HTTP_MESSAGES = {
    400: gettext_lazy("요청을 읽을 수 없습니다. 본문이 올바른 JSON인지 확인해 주세요."),
    401: gettext_lazy("로그인하거나 API 토큰(Authorization: Bearer …)을 보내 주세요."),
    403: gettext_lazy("권한이 없습니다."),
    405: gettext_lazy("허용되지 않는 요청 방식입니다."),
    429: gettext_lazy("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."),
}


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    """Input that does not fit the schema: a Korean message per field, as for form errors."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path", "filters")]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(str(SCHEMA_MESSAGES.get(err.get("type"), _("값이 올바르지 않습니다."))))
    return api.create_response(request, {"detail": _("입력값을 확인해 주세요."), "errors": errors}, status=400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    detail = HTTP_MESSAGES.get(exc.status_code, str(exc))
    response = api.create_response(request, {"detail": detail}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("찾을 수 없습니다.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("권한이 없습니다.")}, status=403)


contests = Router(tags=["공모전"])
ideas = Router(tags=["아이디어"])


@contests.get("/contests", response=list[ContestOut], auth=read_auth, summary="공모전 목록")
def contest_list(request: HttpRequest):
    return list(selectors.contest_list_public())


@contests.get(
    "/contests/{contest_id}",
    response={200: ContestOut, 401: ErrorOut, 404: ErrorOut},
    auth=read_auth,
    summary="공모전 상세",
)
def contest_detail(request: HttpRequest, contest_id: Id):
    return get_object_or_404(selectors.contest_list_public(), pk=contest_id)


@contests.get("/tracks", response=list[TrackOut], auth=read_auth, summary="정책 트랙 목록")
def track_list(request: HttpRequest):
    return list(selectors.track_list())


class CappedPageNumberPagination(IdeaPagination):
    """Page numbers over at most IDEAS_LIST_MAX_RESULTS results: `count` stops there (`count_capped`
    says so) and a page past it is a 400 with a Korean message, so no request scans the whole table."""

    class Output(Schema):
        items: list
        count: int
        count_capped: bool

    def paginate_queryset(self, queryset, pagination, request, **params):
        cap = max_results()
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if offset >= cap:
            raise ValidationError({"page": [page_cap_message(max(1, -(-cap // page_size)))]})
        count = capped_count(queryset, cap)
        items = page_rows(queryset, offset, page_size)
        return {"items": items, "count": min(count, cap), "count_capped": count > cap}


@ideas.get("/ideas", response=list[IdeaOut], auth=read_auth, summary="공개 아이디어 목록")
@paginate(CappedPageNumberPagination, page_size=20)
def idea_list(request: HttpRequest, filters: Query[IdeaFiltersIn]):
    contest = ContestPage.objects.filter(pk=filters.contest).first() if filters.contest else None
    form = IdeaFilterForm(
        {k: v for k, v in filters.dict().items() if v is not None and k != "contest"},
        tracks=contest.tracks.all() if contest else selectors.track_list(),
    )
    values = form.cleaned_or_empty()
    return selectors.idea_list_public(filters=selectors.IdeaFilters(contest=contest, **values))


@ideas.get(
    "/ideas/{reference}",
    response={200: IdeaDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=read_auth,
    summary="아이디어 상세",
)
def idea_detail(request: HttpRequest, reference: str):
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None:
        return Status(404, {"detail": _("아이디어를 찾을 수 없습니다.")})
    return Status(200, idea)


@ideas.post(
    "/ideas",
    response={201: IdeaDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth_methods,
    summary="아이디어 제출",
)
@submission_quota
def idea_submit(request: HttpRequest, payload: IdeaIn):
    contest = ContestPage.objects.live().filter(pk=payload.contest_id).first()
    if contest is None:
        return Status(
            404, {"detail": _("공모전을 찾을 수 없습니다."), "errors": {"contest_id": [_("없는 공모전입니다.")]}}
        )
    data = payload.dict()
    form = IdeaForm({k: ("" if v is None else v) for k, v in data.items() if k != "contest_id"}, contest=contest)
    if not form.is_valid():
        return Status(
            400,
            {
                "detail": _("입력값을 확인해 주세요."),
                "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
            },
        )
    idea = services.idea_submit(
        contest=contest,
        author=request.user,
        data=form.idea_data(),
        submission_token=form.cleaned_data.get("submission_token"),
    )
    mark_submitted(request)  # the quota slot the decorator reserved is used up
    return Status(201, selectors.idea_get_for(reference=idea.reference, user=request.user))


@ideas.post(
    "/ideas/{reference}/support",
    response={200: SupportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth_methods,
    summary="아이디어에 공감",
)
def idea_support(request: HttpRequest, reference: str):
    idea = selectors.idea_get_for(reference=reference, user=request.user)
    if idea is None:
        return Status(404, {"detail": _("아이디어를 찾을 수 없습니다.")})
    created = services.idea_support(idea=idea, user=request.user)
    return Status(
        200, {"supported": True, "created": created, "support_count": selectors.idea_support_count(idea=idea)}
    )


api.add_router("/", contests)
api.add_router("/", ideas)
api.add_router("/", comment_router(read_auth=read_auth, write_auth=auth_methods))
