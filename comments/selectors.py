"""Reading comments: one page of a target's thread for a viewer, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext as _

from core.editing import thread_visible
from core.follow import is_following
from moderation.choices import ReportReason
from moderation.selectors import report_open_ids_for

from .models import Comment
from .targets import adapter_for, key_of

PAGE_SIZE = 50


@dataclass
class CommentView:
    """One comment as the viewer sees it: the masked text (or the deleted placeholder), the name to
    show, its marks and what the viewer may do with it."""

    comment: Comment
    name: str
    is_target_author: bool
    is_deleted: bool
    is_pending: bool
    is_edited: bool
    can_edit: bool
    can_delete: bool
    can_reply: bool
    can_report: bool
    reported: bool
    replies: list[CommentView] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.comment.pk


@dataclass
class Thread:
    target: object
    key: str
    items: list[CommentView]
    page: object
    count: int
    can_comment: bool
    signed_in: bool
    following: bool
    report_reasons: list = field(default_factory=lambda: list(ReportReason.choices))


def _visible_q(user) -> Q:
    """Public comments, deleted ones (shown as a placeholder when they have replies), and the viewer's
    own comments waiting for a moderator."""
    q = Q(published_at__isnull=False, hidden_at__isnull=True)
    if getattr(user, "is_authenticated", False):
        q |= Q(author=user, deleted_at__isnull=True, hidden_at__isnull=True)
    return q


def comment_list_for(*, target, user):
    """Top-level comments of `target` the viewer may see, oldest first (a queryset)."""
    ct = ContentType.objects.get_for_model(target)
    return (
        Comment.objects.filter(target_type=ct, target_id=target.pk, parent__isnull=True)
        .filter(_visible_q(user))
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_replies_for(*, parents, user):
    """The visible replies of `parents`, oldest first (one query)."""
    return (
        Comment.objects.filter(parent__in=[p.pk for p in parents])
        .filter(_visible_q(user))
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_name(*, comment: Comment, target_author_id, show_target_author: bool) -> str:
    """The name shown next to a comment: "작성자" for the target's author while their name may not be
    shown (an idea under blind review), else the author's public name."""
    if comment.author_id == target_author_id and not show_target_author:
        return _("작성자")
    return getattr(comment.author, "public_name", "") or str(comment.author)


class _Viewer:
    """What one viewer may see and do with the comments of one target (asked once per target)."""

    def __init__(self, *, target, user):
        adapter = adapter_for(target)
        self.user = user
        self.signed_in = bool(getattr(user, "is_authenticated", False))
        self.target_author_id = getattr(adapter.author(target), "pk", None)
        self.show_target_author = adapter.show_author_name(target, viewer=user)
        self.can_comment = self.signed_in and rules.has_perm("comments.add_comment", user, target)
        self.reported: set[int] = set()

    def view(self, c: Comment) -> CommentView:
        user, mine = self.user, self.signed_in and c.author_id == self.user.pk
        return CommentView(
            comment=c,
            name=comment_name(
                comment=c, target_author_id=self.target_author_id, show_target_author=self.show_target_author
            ),
            is_target_author=c.author_id == self.target_author_id and self.show_target_author,
            is_deleted=c.deleted_at is not None,
            is_pending=c.published_at is None,
            is_edited=c.edited_at is not None,
            can_edit=mine and rules.has_perm("comments.change_comment", user, c),
            can_delete=mine and rules.has_perm("comments.delete_comment", user, c),
            can_reply=self.can_comment and c.parent_id is None and c.is_public,
            can_report=self.signed_in and not mine and c.is_public and c.pk not in self.reported,
            reported=c.pk in self.reported,
        )


def comment_view_for(*, comment: Comment, user) -> CommentView:
    """One comment as `user` sees it (its replies not loaded)."""
    return _Viewer(target=comment.target, user=user).view(comment)


def comment_thread(*, target, user, page: int | str | None = 1, page_size: int = PAGE_SIZE) -> Thread:
    """One page of `target`'s comments (top-level ones, each with all its visible replies) as `user`
    sees them. Queries do not grow with the number of comments."""
    viewer = _Viewer(target=target, user=user)
    paginator = Paginator(comment_list_for(target=target, user=user), page_size)
    current = paginator.get_page(page)
    parents = list(current.object_list)
    replies = list(comment_replies_for(parents=parents, user=user)) if parents else []
    if viewer.signed_in:
        viewer.reported = report_open_ids_for(user=user, model=Comment, ids=[c.pk for c in parents + replies])
    by_parent: dict[int, list[CommentView]] = {}
    for r in replies:
        if r.deleted_at is None:
            by_parent.setdefault(r.parent_id, []).append(viewer.view(r))
    items = []
    for p in parents:
        v = viewer.view(p)
        v.replies = by_parent.get(p.pk, [])
        if not thread_visible(p, has_replies=bool(v.replies)):
            continue  # deleted without replies: gone from view
        items.append(v)
    return Thread(
        target=target,
        key=key_of(target),
        items=items,
        page=current,
        count=paginator.count,
        can_comment=viewer.can_comment,
        signed_in=viewer.signed_in,
        following=is_following(user=user, target=target) if viewer.signed_in else False,
    )
