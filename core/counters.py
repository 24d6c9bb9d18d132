"""Stored counts kept right atomically, for every kind: a 공감 (or any "once per person" mark) is a row
under a unique constraint, and the counted row's stored count changes with an ``F()`` update in the same
transaction. Parallel clicks make one row and add one; the database decides, not a check before.

Ideas' `support_count` and opinions' `support_count` both go through here."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Greatest


def count_add(*, model: type[models.Model], pks, field: str, delta: int) -> None:
    """Add `delta` to `field` of the rows `pks` of `model` (one UPDATE, never below zero). Call inside
    the writing transaction."""
    ids = list(pks)
    if ids and delta:
        model._default_manager.filter(pk__in=ids).update(**{field: Greatest(F(field) + delta, 0)})


def mark_once(*, row: models.Model, counted: models.Model, field: str) -> bool:
    """Insert `row` (an unsaved mark under a unique constraint) and add one to `counted.<field>`, in one
    transaction. True if added; False if the person had marked it already (the constraint said so)."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            count_add(model=type(counted), pks=[counted.pk], field=field, delta=1)
    except IntegrityError:
        return False
    return True


def unmark(*, rows: models.QuerySet, counted: models.Model, field: str) -> bool:
    """Delete the person's mark(s) `rows` and take them off `counted.<field>`. True if one was removed."""
    with transaction.atomic():
        deleted, _unused = rows.delete()
        if deleted:
            count_add(model=type(counted), pks=[counted.pk], field=field, delta=-deleted)
    return bool(deleted)
