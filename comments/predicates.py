"""Permission predicates about comments and their targets (django-rules)."""

from __future__ import annotations

from datetime import timedelta

import rules
from django.conf import settings
from django.utils import timezone

from .targets import adapter_for, is_target


def edit_window() -> timedelta:
    """How long after writing a comment its author may edit it (setting COMMENTS_EDIT_MINUTES, 15)."""
    return timedelta(minutes=int(getattr(settings, "COMMENTS_EDIT_MINUTES", 15)))


@rules.predicate
def target_is_open(user, target) -> bool:
    return target is not None and is_target(target) and adapter_for(target).is_open(target)


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return comment is not None and user.is_authenticated and comment.author_id == user.pk


@rules.predicate
def is_deleted(user, comment) -> bool:
    return comment is not None and comment.deleted_at is not None


@rules.predicate
def within_edit_window(user, comment) -> bool:
    return comment is not None and timezone.now() - comment.created_at <= edit_window()
