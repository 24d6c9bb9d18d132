"""Selectors: what moderators read — the screening queue, one case, reports grouped per item."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.models import AuditEntry

from .choices import ReportStatus, ScreeningStatus
from .models import Report, ScreeningCase, ScreeningFinding


@dataclass(frozen=True)
class QueueFilters:
    """Filters of the screening queue; every field optional."""

    flag: str | None = None  # a FindingKind value, or "none" for unflagged cases
    track: int | None = None
    contest: int | None = None


def _attach_items(objs, *, ct_attr="content_type_id", id_attr="object_id") -> None:
    """Set `.item` on each object with one query per content type (not per row)."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for o in objs:
        by_type[getattr(o, ct_attr)].add(getattr(o, id_attr))
    loaded = {}
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        manager = model._default_manager
        if hasattr(model, "author"):
            manager = manager.select_related("author")
        loaded.update({(ct_id, obj.pk): obj for obj in manager.filter(pk__in=ids)})
    for o in objs:
        o.item = loaded.get((getattr(o, ct_attr), getattr(o, id_attr)))


def screening_queue(*, filters: QueueFilters | None = None) -> list[ScreeningCase]:
    """Pending cases, oldest first, each with `.item` and its findings. The number of queries
    does not grow with the number of cases."""
    f = filters or QueueFilters()
    qs = (
        ScreeningCase.objects.filter(status=ScreeningStatus.PENDING)
        .select_related("contest", "track")
        .prefetch_related(Prefetch("findings", queryset=ScreeningFinding.objects.order_by("id")))
        .order_by("submitted_at", "id")
    )
    if f.flag == "none":
        qs = qs.filter(is_flagged=False)
    elif f.flag:
        qs = qs.filter(findings__kind=f.flag).distinct()
    if f.track:
        qs = qs.filter(track_id=f.track)
    if f.contest:
        qs = qs.filter(contest_id=f.contest)
    cases = list(qs[:500])
    _attach_items(cases)
    return [c for c in cases if c.item is not None]


def screening_case_get(*, pk: int) -> ScreeningCase | None:
    """One case with its item, findings and the items its duplicate findings point to."""
    case = (
        ScreeningCase.objects.select_related("contest", "track", "decided_by", "content_type")
        .prefetch_related("findings")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    _attach_items([case])
    model = case.content_type.model_class()
    related = {f.related_object_id for f in case.findings.all() if f.related_object_id}
    others = {o.pk: o for o in model._default_manager.filter(pk__in=related)} if related else {}
    for f in case.findings.all():
        f.related_item = others.get(f.related_object_id)
    return case


def screening_history_for(*, item) -> QuerySet[ScreeningCase]:
    """Every case an item went through, oldest first."""
    return ScreeningCase.objects.for_item(item).select_related("decided_by").order_by("submitted_at", "id")


@dataclass
class ReportGroup:
    """The reports on one item: how many distinct reporters, why, since when."""

    content_type_id: int
    object_id: int
    item: object = None
    reporters: int = 0
    reasons: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    first_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        """`(reason label, count)`, most frequent first (templates cannot iterate a Counter)."""
        return self.reasons.most_common()

    @property
    def is_hidden(self) -> bool:
        return getattr(self.item, "hidden_at", None) is not None


def report_list_grouped(
    *, status: str = ReportStatus.OPEN, content_type_id: int | None = None, object_id: int | None = None
) -> list[ReportGroup]:
    """Reports of the given status grouped per item, the most reported (then oldest) first.
    A fixed number of queries, whatever the number of reports."""
    groups: dict[tuple[int, int], ReportGroup] = {}
    reporters: dict[tuple[int, int], set[int]] = defaultdict(set)
    qs = Report.objects.filter(status=status)
    if content_type_id is not None:
        qs = qs.filter(content_type_id=content_type_id, object_id=object_id)
    for r in qs.order_by("created_at", "id"):
        key = (r.content_type_id, r.object_id)
        g = groups.setdefault(key, ReportGroup(content_type_id=r.content_type_id, object_id=r.object_id))
        reporters[key].add(r.reporter_id)
        g.reasons[r.get_reason_display()] += 1
        if r.note:
            g.notes.append(r.note)
        g.first_at = g.first_at or r.created_at
        g.last_at = r.created_at
    for key, g in groups.items():
        g.reporters = len(reporters[key])
    result = list(groups.values())
    _attach_items(result)
    result = [g for g in result if g.item is not None]
    result.sort(key=lambda g: (-g.reporters, g.first_at))
    return result


def report_group_get(*, content_type_id: int, object_id: int) -> ReportGroup | None:
    """The open reports on one item, or None if there are none."""
    groups = report_list_grouped(content_type_id=content_type_id, object_id=object_id)
    return groups[0] if groups else None


def report_exists_for(*, user, item) -> bool:
    """Whether the user has an open report on the item (the form then says so)."""
    if not getattr(user, "is_authenticated", False) or item is None:
        return False
    return Report.objects.for_item(item).filter(reporter=user, status=ReportStatus.OPEN).exists()


def report_bursts_recent(*, hours: int = 24) -> list:
    """Report bursts announced in the last `hours` (audit records `report.burst`), newest first."""
    since = timezone.now() - timedelta(hours=hours)
    return list(AuditEntry.objects.filter(action="report.burst", created_at__gte=since).order_by("-created_at")[:20])


def report_open_ids_for(*, user, model, ids) -> set[int]:
    """Of the items of `model` with primary keys `ids`, those the user has an open report on (one query:
    a list shows each item's report form without a query per item)."""
    if not getattr(user, "is_authenticated", False) or not ids:
        return set()
    ct = ContentType.objects.get_for_model(model)
    return set(
        Report.objects.filter(
            content_type=ct, object_id__in=list(ids), reporter=user, status=ReportStatus.OPEN
        ).values_list("object_id", flat=True)
    )
