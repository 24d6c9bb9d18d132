"""Stored counters: each idea's 공감 count is a column kept right by the services that write supports.

`idea_support` / `idea_unsupport` change it with an ``F()`` update in the same transaction as the
support row, so parallel clicks never lose one. Rows written by other means (bulk loads, a user
deleted in the admin, whose supports cascade) are corrected by `support_counts_reconcile`
(`manage.py reconcile_counts`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from core.counters import count_add

from .models import Idea, Support


def support_count_add(*, idea_ids, delta: int) -> None:
    """Add `delta` to the stored count of each idea (one UPDATE); call inside the writing transaction.

    A count never goes below zero (rows written around the services are `reconcile_counts`' job)."""
    count_add(model=Idea, pks=idea_ids, field="support_count", delta=delta)


def _true_count():
    rows = Support.objects.filter(idea=OuterRef("pk")).order_by().values("idea").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def support_counts_recount(*, idea_ids) -> None:
    """Store the true count of these ideas (after supports were written in bulk, e.g. a merge)."""
    Idea.objects.filter(pk__in=list(idea_ids)).update(support_count=_true_count())


def support_counts_reconcile(*, batch_size: int = 20000) -> int:
    """Recount every idea's 공감 from the support rows and store it where it differs.

    Idempotent; one UPDATE per `batch_size` ideas (a correlated count using the support index).
    Returns the number of ideas whose stored count was wrong.
    """
    fixed = 0
    last = 0
    while True:
        ids = list(Idea.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return fixed
        with transaction.atomic():
            fixed += (
                Idea.objects.filter(pk__gte=ids[0], pk__lte=ids[-1])
                .alias(true_count=_true_count())
                .filter(~Q(support_count=F("true_count")))
                .update(support_count=_true_count())
            )
        last = ids[-1]
