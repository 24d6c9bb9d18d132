"""Comment and follow endpoints (POST only): each parses input, calls one service, and answers with a
redirect back to the target (and a message) or JSON to `Accept: application/json`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.follow import follow, unfollow
from core.http import audit_context, parse_id

from . import services
from .models import Comment
from .targets import adapter_for, target_get


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _answer(request, *, status: int, detail: str, url: str, extra: dict | None = None):
    if _wants_json(request):
        return JsonResponse({"detail": detail, **(extra or {})}, status=status)
    (messages.success if status < 400 else messages.error)(request, detail)
    return HttpResponseRedirect(url or "/")


def _login_required(request, url: str):
    if _wants_json(request):
        return JsonResponse({"detail": _("로그인해 주세요.")}, status=401)
    return HttpResponseRedirect(f"/accounts/login/?next={url or '/'}")


def _target_or_404(request, key: str, pk: int):
    target = target_get(key=key, pk=pk)
    if target is None or not adapter_for(target).is_visible_to(target, request.user):
        raise Http404(_("댓글을 달 글을 찾을 수 없습니다."))
    return target


def _comment_or_404(pk: int) -> Comment:
    comment = Comment.objects.select_related("target_type").filter(pk=pk).first()
    if comment is None:
        raise Http404(_("댓글을 찾을 수 없습니다."))
    return comment


def _error_status(error: ValidationError) -> int:
    return 429 if getattr(error, "code", None) == "rate_limited" else 400


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
def comment_create(request, key: str, pk: int):
    """POST `body` (and `parent`, a comment id, to reply)."""
    target = _target_or_404(request, key, pk)
    url = adapter_for(target).url(target)
    if not request.user.is_authenticated:
        return _login_required(request, url)
    parent = None
    if request.POST.get("parent"):
        parent_id = parse_id(request.POST.get("parent"))
        parent = Comment.objects.select_related("parent").filter(pk=parent_id).first() if parent_id else None
        if parent is None:
            return _answer(request, status=400, detail=_("답글을 달 댓글을 찾을 수 없습니다."), url=url)
    try:
        comment = services.comment_create(
            target=target,
            author=request.user,
            body=request.POST.get("body", ""),
            parent=parent,
            context=audit_context(request),
        )
    except PermissionDenied as e:
        return _answer(request, status=403, detail=str(e), url=url)
    except ValidationError as e:
        return _answer(request, status=_error_status(e), detail=_messages(e), url=url)
    detail = (
        _("댓글을 달았습니다.") if comment.published_at else _("댓글을 받았습니다. 모더레이터가 확인한 뒤 공개됩니다.")
    )
    return _answer(
        request,
        status=201,
        detail=detail,
        url=f"{url}#comment-{comment.pk}",
        extra={"id": comment.pk, "published": comment.published_at is not None},
    )


@require_POST
def comment_edit(request, pk: int):
    comment = _comment_or_404(pk)
    target = comment.target
    url = adapter_for(target).url(target) if target is not None else "/"
    if not request.user.is_authenticated:
        return _login_required(request, url)
    if comment.author_id != request.user.pk:
        raise Http404(_("댓글을 찾을 수 없습니다."))
    try:
        comment = services.comment_update(
            comment=comment, actor=request.user, body=request.POST.get("body", ""), context=audit_context(request)
        )
    except PermissionDenied as e:
        return _answer(request, status=403, detail=str(e), url=url)
    except ValidationError as e:
        return _answer(request, status=400, detail=_messages(e), url=url)
    detail = _("댓글을 고쳤습니다.") if comment.published_at else _("고친 댓글은 모더레이터가 확인한 뒤 공개됩니다.")
    return _answer(request, status=200, detail=detail, url=f"{url}#comment-{comment.pk}")


@require_POST
def comment_delete(request, pk: int):
    comment = _comment_or_404(pk)
    target = comment.target
    url = adapter_for(target).url(target) if target is not None else "/"
    if not request.user.is_authenticated:
        return _login_required(request, url)
    if comment.author_id != request.user.pk:
        raise Http404(_("댓글을 찾을 수 없습니다."))
    try:
        services.comment_delete(comment=comment, actor=request.user, context=audit_context(request))
    except PermissionDenied as e:
        return _answer(request, status=403, detail=str(e), url=url)
    return _answer(request, status=200, detail=_("댓글을 지웠습니다."), url=url)


@require_POST
def follow_toggle(request, key: str, pk: int):
    """POST `action=follow` (default) or `action=unfollow` on a registered target the user may see."""
    target = _target_or_404(request, key, pk)
    url = adapter_for(target).url(target)
    if not request.user.is_authenticated or not request.user.is_active:
        return _login_required(request, url)
    if request.POST.get("action") == "unfollow":
        unfollow(user=request.user, target=target)
        return _answer(request, status=200, detail=_("팔로우를 그만두었습니다."), url=url, extra={"following": False})
    created = follow(user=request.user, target=target)
    detail = _("팔로우했습니다. 새 댓글과 진행 상황을 알려 드립니다.") if created else _("이미 팔로우하고 있습니다.")
    return _answer(request, status=200, detail=detail, url=url, extra={"following": True})
