"""One set of rules for an author changing their own short text after posting it (comments, opinions):

- **Edit** within the edit window, counted from when the text was written (setting
  `EDIT_WINDOW_MINUTES`, default 15; the older `COMMENTS_EDIT_MINUTES` is still read). The edit is
  marked (`edited_at`, shown as "수정됨"); the kind's service screens it again (and analyses it again).
- **Delete** at any time: the row stays (`deleted_at`, the text kept for moderators and open reports,
  audited). With visible replies it is shown as a "삭제된 …입니다" placeholder; without, it disappears.
- Neither on a deleted text, nor by anyone but its author.

A kind's model mixes in `core.models.Editable`; its `rules.py` combines `may_edit` / `may_delete` with
its own conditions (a topic still open); its services call `edit_apply` / `delete_apply` and
`edit_refused_message`; its lists ask `thread_visible` which deleted parents still show.
"""

from __future__ import annotations

from datetime import timedelta

import rules
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import AuditContext, audit_record
from .roles import is_signed_in

DEFAULT_EDIT_MINUTES = 15


def edit_minutes() -> int:
    """The edit window in minutes (setting `EDIT_WINDOW_MINUTES`, else `COMMENTS_EDIT_MINUTES`, 15)."""
    value = getattr(settings, "EDIT_WINDOW_MINUTES", None)
    if value is None:
        value = getattr(settings, "COMMENTS_EDIT_MINUTES", DEFAULT_EDIT_MINUTES)
    return int(value)


def edit_window() -> timedelta:
    """How long after writing a text its author may edit it."""
    return timedelta(minutes=edit_minutes())


def is_within_edit_window(item, *, now=None) -> bool:
    """Whether `item` (with `created_at`) may still be edited now (the window's last instant included)."""
    now = now or timezone.now()
    return item.created_at is not None and now - item.created_at <= edit_window()


@rules.predicate
def is_own_text(user, item) -> bool:
    return item is not None and user.is_authenticated and item.author_id == user.pk


@rules.predicate
def is_deleted_text(user, item) -> bool:
    return item is not None and item.deleted_at is not None


@rules.predicate
def within_edit_window(user, item) -> bool:
    return item is not None and is_within_edit_window(item)


#: The author, while the text is not deleted and the window is open. Kinds add their own conditions.
may_edit = is_signed_in & is_own_text & ~is_deleted_text & within_edit_window
#: The author, while the text is not deleted.
may_delete = is_signed_in & is_own_text & ~is_deleted_text


def edit_refused_message(*, item, actor, noun: str) -> str:
    """The Korean reason an edit was refused: the window has passed (told only to the author), or no
    right to edit it. `noun` names the kind with its topic particle ("댓글은", "의견은")."""
    mine = item is not None and getattr(actor, "pk", None) == item.author_id and item.deleted_at is None
    if mine and not is_within_edit_window(item):
        return _("%(noun)s 작성하고 %(minutes)d분 안에만 고칠 수 있습니다.") % {"noun": noun, "minutes": edit_minutes()}
    return _("이 글을 고칠 권한이 없습니다.")


def edit_apply(*, item, changes: dict) -> None:
    """Write the author's edit: the changed fields and the edit mark (`edited_at`). Call inside the
    service's transaction, with the row locked, before screening it again."""
    for name, value in changes.items():
        setattr(item, name, value)
    item.edited_at = timezone.now()
    item.save(update_fields=[*changes, "edited_at", "updated_at"])


def delete_apply(*, item, actor, action: str, context: AuditContext | None = None, after: dict | None = None) -> None:
    """Mark the author's text deleted (the row and its text stay) and audit it as `action`. Call inside
    the service's transaction, with the row locked."""
    item.deleted_at = timezone.now()
    item.save(update_fields=["deleted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=item,
        before={"deleted": False},
        after={"deleted": True, **(after or {})},
        context=context,
    )


def thread_visible(item, *, has_replies: bool) -> bool:
    """Whether a top-level text is shown in its thread: always unless deleted; deleted, only as the
    placeholder while it still has visible replies."""
    return item.deleted_at is None or has_replies
