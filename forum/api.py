"""The forum in the JSON API (django-ninja): topics and their opinions to read, an opinion to post with a
token or the session. Mounted on the site's API by the composition root (`ideas_site.api`), since the
ideas app below must not import the forum."""

from datetime import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.http import audit_context
from ideas.api import ErrorOut, Id, IdeaPagination, auth_methods, read_auth

from . import selectors, services
from .choices import Position, Sort
from .models import Opinion, TopicPage

router = Router(tags=["forum"])


class TopicOut(Schema):
    id: int
    title: str
    question: str
    url: str
    audience: str
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    meeting_at: datetime | None
    meeting_place: str
    meeting_capacity: int | None
    livestream_url: str
    summary_published: bool

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.url or ""

    @staticmethod
    def resolve_summary_published(obj) -> bool:
        summary = getattr(obj, "summary", None) if hasattr(obj, "summary") else None
        return bool(summary and summary.published_at)


class ReplyOut(Schema):
    id: int
    body: str
    author_name: str
    author_role: str
    author_affiliation: str
    support_count: int
    created_at: datetime
    edited: bool = Field(description="작성자가 고친 적이 있음 (수정됨)")
    deleted: bool = Field(description="작성자가 지웠지만 답글이 남아 있음 (본문과 이름은 비어 있음)")

    @staticmethod
    def resolve_body(obj) -> str:
        return "" if obj.deleted_at else obj.body_public

    @staticmethod
    def resolve_author_name(obj) -> str:
        return "" if obj.deleted_at else obj.author.public_name

    @staticmethod
    def resolve_author_affiliation(obj) -> str:
        return "" if obj.deleted_at else obj.author_affiliation

    @staticmethod
    def resolve_edited(obj) -> bool:
        return obj.edited_at is not None

    @staticmethod
    def resolve_deleted(obj) -> bool:
        return obj.deleted_at is not None


class OpinionOut(ReplyOut):
    topic_id: int
    position: str
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj) -> list:
        return getattr(obj, "public_replies", [])


class OpinionFiltersIn(Schema):
    sort: Sort = Sort.NEWEST


class OpinionIn(Schema):
    body: str = Field(..., max_length=services.MAX_BODY)
    position: Position | None = None
    parent_id: Id | None = None


def _topic_for(request, topic_id: int) -> TopicPage | None:
    topic = TopicPage.objects.live().filter(pk=topic_id).first()
    if topic is None or not rules.has_perm("forum.view_topic", request.user, topic):
        return None
    return topic


def _not_found():
    return Status(404, {"detail": _("토론 주제를 찾을 수 없습니다.")})


@router.get("/topics", response=list[TopicOut], auth=read_auth, summary="토론 주제 목록")
def topic_list(request: HttpRequest):
    return list(selectors.topics_visible(user=request.user).select_related("summary"))


@router.get(
    "/topics/{topic_id}",
    response={200: TopicOut, 401: ErrorOut, 404: ErrorOut},
    auth=read_auth,
    summary="토론 주제 상세",
)
def topic_detail(request: HttpRequest, topic_id: Id):
    topic = _topic_for(request, topic_id)
    return Status(200, topic) if topic is not None else _not_found()


@router.get(
    "/topics/{topic_id}/opinions",
    response=list[OpinionOut],
    auth=read_auth,
    summary="토론 주제의 의견 목록",
)
@paginate(IdeaPagination, page_size=20)
def opinion_list(request: HttpRequest, topic_id: Id, filters: Query[OpinionFiltersIn]):
    topic = _topic_for(request, topic_id)
    if topic is None:
        raise Http404
    return selectors.opinion_list(topic=topic, sort=filters.sort)


@router.post(
    "/topics/{topic_id}/opinions",
    response={201: OpinionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    auth=auth_methods,
    summary="의견 올리기",
)
def opinion_create(request: HttpRequest, topic_id: Id, payload: OpinionIn):
    topic = _topic_for(request, topic_id)
    if topic is None:
        return _not_found()
    parent = None
    if payload.parent_id is not None:
        parent = Opinion.objects.public().filter(pk=payload.parent_id, topic=topic).first()
        if parent is None:
            return Status(404, {"detail": _("답글을 달 의견을 찾을 수 없습니다.")})
    try:
        opinion = services.opinion_post(
            topic=topic,
            author=request.user,
            body=payload.body,
            position=payload.position.value if payload.position else "",
            parent=parent,
            context=audit_context(request),
        )
    except services.RateLimited as e:
        return Status(429, {"detail": str(e)})
    except PermissionDenied as e:
        return Status(403, {"detail": str(e)})
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        return Status(
            400, {"detail": _("입력값을 확인해 주세요."), "errors": {k: [str(m) for m in v] for k, v in errors.items()}}
        )
    opinion.public_replies = []
    return Status(201, opinion)
