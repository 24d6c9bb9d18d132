"""`/api/v1/grievances`: the field board on the site's JSON API (django-ninja), in Open311 GeoReport v2
field names plus our extensions (`x_…`); see `grievances.open311` for the mapping.

`router` is mounted on the API of `ideas.api` by the composition root (`ideas_site.api`): ideas never
imports this app. Authentication, error handlers (Korean messages) and the capped paging are the
API's own.

- `GET /grievances`: public posts, newest first; filters `service_code` (kind), `district`, `industry`,
  `track`, `department` (slugs), `status` (`open`, `closed` or one of ours), `overdue`.
- `GET /grievances/{service_request_id}`: one post; a 비공개 post only for its poster, its department
  and staff (404 for anyone else).
- `POST /grievances`: a new post, with a bearer token or the signed-in session; goes through
  `grievances.services.grievance_submit` (screening: a resident registration number is a 400 and
  nothing is saved; masking; routing; deadline) under the submission quota (429).
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.http import audit_context
from ideas.api import CappedPageNumberPagination, ErrorOut, auth_methods, read_auth
from ideas.choices import District
from moderation.quotas import mark_submitted, submission_quota

from . import selectors
from .api_filters import STATUS_FILTERS, grievance_filter
from .api_forms import ADDRESS_MAX, BODY_MAX, COMPANY_MAX, TITLE_MAX, GrievanceApiForm
from .choices import GrievanceKind
from .open311 import quota_limit, service_request, service_requests
from .services import GrievanceData, grievance_submit

router = Router(tags=["현장 건의"])

Kind = Literal[tuple(GrievanceKind.values)]
DistrictCode = Literal[tuple(District.values)]
StatusFilter = Literal[STATUS_FILTERS]


class GrievanceOut(Schema):
    """A field post in GeoReport v2 fields, then our extensions."""

    service_request_id: str = Field(description="접수 번호")
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str = Field(description="유형 이름(애로사항/건의사항)")
    service_code: Kind
    description: str = Field(description="내용(개인정보 가림)")
    agency_responsible: str | None = Field(description="담당 부서(이송된 글은 받은 기관)")
    service_notice: str | None
    requested_datetime: datetime | None
    updated_datetime: datetime | None
    expected_datetime: datetime | None = Field(description="답변 기한")
    address: str | None
    address_id: None = None
    zipcode: None = None
    lat: float | None
    long: float | None
    media_url: str | None
    x_title: str
    x_status: str
    x_status_label: str
    x_kind: Kind
    x_district: str
    x_district_label: str
    x_industry: str | None
    x_industry_label: str | None
    x_track: str | None
    x_track_label: str | None
    x_department: str | None
    x_company: str | None
    x_answer: str | None
    x_answered_datetime: datetime | None
    x_days_left: int | None = Field(description="답변 기한까지 남은 근무일(지나면 음수); 답변할 일이 없으면 null")
    x_deadline_label: str | None = Field(description="D-3, 오늘 마감, 2일 지남")


class GrievanceCreatedOut(GrievanceOut):
    x_receipt_code: str | None = Field(
        None, description="대리 접수한 글의 접수 확인 코드: 이 응답에서 한 번만 보여 줍니다."
    )


class GrievanceFiltersIn(Schema):
    service_code: Kind | None = None
    district: DistrictCode | None = None
    industry: str | None = Field(None, max_length=60)
    track: str | None = Field(None, max_length=80)
    department: str | None = Field(None, max_length=80)
    status: StatusFilter | None = None
    overdue: bool | None = None
    q: str | None = Field(None, max_length=200, description="검색어(형태소 분석 검색)")


class GrievanceIn(Schema):
    service_code: Kind = Field(description="유형: difficulty(애로) 또는 suggestion(건의)")
    description: str = Field(max_length=BODY_MAX, description="내용")
    x_title: str | None = Field(None, max_length=TITLE_MAX, description="제목(없으면 내용의 첫 줄)")
    x_district: str = Field(max_length=20, description="지역(자치구 코드, 서울 전역은 seoul)")
    x_industry: str | None = Field(None, max_length=60, description="업종 슬러그")
    x_track: str | None = Field(None, max_length=80, description="정책 트랙 슬러그")
    address_string: str | None = Field(None, max_length=ADDRESS_MAX)
    lat: float | None = None
    long: float | None = None
    x_company_name: str | None = Field(None, max_length=COMPANY_MAX)
    x_hide_company: bool = True
    x_disclosed: bool = Field(True, description="공개 여부: false면 작성자, 담당 부서, 운영진만 봅니다.")
    x_on_behalf: bool = Field(False, description="현장에서 만난 분을 대신해 작성(기동대원)")
    x_submission_token: UUID | None = Field(None, description="같은 글을 두 번 보내지 않게 하는 값(재시도에 같은 값)")


class GrievancePagination(CappedPageNumberPagination):
    """The API's capped page numbers; each post on the page in Open311 fields."""

    class Output(Schema):
        items: list[GrievanceOut]
        count: int
        count_capped: bool

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        return {**page, "items": service_requests(page["items"], request=request)}


@router.get("/grievances", response=list[GrievanceOut], auth=read_auth, summary="현장 건의 목록")
@paginate(GrievancePagination, page_size=20)
def grievance_list(request: HttpRequest, filters: Query[GrievanceFiltersIn]):
    values = filters.dict()
    values["kind"] = values.pop("service_code")
    return grievance_filter(**values)


@router.get(
    "/grievances/{service_request_id}",
    response={200: GrievanceOut, 401: ErrorOut, 404: ErrorOut},
    auth=read_auth,
    summary="현장 건의 상세",
)
def grievance_detail(request: HttpRequest, service_request_id: str):
    grievance = selectors.grievance_get_for(reference=service_request_id, user=request.user)
    if grievance is None:
        return Status(404, {"detail": _("글을 찾을 수 없습니다.")})
    return Status(200, service_request(grievance, request=request))


@router.post(
    "/grievances",
    response={201: GrievanceCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    auth=auth_methods,
    summary="현장 건의 작성",
)
@submission_quota(limit_for=lambda request: quota_limit(request.user))
def grievance_create(request: HttpRequest, payload: GrievanceIn):
    form = GrievanceApiForm(
        {
            "kind": payload.service_code,
            "title": payload.x_title or "",
            "body": payload.description,
            "district": payload.x_district,
            "industry": payload.x_industry or "",
            "track": payload.x_track or "",
            "address": payload.address_string or "",
            "lat": "" if payload.lat is None else payload.lat,
            "long": "" if payload.long is None else payload.long,
            "company_name": payload.x_company_name or "",
            "hide_company": payload.x_hide_company,
            "is_disclosed": payload.x_disclosed,
            "on_behalf": payload.x_on_behalf,
        }
    )
    if not form.is_valid():
        raise ValidationError({_API_NAMES.get(k, k): [str(m) for m in v] for k, v in form.errors.items()})
    data = form.cleaned_data
    result = grievance_submit(
        author=request.user,
        data=GrievanceData(
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            district=data["district"],
            industry=data["industry"],
            company_name=data["company_name"],
            hide_company=data["hide_company"],
            address=data["address"],
            lat=data["lat"],
            long=data["long"],
            is_disclosed=data["is_disclosed"],
            track=data["track"],
            on_behalf=data["on_behalf"],
        ),
        submission_token=payload.x_submission_token,
        context=audit_context(request),
    )
    mark_submitted(request)  # the quota slot the decorator reserved is used up
    grievance = selectors.grievance_get_for(reference=result.grievance.reference, user=request.user)
    return Status(201, {**service_request(grievance, request=request), "x_receipt_code": result.receipt_code})


# Form fields under the names the API takes.
_API_NAMES = {
    "kind": "service_code",
    "title": "x_title",
    "body": "description",
    "district": "x_district",
    "industry": "x_industry",
    "track": "x_track",
    "address": "address_string",
    "company_name": "x_company_name",
}
