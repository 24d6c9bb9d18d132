"""Reading the results side: jobs against each track's target, late projects, the public lists.

Aggregates read the small tables (programme results, each project's latest jobs report), never one row
per idea; every function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from ideas.models import PolicyTrack

from .choices import ProjectStatus
from .models import JobsReport, Milestone, ProgrammeResult, Project


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
