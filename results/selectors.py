"""Reading the results side: jobs against each track's target, late projects, the public lists.

Aggregates read the small tables (programme results, each project's latest jobs report), never one row
per idea; every function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from ideas.models import PolicyTrack

from .choices import ProjectStatus
from .models import JobsReport, Milestone, ProgrammeResult, Project, ProjectIdea


@dataclass(frozen=True)
class TrackJobs:
    """Jobs created under one policy track: the city's programmes' results plus adopted projects' latest
    figures, against the track's target (`share_of_target` is None when the track has no target)."""

    track: PolicyTrack
    target: int | None
    programme_jobs: int
    project_jobs: int

    @property
    def total(self) -> int:
        return self.programme_jobs + self.project_jobs

    @property
    def share_of_target(self) -> float | None:
        if not self.target:
            return None
        return self.total / self.target

    @property
    def percent_of_target(self) -> int | None:
        """The share as a whole percentage, for display (None without a target)."""
        share = self.share_of_target
        return None if share is None else round(share * 100)


def _latest_jobs(*, as_of: datetime.date | None) -> Subquery:
    reports = JobsReport.objects.filter(project=OuterRef("pk"))
    if as_of is not None:
        reports = reports.filter(as_of__lte=as_of)
    return Subquery(reports.order_by("-as_of", "-id").values("jobs")[:1])


def project_jobs_by_track(*, start: datetime.date | None = None, end: datetime.date | None = None) -> dict:
    """{track id: jobs} from each project's own latest cumulative report as of `end`, minus its latest
    report before `start` (so a period counts the jobs created in it). Projects without a track are left out."""
    projects = Project.objects.filter(track__isnull=False).annotate(upto=_latest_jobs(as_of=end))
    if start is not None:
        projects = projects.annotate(before=_latest_jobs(as_of=start - datetime.timedelta(days=1)))
    out: dict[int, int] = {}
    for row in projects.values("track_id", "upto", *(["before"] if start is not None else [])):
        jobs = (row["upto"] or 0) - (row.get("before") or 0)
        out[row["track_id"]] = out.get(row["track_id"], 0) + max(jobs, 0)
    return out


def programme_jobs_by_track(*, start: datetime.date | None = None, end: datetime.date | None = None) -> dict:
    """{track id: jobs} summed over the programme results whose period lies within [start, end]."""
    results = ProgrammeResult.objects.all()
    if start is not None:
        results = results.filter(period_start__gte=start)
    if end is not None:
        results = results.filter(period_end__lte=end)
    rows = results.values("programme__track_id").annotate(jobs=Sum("jobs")).order_by()
    return {row["programme__track_id"]: row["jobs"] or 0 for row in rows}


def jobs_by_track(*, start: datetime.date | None = None, end: datetime.date | None = None) -> list[TrackJobs]:
    """Each policy track (in its order) with its job target, the jobs its programmes reported for
    periods within [start, end], and the jobs its adopted projects created in that span. Three queries."""
    programme = programme_jobs_by_track(start=start, end=end)
    project = project_jobs_by_track(start=start, end=end)
    return [
        TrackJobs(
            track=track,
            target=track.job_target,
            programme_jobs=programme.get(track.pk, 0),
            project_jobs=project.get(track.pk, 0),
        )
        for track in PolicyTrack.objects.all()
    ]


def late_projects(*, today: datetime.date) -> QuerySet[Project]:
    """Projects behind schedule on `today`: a milestone past its due date and not done, or the end date
    past while the project is not done."""
    overdue = Milestone.objects.filter(project=OuterRef("pk"), due_date__lt=today, done_at__isnull=True)
    return Project.objects.filter(Exists(overdue) | (Q(end_date__lt=today) & ~Q(status=ProjectStatus.DONE))).order_by(
        "end_date", "pk"
    )


def project_status_counts() -> dict[str, int]:
    """{status: number of projects}, every status present (zero when none)."""
    counts = dict(Project.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in ProjectStatus.values}


# --- public pages -------------------------------------------------------------------------------------


def _with_latest_jobs(qs: QuerySet[Project]) -> QuerySet[Project]:
    latest = JobsReport.objects.filter(project=OuterRef("pk")).order_by("-as_of", "-id")
    return qs.annotate(
        latest_jobs=Subquery(latest.values("jobs")[:1]),
        latest_jobs_as_of=Subquery(latest.values("as_of")[:1]),
        latest_jobs_source=Subquery(latest.values("source")[:1]),
    )


def _public_adoptions() -> Prefetch:
    return Prefetch(
        "adoptions",
        queryset=ProjectIdea.objects.select_related("idea", "idea__author").prefetch_related("idea__co_authors"),
    )


def project_list_public() -> QuerySet[Project]:
    """The top-level projects, newest first, with what their rows show (department, coordinator, track,
    children for the weighted progress, the adopted ideas, the latest jobs figure): a fixed number of
    queries whatever the number of projects."""
    return _with_latest_jobs(
        Project.objects.filter(parent__isnull=True)
        .select_related("department", "coordinator", "track")
        .prefetch_related("children__children", _public_adoptions())
    ).order_by("-created_at", "-id")


def project_get_public(*, pk: int) -> Project | None:
    """One project with everything its page shows, or None."""
    return (
        _with_latest_jobs(
            Project.objects.select_related("department", "coordinator", "track", "parent", "industry").prefetch_related(
                "children__children", "milestones", _public_adoptions()
            )
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class ProjectIdeaRow:
    """An adopted idea as a project page shows it: the idea (linked when public) and the names credited
    (empty until the author consented to be named)."""

    adoption: ProjectIdea
    idea: object
    credited_names: tuple[str, ...]


def project_idea_rows(project: Project) -> list[ProjectIdeaRow]:
    """The project's adopted ideas; names only where the author consented to the credit. Uses the
    prefetched adoptions."""
    rows = []
    for adoption in project.adoptions.all():
        idea = adoption.idea
        names: tuple[str, ...] = ()
        if adoption.consent_at is not None and adoption.credited:
            people = [idea.author, *sorted(idea.co_authors.all(), key=lambda u: u.pk)]
            names = tuple(dict.fromkeys(u.public_name for u in people if u.is_active))
        rows.append(ProjectIdeaRow(adoption=adoption, idea=idea, credited_names=names))
    return rows


def results_overview() -> dict:
    """The public results page's context: jobs per track against targets, the number of projects with
    an adopted idea, the count per status and the project list."""
    projects = list(project_list_public())
    adopted = Project.objects.filter(Exists(ProjectIdea.objects.filter(project=OuterRef("pk")))).count()
    counts = project_status_counts()
    return {
        "track_jobs": jobs_by_track(),
        "adopted_count": adopted,
        "status_counts": [(label, counts[value]) for value, label in ProjectStatus.choices],
        "projects": projects,
    }


def projects_of_ideas(*, idea_ids) -> dict[int, list[ProjectIdea]]:
    """{idea id: its adoption records with their projects} for an idea page or 내 아이디어 (one query)."""
    out: dict[int, list[ProjectIdea]] = {}
    rows = ProjectIdea.objects.filter(idea_id__in=list(idea_ids)).select_related("project", "idea")
    for adoption in rows.order_by("created_at", "pk"):
        out.setdefault(adoption.idea_id, []).append(adoption)
    return out


# --- coordinators -------------------------------------------------------------------------------------

#: A project needs an update when its latest jobs figure (or its start, with none) is older than this,
#: or its status has not changed for `STALE_STATUS_AFTER` while it is not done.
JOBS_REPORT_EVERY = datetime.timedelta(days=90)
STALE_STATUS_AFTER = datetime.timedelta(days=180)


@dataclass(frozen=True)
class ProjectNeeds:
    project: Project
    needs: tuple[str, ...]


def coordinator_projects(*, user, today: datetime.date) -> list[ProjectNeeds]:
    """The projects `user` coordinates, each with what needs an update on `today` (Korean lines): no jobs
    figure in 90 days, a milestone overdue, the status unchanged for 180 days. Those needing something
    come first. Fixed number of queries."""
    from django.utils.translation import gettext as _

    projects = (
        _with_latest_jobs(Project.objects.filter(coordinator=user))
        .annotate(
            overdue_milestones=Count(
                "milestones", filter=Q(milestones__due_date__lt=today, milestones__done_at__isnull=True)
            )
        )
        .select_related("department", "track")
        .prefetch_related("children__children")
        .order_by("end_date", "pk")
    )
    out = []
    for project in projects:
        needs = []
        if project.status != ProjectStatus.DONE:
            last = project.latest_jobs_as_of
            if isinstance(last, str):  # SQLite returns the subquery's date as text
                last = datetime.date.fromisoformat(last)
            if last is None or today - last > JOBS_REPORT_EVERY:
                needs.append(_("90일 넘게 일자리 실적 보고가 없습니다."))
            if project.overdue_milestones:
                needs.append(_("기한이 지난 단계가 %(n)s개 있습니다.") % {"n": project.overdue_milestones})
            changed = (project.status_changed_at or project.created_at).date()
            if today - changed > STALE_STATUS_AFTER:
                needs.append(_("상태가 180일 넘게 바뀌지 않았습니다."))
        out.append(ProjectNeeds(project=project, needs=tuple(needs)))
    out.sort(key=lambda row: not row.needs)
    return out


@dataclass(frozen=True)
class CoordinatorMatch:
    """A coordinator suggested for a project: how well their expertise fits and their current load."""

    user: object
    profile: object
    score: int
    reasons: tuple[str, ...]
    load: int


def coordinator_suggestions(*, project: Project, limit: int = 5) -> list[CoordinatorMatch]:
    """Active coordinators ranked for `project`: +3 for its track, +2 for its district, +2 for its
    industry among their expertise, then fewer projects not done first. Only coordinators with at least
    one overlap are suggested. Fixed number of queries."""
    from django.utils.translation import gettext as _

    from core.roles import Role

    from .models import CoordinatorProfile

    profiles = (
        CoordinatorProfile.objects.filter(active=True, user__is_active=True, user__groups__name=Role.COORDINATOR)
        .select_related("user")
        .prefetch_related("tracks", "industries")
        .annotate(
            load=Count(
                "user__coordinated_projects",
                filter=~Q(user__coordinated_projects__status=ProjectStatus.DONE),
                distinct=True,
            )
        )
    )
    matches = []
    for profile in profiles:
        score, reasons = 0, []
        if project.track_id and project.track_id in {t.pk for t in profile.tracks.all()}:
            score += 3
            reasons.append(_("정책 트랙"))
        if project.district and project.district in (profile.districts or []):
            score += 2
            reasons.append(_("지역"))
        if project.industry_id and project.industry_id in {i.pk for i in profile.industries.all()}:
            score += 2
            reasons.append(_("업종"))
        if score:
            matches.append(
                CoordinatorMatch(
                    user=profile.user, profile=profile, score=score, reasons=tuple(reasons), load=profile.load
                )
            )
    matches.sort(key=lambda m: (-m.score, m.load, m.user.pk))
    return matches[:limit]
