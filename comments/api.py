"""Comments in the JSON API: read for everyone, write with a token or the session. The site's API
(`ideas.api`) mounts the router `comment_router(...)` builds, handing it its own auth methods, so the
comments app stays below the apps whose items it serves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core.http import MAX_ID, audit_context

from . import services
from .models import Comment
from .selectors import CommentView, comment_thread, comment_view_for
from .targets import adapter_for, keys, target_get

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class ReplyOut(Schema):
    id: int
    parent_id: int | None
    author: str = Field(description="작성자 이름. 블라인드 심사 중인 아이디어의 제안자는 '작성자'.")
    body: str = Field(description="개인정보를 가린 본문. 삭제된 댓글은 빈 문자열.")
    deleted: bool
    edited: bool
    pending: bool = Field(description="모더레이터 확인을 기다리는 내 댓글 (나에게만 보임)")
    created_at: datetime
    edited_at: datetime | None


class CommentOut(ReplyOut):
    replies: list[ReplyOut]


class CommentPageOut(Schema):
    items: list[CommentOut]
    count: int
    page: int
    num_pages: int


class CommentListIn(Schema):
    target: str = Field(description="댓글을 받는 글의 종류 (예: ideas.idea)", max_length=100)
    target_id: Id
    page: int = Field(1, ge=1, le=MAX_ID // 1000)


class CommentIn(Schema):
    target: str = Field(description="댓글을 받는 글의 종류 (예: ideas.idea)", max_length=100)
    target_id: Id
    body: str = Field(description="1,000자 이내", max_length=5000)
    parent_id: Id | None = Field(None, description="답글이면 원댓글 번호")


class CommentEditIn(Schema):
    body: str = Field(description="1,000자 이내", max_length=5000)


class DetailOut(Schema):
    detail: str


def _reply(v: CommentView) -> dict:
    c = v.comment
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "author": "" if v.is_deleted else v.name,
        "body": "" if v.is_deleted else c.body_public,
        "deleted": v.is_deleted,
        "edited": v.is_edited,
        "pending": v.is_pending,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
    }


def _comment(v: CommentView) -> dict:
    return {**_reply(v), "replies": [_reply(r) for r in v.replies]}


def _visible_target(request, key: str, pk: int):
    target = target_get(key=key, pk=pk)
    if target is None or not adapter_for(target).is_visible_to(target, request.user):
        return None
    return target


def _error(e: ValidationError):
    errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
    status = 429 if getattr(e, "code", None) == "rate_limited" else 400
    return Status(
        status, {"detail": " ".join(e.messages), "errors": {k: [str(m) for m in v] for k, v in errors.items()}}
    )


def _own_comment(request, comment_id: int) -> Comment | None:
    return Comment.objects.filter(pk=comment_id, author_id=request.user.pk).first()


def _view_of(request, comment: Comment) -> dict:
    return {**_comment(comment_view_for(comment=comment, user=request.user)), "replies": []}


def comment_router(*, read_auth, write_auth) -> Router:
    """The comments' API operations, authenticated with the site API's methods."""
    router = Router(tags=["댓글"])
    kinds = ", ".join(keys())

    @router.get(
        "/comments",
        response={200: CommentPageOut, 401: ErrorOut, 404: ErrorOut},
        auth=read_auth,
        summary="댓글 목록",
        description=f"한 글의 댓글(답글 포함), 오래된 순. 종류: {kinds}",
    )
    def comment_list(request: HttpRequest, filters: Query[CommentListIn]):
        target = _visible_target(request, filters.target, filters.target_id)
        if target is None:
            return Status(404, {"detail": _("댓글을 달 글을 찾을 수 없습니다.")})
        thread = comment_thread(target=target, user=request.user, page=filters.page)
        return Status(
            200,
            {
                "items": [_comment(v) for v in thread.items],
                "count": thread.count,
                "page": thread.page.number,
                "num_pages": thread.page.paginator.num_pages,
            },
        )

    @router.post(
        "/comments",
        response={201: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
        auth=write_auth,
        summary="댓글 달기",
    )
    def comment_create(request: HttpRequest, payload: CommentIn):
        target = _visible_target(request, payload.target, payload.target_id)
        if target is None:
            return Status(404, {"detail": _("댓글을 달 글을 찾을 수 없습니다.")})
        parent = None
        if payload.parent_id is not None:
            parent = Comment.objects.select_related("parent").filter(pk=payload.parent_id).first()
            if parent is None:
                return Status(404, {"detail": _("답글을 달 댓글을 찾을 수 없습니다.")})
        try:
            comment = services.comment_create(
                target=target, author=request.user, body=payload.body, parent=parent, context=audit_context(request)
            )
        except PermissionDenied as e:
            return Status(403, {"detail": str(e)})
        except ValidationError as e:
            return _error(e)
        return Status(201, _view_of(request, comment))

    @router.put(
        "/comments/{comment_id}",
        response={200: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
        auth=write_auth,
        summary="내 댓글 고치기 (작성 후 15분 안)",
    )
    def comment_edit(request: HttpRequest, comment_id: Id, payload: CommentEditIn):
        comment = _own_comment(request, comment_id)
        if comment is None:
            return Status(404, {"detail": _("댓글을 찾을 수 없습니다.")})
        try:
            comment = services.comment_update(
                comment=comment, actor=request.user, body=payload.body, context=audit_context(request)
            )
        except PermissionDenied as e:
            return Status(403, {"detail": str(e)})
        except ValidationError as e:
            return _error(e)
        return Status(200, _view_of(request, comment))

    @router.delete(
        "/comments/{comment_id}",
        response={200: DetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
        auth=write_auth,
        summary="내 댓글 지우기",
    )
    def comment_delete(request: HttpRequest, comment_id: Id):
        comment = _own_comment(request, comment_id)
        if comment is None:
            return Status(404, {"detail": _("댓글을 찾을 수 없습니다.")})
        try:
            services.comment_delete(comment=comment, actor=request.user, context=audit_context(request))
        except PermissionDenied as e:
            return Status(403, {"detail": str(e)})
        return Status(200, {"detail": _("댓글을 지웠습니다.")})

    return router
