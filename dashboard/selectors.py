"""The dashboard's figures, read with a fixed number of aggregate queries whatever the number of rows:
GROUP BYs in the database (counts per week or month with date truncation, per track, district, status),
never a loop over ideas in Python. Each selector returns plain data (dataclasses) that `sections`
caches per filter set; the period filter counts by the date each figure is about (an idea's receipt,
a screening case's entry into the queue, a field post's receipt, a programme's reporting period).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.choices import OPEN_STATUSES, GrievanceStatus, Rating
from grievances.models import Grievance
from ideas.choices import District, IdeaStatus
from ideas.models import Idea, PolicyTrack
from moderation.choices import ScreeningStatus
from moderation.models import ScreeningCase
from moderation.review.choices import AssignmentStatus, SheetStatus
from moderation.review.models import Assignment, Decision
from nlp.corpora import corpora
from nlp.services import cluster_snapshots_latest, snapshot_clusters
from results import selectors as results_selectors
from results.choices import ProjectStatus
from results.models import ProjectIdea

from .forms import MAX_STEPS, Filters, Step


@dataclass(frozen=True)
class TrackInfo:
    id: int | None
    name: str
    target: int | None = None


def tracks_list() -> list[TrackInfo]:
    """Every policy track in the admin's order (one small query)."""
    return [
        TrackInfo(pk, name, target)
        for pk, name, target in PolicyTrack.objects.order_by("sort_order", "name").values_list(
            "pk", "name", "job_target"
        )
    ]


def _moment(d: date) -> datetime:
    """The start of day `d` in the site's time zone."""
    return timezone.make_aware(datetime.combine(d, time.min))


def _in_period(prefix: str, f: Filters) -> Q:
    q = Q()
    if f.start:
        q &= Q(**{f"{prefix}__gte": _moment(f.start)})
    if f.end:
        q &= Q(**{f"{prefix}__lt": _moment(f.end + timedelta(days=1))})
    return q


def idea_scope(f: Filters) -> QuerySet[Idea]:
    """Ideas the filters cover (every status: what was received), by receipt date."""
    qs = Idea.objects.filter(_in_period("created_at", f))
    if f.contest_id:
        qs = qs.filter(contest_id=f.contest_id)
    if f.track_id:
        qs = qs.filter(track_id=f.track_id)
    if f.district:
        qs = qs.filter(district=f.district)
    return qs


def step_start(d: date, step: str) -> date:
    """The first day of the week (Monday) or month `d` is in: what the database's truncation gives."""
    return d - timedelta(days=d.weekday()) if step == Step.WEEK else d.replace(day=1)


def next_step(d: date, step: str) -> date:
    if step == Step.WEEK:
        return d + timedelta(days=7)
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def steps_between(first: date | None, last: date | None, step: str) -> list[date]:
    """Every week or month from `first` to `last` (both included; empty if either is missing), at most
    `MAX_STEPS[step]` of them, the latest kept."""
    if first is None or last is None:
        return []
    out, d, last = [], step_start(first, step), step_start(last, step)
    while d <= last:
        out.append(d)
        d = next_step(d, step)
    return out[-MAX_STEPS[step] :]


def _truncated(name: str, step: str) -> Trunc:
    return Trunc(name, step, output_field=DateField())


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


# ---- ideas over time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaTimeline:
    """Ideas received per step (week/month), per track and per district. `by_track` is keyed by track
    id (None: 미분류), `by_district` by district code; each list runs along `steps`."""

    steps: list[date]
    tracks: list[TrackInfo]
    by_track: dict[int | None, list[int]]
    by_district: dict[str, list[int]]
    total: int

    def per_step(self) -> list[int]:
        return [sum(row[i] for row in self.by_track.values()) for i in range(len(self.steps))]

    def district_totals(self) -> list[tuple[str, str, int]]:
        """(code, name, count) of the districts with ideas, most first."""
        names = dict(District.choices)
        rows = [(code, str(names.get(code, code)), sum(v)) for code, v in self.by_district.items()]
        return sorted((r for r in rows if r[2]), key=lambda r: (-r[2], r[1]))


def idea_timeline(*, filters: Filters) -> IdeaTimeline:
    """Three queries: the tracks, and two GROUP BYs (step × track, step × district) over the
    `idea_contest_received` index."""
    tracks = tracks_list()
    qs = idea_scope(filters).order_by().annotate(step=_truncated("created_at", filters.step))
    per_track = list(qs.values("step", "track_id").annotate(n=Count("pk")))
    per_district = list(qs.values("step", "district").annotate(n=Count("pk")))
    seen = [_as_date(r["step"]) for r in per_track]
    first = step_start(filters.start, filters.step) if filters.start else min(seen, default=None)
    last = step_start(filters.end, filters.step) if filters.end else max(seen, default=None)
    steps = steps_between(first, last, filters.step)
    index = {d: i for i, d in enumerate(steps)}
    by_track: dict[int | None, list[int]] = {t.id: [0] * len(steps) for t in tracks}
    if filters.track_id:
        by_track = {k: v for k, v in by_track.items() if k == filters.track_id}
    by_district: dict[str, list[int]] = {}
    total = 0
    for r in per_track:
        i = index.get(_as_date(r["step"]))
        if i is None:
            continue
        by_track.setdefault(r["track_id"], [0] * len(steps))[i] += r["n"]
        total += r["n"]
    for r in per_district:
        i = index.get(_as_date(r["step"]))
        if i is not None:
            by_district.setdefault(r["district"], [0] * len(steps))[i] += r["n"]
    return IdeaTimeline(steps=steps, tracks=tracks, by_track=by_track, by_district=by_district, total=total)


# ---- screening -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningProgress:
    """Screening cases of ideas per state of the moderation queue, the flagged ones still waiting, the
    longest wait (days), and ideas per status."""

    cases: list[tuple[str, str, int]]  # (status, label, count) in the queue's order
    pending_flagged: int
    oldest_pending_days: float | None
    idea_statuses: list[tuple[str, str, int]]

    @property
    def decided_share(self) -> float | None:
        total = sum(n for _s, _l, n in self.cases)
        pending = sum(n for s, _l, n in self.cases if s == ScreeningStatus.PENDING)
        return round(100 * (total - pending) / total, 1) if total else None


def screening_progress(*, filters: Filters, now: datetime | None = None) -> ScreeningProgress:
    """Two GROUP BY queries (cases by state, ideas by status) and the content type (cached by Django)."""
    now = now or timezone.now()
    cases = ScreeningCase.objects.filter(content_type=ContentType.objects.get_for_model(Idea))
    cases = cases.filter(_in_period("submitted_at", filters))
    if filters.contest_id:
        cases = cases.filter(contest_id=filters.contest_id)
    if filters.track_id:
        cases = cases.filter(track_id=filters.track_id)
    if filters.district:
        ideas = Idea.objects.filter(district=filters.district)
        if filters.contest_id:
            ideas = ideas.filter(contest_id=filters.contest_id)
        cases = cases.filter(object_id__in=ideas.values("pk"))
    rows = {
        r["status"]: r
        for r in cases.order_by()
        .values("status")
        .annotate(n=Count("pk"), flagged=Count("pk", filter=Q(is_flagged=True)), oldest=Min("submitted_at"))
    }
    pending = rows.get(ScreeningStatus.PENDING, {})
    oldest = pending.get("oldest")
    statuses = {r["status"]: r["n"] for r in idea_scope(filters).order_by().values("status").annotate(n=Count("pk"))}
    return ScreeningProgress(
        cases=[(s.value, str(s.label), rows.get(s.value, {}).get("n", 0)) for s in ScreeningStatus],
        pending_flagged=pending.get("flagged", 0),
        oldest_pending_days=round((now - oldest).total_seconds() / 86400, 1) if oldest else None,
        idea_statuses=[(s.value, str(s.label), statuses.get(s.value, 0)) for s in IdeaStatus],
    )


# ---- review ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestReview:
    contest_id: int
    title: str
    entries: int
    reviewers: int
    assigned: int
    scored: int
    decided: int

    @property
    def scored_share(self) -> float | None:
        return round(100 * self.scored / self.assigned, 1) if self.assigned else None


def review_progress(*, filters: Filters) -> list[ContestReview]:
    """Per contest with a panel: entries and reviewers assigned, score sheets assigned and submitted,
    decisions made. Two GROUP BY queries over the assignments and the decisions."""
    ideas = Q()
    if filters.contest_id:
        ideas &= Q(idea__contest_id=filters.contest_id)
    if filters.track_id:
        ideas &= Q(idea__track_id=filters.track_id)
    if filters.district:
        ideas &= Q(idea__district=filters.district)
    ideas &= _in_period("idea__created_at", filters)
    rows = (
        Assignment.objects.filter(ideas, status=AssignmentStatus.ACTIVE)
        .order_by()
        .values("panel__contest_id", "panel__contest__title")
        .annotate(
            assigned=Count("pk"),
            scored=Count("pk", filter=Q(sheet__status=SheetStatus.SUBMITTED)),
            entries=Count("idea", distinct=True),
            reviewers=Count("reviewer", distinct=True),
        )
    )
    decided = dict(
        Decision.objects.filter(ideas)
        .order_by()
        .values("panel__contest_id")
        .annotate(n=Count("pk"))
        .values_list("panel__contest_id", "n")
    )
    out = [
        ContestReview(
            contest_id=r["panel__contest_id"],
            title=r["panel__contest__title"],
            entries=r["entries"],
            reviewers=r["reviewers"],
            assigned=r["assigned"],
            scored=r["scored"],
            decided=decided.get(r["panel__contest_id"], 0),
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: (c.title, c.contest_id))


# ---- selected (and adopted) ideas -------------------------------------------------------------------


@dataclass(frozen=True)
class TrackSelection:
    track: TrackInfo
    selected: int
    adopted: int | None  # None while adoption is not recorded anywhere


def selection_by_track(*, filters: Filters, adopted: dict[int | None, int] | None = None) -> list[TrackSelection]:
    """Selected (선정) ideas per track, one GROUP BY; `adopted` (ideas adopted as projects per track id)
    comes from the results app when it is there."""
    tracks = tracks_list()
    selected = dict(
        idea_scope(filters)
        .filter(status=IdeaStatus.SELECTED)
        .order_by()
        .values("track_id")
        .annotate(n=Count("pk"))
        .values_list("track_id", "n")
    )
    rows = [*tracks, TrackInfo(None, _("미분류"))]
    if filters.track_id:
        rows = [t for t in rows if t.id == filters.track_id]
    return [
        TrackSelection(
            track=t,
            selected=selected.get(t.id, 0),
            adopted=None if adopted is None else adopted.get(t.id, 0),
        )
        for t in rows
        if t.id is not None or selected.get(None) or (adopted or {}).get(None)
    ]


def adopted_by_track(*, filters: Filters) -> dict[int | None, int]:
    """{track id: ideas adopted as projects} among the ideas the filters cover (adoptions the author
    declined left out). One GROUP BY over the adoption records."""
    return dict(
        ProjectIdea.objects.filter(declined_at__isnull=True, idea__in=idea_scope(filters).values("pk"))
        .order_by()
        .values("idea__track_id")
        .annotate(n=Count("idea", distinct=True))
        .values_list("idea__track_id", "n")
    )


# ---- jobs against the tracks' targets (results) -----------------------------------------------------


@dataclass(frozen=True)
class TrackJobsRow:
    track_id: int
    name: str
    target: int | None
    programme_jobs: int
    project_jobs: int

    @property
    def total(self) -> int:
        return self.programme_jobs + self.project_jobs

    @property
    def percent(self) -> float | None:
        return round(100 * self.total / self.target, 1) if self.target else None


def jobs_against_targets(*, filters: Filters) -> list[TrackJobsRow]:
    """Per track: the city's programmes' reported jobs plus adopted projects' jobs in the period, against
    the track's target (`results.selectors.jobs_by_track`, a fixed number of queries)."""
    rows = results_selectors.jobs_by_track(start=filters.start, end=filters.end)
    return [
        TrackJobsRow(r.track.pk, r.track.name, r.target, r.programme_jobs, r.project_jobs)
        for r in rows
        if not filters.track_id or r.track.pk == filters.track_id
    ]


# ---- projects late against their milestones (results) -----------------------------------------------


@dataclass(frozen=True)
class LateProject:
    id: int
    title: str
    track: str
    department: str
    coordinator: str
    district: str
    status: str
    progress: int
    end_date: date | None
    overdue_milestones: int
    late_since: date | None  # the earliest missed date: an overdue milestone's, or the end date

    def days_late(self, today: date) -> int | None:
        return (today - self.late_since).days if self.late_since else None


@dataclass(frozen=True)
class LateProjects:
    total: int
    by_track: list[tuple[str, int]]
    rows: list[LateProject]


def late_projects(*, filters: Filters, today: date, limit: int = 50) -> LateProjects:
    """Projects behind schedule on `today` (`results.selectors.late_projects`) under the track, district
    and contest (of an adopted idea) filters: the count per track and the first `limit`, longest late
    first. Two queries."""
    qs = results_selectors.late_projects(today=today)
    if filters.track_id:
        qs = qs.filter(track_id=filters.track_id)
    if filters.district:
        qs = qs.filter(district=filters.district)
    if filters.contest_id:
        qs = qs.filter(pk__in=ProjectIdea.objects.filter(idea__contest_id=filters.contest_id).values("project_id"))
    missed = Q(milestones__due_date__lt=today, milestones__done_at__isnull=True)
    per_track = {
        r["track__name"]: r["n"]
        for r in qs.order_by().values("track__name", "track__sort_order").annotate(n=Count("pk", distinct=True))
    }
    rows = list(
        qs.annotate(overdue=Count("milestones", filter=missed), first_missed=Min("milestones__due_date", filter=missed))
        .select_related("track", "department", "coordinator")
        .order_by("pk")
    )
    statuses, districts = dict(ProjectStatus.choices), dict(District.choices)

    def late_since(p) -> date | None:
        past_end = p.end_date if p.end_date and p.end_date < today and p.status != ProjectStatus.DONE else None
        return min((d for d in (p.first_missed, past_end) if d), default=None)

    found = [
        LateProject(
            id=p.pk,
            title=p.title,
            track=p.track.name if p.track else _("미분류"),
            department=p.department.name if p.department else "",
            coordinator=(p.coordinator.display_name or p.coordinator.email) if p.coordinator else "",
            district=str(districts.get(p.district, "")),
            status=str(statuses.get(p.status, p.status)),
            progress=p.progress,
            end_date=p.end_date,
            overdue_milestones=p.overdue,
            late_since=late_since(p),
        )
        for p in rows
    ]
    found.sort(key=lambda r: (r.late_since or today, r.id))
    return LateProjects(
        total=sum(per_track.values()),
        by_track=sorted(((name or _("미분류"), n) for name, n in per_track.items()), key=lambda r: (-r[1], r[0])),
        rows=found[:limit],
    )


# ---- field posts (현장 기동대) ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldFigures:
    """Field posts received in the period: open, overdue, answered, days to a first answer (median and
    90th percentile, calendar days), answered on time, satisfaction (share satisfied, and the average on
    a 0–100 scale: 만족 100, 보통 50, 불만족 0), and posts received per step."""

    received: int
    open: int
    overdue: int
    answered: int
    median_days: float | None
    p90_days: float | None
    on_time: int
    on_time_known: int
    rated: int
    satisfied: int
    satisfaction_score: float | None
    steps: list[date] = field(default_factory=list)
    received_per_step: list[int] = field(default_factory=list)
    answered_per_step: list[int] = field(default_factory=list)

    @property
    def on_time_share(self) -> float | None:
        return round(100 * self.on_time / self.on_time_known, 1) if self.on_time_known else None

    @property
    def satisfied_share(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


def field_scope(f: Filters) -> QuerySet[Grievance]:
    """Submitted field posts the filters cover, by receipt date (contests do not apply)."""
    qs = Grievance.objects.exclude(status=GrievanceStatus.DRAFT).filter(received_at__isnull=False)
    qs = qs.filter(_in_period("received_at", f))
    if f.track_id:
        qs = qs.filter(track_id=f.track_id)
    if f.district:
        qs = qs.filter(district=f.district)
    return qs


def _quantile_days(qs: QuerySet[Grievance], n: int, q: float) -> float | None:
    """The `q` quantile (linear between the two nearest ranks) of the days from receipt to a first
    answer over `qs` (n answered rows), reading only those one or two rows from the database."""
    if n == 0:
        return None
    taken = ExpressionWrapper(F("first_answered_at") - F("received_at"), output_field=DurationField())
    pos = (n - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    values = list(qs.annotate(taken=taken).order_by("taken", "pk").values_list("taken", flat=True)[lo : hi + 1])
    a = values[0].total_seconds()
    b = values[-1].total_seconds()
    return round((a + (b - a) * (pos - lo)) / 86400, 1)


def field_figures(*, filters: Filters, now: datetime | None = None) -> FieldFigures:
    """Five queries: the totals, the median and the 90th percentile, and received/answered per step."""
    now = now or timezone.now()
    qs = field_scope(filters)
    is_open = Q(status__in=OPEN_STATUSES)
    score = Case(
        When(rating=Rating.SATISFIED, then=Value(100.0)),
        When(rating=Rating.NEUTRAL, then=Value(50.0)),
        When(rating=Rating.DISSATISFIED, then=Value(0.0)),
        default=None,
    )
    totals = qs.aggregate(
        received=Count("pk"),
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        on_time=Count("pk", filter=Q(answered_on_time=True)),
        on_time_known=Count("pk", filter=Q(answered_on_time__isnull=False)),
        rated=Count("pk", filter=~Q(rating="")),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        score=Avg(score),
    )
    answered = qs.filter(first_answered_at__isnull=False)
    per_step = list(
        qs.order_by()
        .annotate(step=_truncated("received_at", filters.step))
        .values("step")
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(first_answered_at__isnull=False)))
    )
    seen = [_as_date(r["step"]) for r in per_step]
    first = step_start(filters.start, filters.step) if filters.start else min(seen, default=None)
    last = step_start(filters.end, filters.step) if filters.end else max(seen, default=None)
    steps = steps_between(first, last, filters.step)
    index = {d: i for i, d in enumerate(steps)}
    received_per_step, answered_per_step = [0] * len(steps), [0] * len(steps)
    for r in per_step:
        i = index.get(_as_date(r["step"]))
        if i is not None:
            received_per_step[i] += r["n"]
            answered_per_step[i] += r["answered"]
    return FieldFigures(
        received=totals["received"],
        open=totals["open"],
        overdue=totals["overdue"],
        answered=totals["answered"],
        median_days=_quantile_days(answered, totals["answered"], 0.5),
        p90_days=_quantile_days(answered, totals["answered"], 0.9),
        on_time=totals["on_time"],
        on_time_known=totals["on_time_known"],
        rated=totals["rated"],
        satisfied=totals["satisfied"],
        satisfaction_score=None if totals["score"] is None else round(totals["score"], 1),
        steps=steps,
        received_per_step=received_per_step,
        answered_per_step=answered_per_step,
    )


# ---- topic clusters of the last refit (nlp.services) ---------------------------------------------

#: Tracks listed per topic cluster.
TOPIC_TRACKS = 3


@dataclass(frozen=True)
class TopicCluster:
    """One topic cluster of a corpus's latest refit: its key-term ``label``, ``size``, ``change`` since
    the refit before (``"new"``, ``"grown"``, ``"shrunk"``, ``"same"``; ``""`` on a corpus's first refit)
    with ``delta`` (the change in size), and its top ``tracks`` as ``(name, count)``."""

    label: str
    size: int
    change: str
    delta: int
    tracks: list[tuple[str, int]]


@dataclass(frozen=True)
class CorpusTopics:
    """The clusters of one corpus (``kind``: what its items are called, e.g. 아이디어) at its latest
    refit (``at``, over ``n_items`` items), largest first."""

    name: str
    kind: str
    at: datetime
    n_items: int
    clusters: list[TopicCluster] = field(default_factory=list)


def topic_clusters() -> list[CorpusTopics]:
    """The topic clusters of every registered NLP corpus that has been clustered (ideas, forum opinions,
    field posts), in registration order, from each one's latest snapshot. Two queries,
    whatever the number of corpora and clusters; the dashboard's filters do not apply (a refit clusters
    the whole corpus)."""
    snapshots = cluster_snapshots_latest()
    if not snapshots:
        return []
    names = dict(PolicyTrack.objects.values_list("slug", "name"))
    out = []
    for corpus in corpora():
        snapshot = snapshots.get(corpus.name)
        if snapshot is None:
            continue
        out.append(
            CorpusTopics(
                name=corpus.name,
                kind=str(corpus.model._meta.verbose_name),
                at=snapshot.created_at,
                n_items=snapshot.n_items,
                clusters=[
                    TopicCluster(
                        label=c.label,
                        size=c.size,
                        change=c.change,
                        delta=c.delta,
                        tracks=[(names.get(slug, slug), n) for slug, n in c.tracks[:TOPIC_TRACKS]],
                    )
                    for c in snapshot_clusters(snapshot)
                ],
            )
        )
    return out
