"""Following: one mechanism for every kind of thing a user can follow (ideas, field posts, topics).
The app's service checks who may follow; this module only keeps the rows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import Follow


def _key(target) -> dict:
    return {"content_type": ContentType.objects.get_for_model(target), "object_id": str(target.pk)}


def follow(*, user, target) -> bool:
    """Start following `target`. True if new; parallel clicks make one row (the unique constraint)."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **_key(target))
    except IntegrityError:
        return False
    return True


def unfollow(*, user, target) -> bool:
    deleted, _unused = Follow.objects.filter(user=user, **_key(target)).delete()
    return bool(deleted)


def is_following(*, user, target) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Follow.objects.filter(user=user, **_key(target)).exists()


def followers_of(target) -> list:
    """The active users following `target` (one query)."""
    rows = Follow.objects.filter(**_key(target), user__is_active=True).select_related("user")
    return [f.user for f in rows]


def follower_count(target) -> int:
    return Follow.objects.filter(**_key(target)).count()


def followed_filter(*, user, model):
    """A subquery of the primary keys of `model` rows the user follows, for `.filter(pk__in=...)`."""
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast

    return (
        Follow.objects.filter(user=user, content_type=ContentType.objects.get_for_model(model))
        .annotate(target_pk=Cast("object_id", BigIntegerField()))
        .values("target_pk")
    )
