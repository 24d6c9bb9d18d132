"""Services that write comments: create (or reply), edit within the window, delete; and the one
announcement of a published comment to the target's author and followers.

Every new or edited comment goes through moderation's automatic screening in the same transaction:
a resident registration number refuses it, other personal data is masked in `body_public`, and a
finding (or the target's pre-moderation) holds it back for a moderator. Comments are rate-limited per
account and per address (`COMMENTS_LIMITS`) with moderation's limiter.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext
from core.editing import delete_apply, edit_apply, edit_refused_message
from core.follow import followers_of
from core.notify import notify
from moderation.quotas import limit_reserve
from moderation.services import screening_on_submit

from .models import Comment
from .targets import adapter_for, key_of

#: Comments per account and per client address: (count, seconds); setting COMMENTS_LIMITS.
COMMENT_LIMITS = {"user": (10, 600), "ip": (30, 600)}
MAX_LENGTH = 1000


def comment_limits() -> dict[str, tuple[int, int]]:
    return {**COMMENT_LIMITS, **getattr(settings, "COMMENTS_LIMITS", {})}


def comment_rate_message() -> str:
    return _("짧은 시간에 댓글을 너무 많이 달았습니다. 잠시 뒤(최대 10분)에 다시 시도해 주세요.")


def _clean_body(body) -> str:
    text = str(body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"body": _("댓글 내용을 적어 주세요.")}, code="required")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("댓글은 %(n)d자 이내로 적어 주세요. (지금 %(len)d자)") % {"n": MAX_LENGTH, "len": len(text)}},
            code="max_length",
        )
    return text


def _target_of(comment: Comment):
    return comment.target_type.get_object_for_this_type(pk=comment.target_id)


def comment_announce(*, comment: Comment) -> int:
    """Tell the target's author, the followers of the target and (for a reply) the parent comment's
    author that a comment appeared: once per comment (`announced_at`, a conditional update), never the
    commenter. Called when the comment is first published (at once, or by a moderator). Returns how
    many were notified."""
    now = timezone.now()
    if not Comment.objects.filter(pk=comment.pk, announced_at__isnull=True).update(announced_at=now):
        return 0
    comment.announced_at = now
    target = _target_of(comment)
    adapter = adapter_for(target)
    people = [adapter.author(target), *followers_of(target)]
    if comment.parent_id:
        people.append(comment.parent.author)
    people = [u for u in people if u is not None and u.pk != comment.author_id]
    title = adapter.title(target)
    excerpt = " ".join(comment.body_public.split())
    excerpt = excerpt[:120] + ("…" if len(excerpt) > 120 else "")
    return notify(
        users=people,
        subject=_("새 댓글: %(title)s") % {"title": title[:150]},
        message=_("'%(title)s'에 새 댓글이 달렸습니다.\n\n%(excerpt)s") % {"title": title, "excerpt": excerpt},
        url=comment.get_absolute_url(),
        target=target,
    )


@transaction.atomic
def comment_create(
    *, target, author, body: str, parent: Comment | None = None, context: AuditContext | None = None
) -> Comment:
    """Comment on `target` (or reply to `parent`, one of its comments). A reply to a reply joins the
    same top-level comment (one reply level). Returns the comment: public at once when screening
    found nothing, else waiting for a moderator. ValidationError (Korean, code "rate_limited" over the
    limit) or PermissionDenied."""
    if not rules.has_perm("comments.add_comment", author, target):
        raise PermissionDenied(_("이 글에는 지금 댓글을 달 수 없습니다."))
    text = _clean_body(body)
    adapter = adapter_for(target)
    if parent is not None:
        same_target = parent.target_type_id == _content_type_id(target) and parent.target_id == target.pk
        if not same_target:
            raise ValidationError({"parent": _("답글을 달 댓글을 찾을 수 없습니다.")})
        if parent.parent_id:
            parent = parent.parent
        if not parent.is_public:
            raise ValidationError({"parent": _("삭제되었거나 공개되지 않은 댓글에는 답글을 달 수 없습니다.")})
    reservation = limit_reserve(
        name="comment", limits=comment_limits(), idents={"user": author.pk, "ip": (context or AuditContext()).ip}
    )
    if reservation is None:
        raise ValidationError(comment_rate_message(), code="rate_limited")
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                author=author,
                body=text,
                target_type_id=_content_type_id(target),
                target_id=target.pk,
                parent=parent,
            )
            screening_on_submit(item=comment)
    except BaseException:
        reservation.release()
        raise
    adapter.changed(target)
    return comment


def _content_type_id(target) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(target).pk


@transaction.atomic
def comment_update(*, comment: Comment, actor, body: str, context: AuditContext | None = None) -> Comment:
    """The author edits their comment within the edit window (`core.editing`); it is marked
    "수정됨" and screened again (a finding holds it back for a moderator)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not rules.has_perm("comments.change_comment", actor, comment):
        raise PermissionDenied(edit_refused_message(item=comment, actor=actor, noun=_("댓글은")))
    edit_apply(item=comment, changes={"body": _clean_body(body)})
    screening_on_submit(item=comment, is_edit=True)
    adapter_for(comment.target_type.model_class()).changed(_target_of(comment))
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor, context: AuditContext | None = None) -> Comment:
    """The author deletes their comment (`core.editing`): it stays as "삭제된 댓글입니다" while it has
    replies, else it disappears. Audited (the text stays for moderators and open reports)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not rules.has_perm("comments.delete_comment", actor, comment):
        raise PermissionDenied(_("이 댓글을 지울 권한이 없습니다."))
    target = _target_of(comment)
    delete_apply(
        item=comment,
        actor=actor,
        action="comment.delete",
        context=context,
        after={"target": f"{key_of(target)}:{target.pk}"},
    )
    adapter_for(target).changed(target)
    return comment
