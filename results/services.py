"""Writing the results side: adopting selected ideas into projects, the author's consent, project updates
(status, progress, milestones, jobs figures) with their notifications, programme results.

Every function is keyword-only, takes the actor and an `AuditContext`, runs in one transaction, checks
the actor's right with the named rules (`results.rules`) and audits what it changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.follow import followers_of
from core.notify import notify
from ideas.choices import IdeaStatus
from ideas.models import Idea

from .choices import ProjectStatus
from .models import JobsReport, Milestone, ProgrammeResult, Project, ProjectIdea


def _require(perm: str, actor, obj=None, message: str = "") -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or _("이 작업을 할 권한이 없습니다."))


def _snapshot(project: Project) -> dict:
    return {
        "status": project.status,
        "progress": project.progress,
        "coordinator_id": project.coordinator_id,
        "department_id": project.department_id,
    }


# --- adoption and consent ---------------------------------------------------------------------------


@transaction.atomic
def project_adopt(
    *, idea: Idea, actor, context: AuditContext, project: Project | None = None, new_project: dict | None = None
) -> ProjectIdea:
    """Adopt (채택) a selected idea into `project`, or into a new project made from `new_project` (its
    fields; title defaults to the idea's public title). Asks the author for consent through a
    notification; until they accept, the project shows the idea without naming anyone. Returns the
    adoption record. Raises ValidationError (Korean) for an idea that is not selected or already adopted
    into this project."""
    _require("results.manage_projects", actor)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status != IdeaStatus.SELECTED:
        raise ValidationError(_("선정된 아이디어만 채택할 수 있습니다."))
    if project is None:
        fields = dict(new_project or {})
        fields.setdefault("title", idea.public_title[:150])
        fields.setdefault("summary", idea.summary_public or idea.summary)
        fields.setdefault("track", idea.track)
        fields.setdefault("district", idea.district)
        project = Project(**fields)
        project.full_clean()
        project.save()
        audit_record(actor=actor, action="project.create", target=project, after=_snapshot(project), context=context)
    try:
        with transaction.atomic():
            adoption = ProjectIdea.objects.create(project=project, idea=idea, adopted_by=actor)
    except IntegrityError:
        raise ValidationError(_("이 아이디어는 이미 이 사업에 채택되었습니다.")) from None
    audit_record(
        actor=actor,
        action="project.adopt",
        target=project,
        after={"idea": idea.reference, "project_id": project.pk},
        context=context,
    )
    notify(
        users=[idea.author],
        subject=_("제안하신 아이디어가 사업으로 채택되었습니다: %(title)s") % {"title": project.title},
        message=_(
            "아이디어 [%(reference)s]가 '%(project)s' 사업에 채택되었습니다. 사업 페이지에 제안자로 "
            "이름을 밝힐지 알려 주세요. 동의하시기 전에는 이름을 공개하지 않습니다."
        )
        % {"reference": idea.reference, "project": project.title},
        url=adoption_consent_url(adoption),
        target=idea,
    )
    return adoption


def adoption_consent_url(adoption: ProjectIdea) -> str:
    from django.urls import reverse

    return reverse("results:adoption-consent", kwargs={"pk": adoption.pk})


@transaction.atomic
def adoption_answer(*, adoption: ProjectIdea, user, accept: bool, credit: bool, context: AuditContext) -> ProjectIdea:
    """The idea's author answers the adoption: `accept` records their consent (and `credit` whether the
    project page names them and their co-authors); declining keeps the idea listed without names. Only
    the author may answer, and they may change their answer later."""
    adoption = ProjectIdea.objects.select_for_update().select_related("idea").get(pk=adoption.pk)
    _require("results.answer_adoption", user, adoption, _("아이디어를 제안한 분만 답할 수 있습니다."))
    now = timezone.now()
    before = {"consent_at": str(adoption.consent_at or ""), "credited": adoption.credited}
    if accept:
        adoption.consent_at, adoption.declined_at, adoption.credited = now, None, bool(credit)
    else:
        adoption.consent_at, adoption.declined_at, adoption.credited = None, now, False
    adoption.save(update_fields=["consent_at", "declined_at", "credited", "updated_at"])
    audit_record(
        actor=user,
        action="project.consent" if accept else "project.consent_decline",
        target=adoption.project,
        before=before,
        after={"idea": adoption.idea.reference, "consent": accept, "credited": adoption.credited},
        context=context,
    )
    return adoption


# --- updates and their notifications -------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectUpdate:
    """What a project update may change; None leaves a field as it is."""

    status: str | None = None
    progress: int | None = None
    milestones_done: tuple[int, ...] = ()
    jobs: int | None = None
    jobs_as_of: datetime.date | None = None
    jobs_source: str = ""


def _followers_and_authors(project: Project) -> list:
    """Followers of the project and of each of its ideas, and the ideas' authors (each once)."""
    people = list(followers_of(project))
    for adoption in project.adoptions.select_related("idea__author"):
        people.append(adoption.idea.author)
        people += followers_of(adoption.idea)
    return list({u.pk: u for u in people}.values())


def _announce(*, project: Project, changes: list[str]) -> int:
    if not changes:
        return 0
    return notify(
        users=_followers_and_authors(project),
        subject=_("사업 소식: %(title)s") % {"title": project.title},
        message="\n".join(changes),
        url=project.get_absolute_url(),
        target=project,
    )


@transaction.atomic
def project_update(*, project: Project, update: ProjectUpdate, actor, context: AuditContext) -> list[str]:
    """Apply `update` (status, progress, milestones reached, a new jobs figure) as the project's
    coordinator or staff. Notifies the followers of the project and of its ideas once, listing every
    change, when the status, progress or jobs figure changed. Returns the change lines (Korean)."""
    _require("results.update_project", actor, project, _("이 사업을 갱신할 권한이 없습니다."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = _snapshot(project)
    changes: list[str] = []
    errors: dict[str, str] = {}
    if update.status is not None and update.status != project.status:
        if update.status not in ProjectStatus.values:
            errors["status"] = _("알 수 없는 상태입니다.")
        else:
            project.status = update.status
            project.status_changed_at = timezone.now()
            changes.append(_("상태: %(status)s") % {"status": project.get_status_display()})
    if update.progress is not None and update.progress != project.progress:
        if not 0 <= update.progress <= 100:
            errors["progress"] = _("진척률은 0에서 100 사이로 적어 주세요.")
        else:
            project.progress = update.progress
            changes.append(_("진척률: %(progress)s%%") % {"progress": update.progress})
    if update.jobs is not None:
        jobs_errors = _jobs_errors(
            project=project, jobs=update.jobs, as_of=update.jobs_as_of, source=update.jobs_source
        )
        errors.update(jobs_errors)
    if errors:
        raise ValidationError(errors)
    if changes:
        project.save(update_fields=["status", "status_changed_at", "progress", "updated_at"])
    if update.milestones_done:
        today = timezone.localdate()
        count = Milestone.objects.filter(project=project, pk__in=update.milestones_done, done_at__isnull=True).update(
            done_at=today
        )
        if count:
            audit_record(
                actor=actor,
                action="project.milestone_done",
                target=project,
                after={"milestones": sorted(update.milestones_done)},
                context=context,
            )
    if update.jobs is not None:
        report = JobsReport.objects.create(
            project=project,
            jobs=update.jobs,
            as_of=update.jobs_as_of,
            source=" ".join(update.jobs_source.split()),
            reported_by=actor,
        )
        changes.append(
            _("창출 일자리: %(jobs)s개 (%(date)s 기준, 출처: %(source)s)")
            % {"jobs": report.jobs, "date": report.as_of.isoformat(), "source": report.source}
        )
    if changes:
        audit_record(
            actor=actor,
            action="project.update",
            target=project,
            before=before,
            after=_snapshot(project),
            note="\n".join(changes),
            context=context,
        )
    _announce(project=project, changes=changes)
    return changes


def _jobs_errors(*, project: Project, jobs, as_of, source: str) -> dict[str, str]:
    """Korean errors for a new jobs figure, {} when it may be saved."""
    errors = {}
    if jobs is None or jobs < 0:
        errors["jobs"] = _("일자리 수는 0 이상의 정수로 적어 주세요.")
    if as_of is None:
        errors["jobs_as_of"] = _("기준일을 적어 주세요.")
    elif as_of > timezone.localdate():
        errors["jobs_as_of"] = _("기준일은 오늘 이후일 수 없습니다.")
    elif project.pk and JobsReport.objects.filter(project=project, as_of=as_of).exists():
        errors["jobs_as_of"] = _("이 기준일의 실적이 이미 있습니다.")
    if not " ".join((source or "").split()):
        errors["jobs_source"] = _("실적의 출처를 적어 주세요.")
    return errors


@transaction.atomic
def coordinator_assign(*, project: Project, coordinator, actor, context: AuditContext) -> Project:
    """Staff confirm a coordinator for the project (a suggested match or another active coordinator)."""
    from core.roles import Role

    _require("results.manage_projects", actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if coordinator is not None and not (
        coordinator.is_active
        and coordinator.has_role(Role.COORDINATOR)
        and getattr(getattr(coordinator, "coordinator_profile", None), "active", False)
    ):
        raise ValidationError(_("활동 중인 일자리 창출코디네이터만 지정할 수 있습니다."))
    before = _snapshot(project)
    project.coordinator = coordinator
    project.save(update_fields=["coordinator", "updated_at"])
    audit_record(
        actor=actor,
        action="project.coordinator",
        target=project,
        before=before,
        after=_snapshot(project),
        context=context,
    )
    if coordinator is not None:
        notify(
            users=[coordinator],
            subject=_("담당 사업이 지정되었습니다: %(title)s") % {"title": project.title},
            message=_("일자리 창출코디네이터로 이 사업을 맡게 되었습니다. 내 프로젝트에서 진행 상황을 갱신해 주세요."),
            url=project.get_absolute_url(),
            target=project,
        )
    return project


# --- programme results ------------------------------------------------------------------------------


@transaction.atomic
def programme_result_report(
    *, programme, period_start, period_end, jobs: int, source: str, actor, context: AuditContext
) -> ProgrammeResult:
    """A department member (or staff) reports the jobs a programme of their department created in a
    period. Korean ValidationError for a bad period, negative jobs, or a period already reported."""
    _require("results.report_programme", actor, programme, _("이 사업의 실적을 보고할 권한이 없습니다."))
    errors = {}
    if jobs is None or jobs < 0:
        errors["jobs"] = _("일자리 수는 0 이상의 정수로 적어 주세요.")
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("기간의 끝이 시작보다 앞설 수 없습니다.")
    elif ProgrammeResult.objects.filter(programme=programme, period_start=period_start, period_end=period_end).exists():
        errors["period_start"] = _("이 기간의 실적이 이미 보고되었습니다.")
    if errors:
        raise ValidationError(errors)
    result = ProgrammeResult.objects.create(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        jobs=jobs,
        source=" ".join((source or "").split()),
        reported_by=actor,
    )
    audit_record(
        actor=actor,
        action="programme.result",
        target=programme,
        after={"period": f"{period_start}~{period_end}", "jobs": jobs},
        context=context,
    )
    return result


def project_state(project: Project) -> dict:
    """What followers are told about when it changes: status, progress and the latest jobs figure."""
    latest = project.jobs_reports.order_by("-as_of", "-id").first() if project.pk else None
    return {
        "status": project.status,
        "progress": project.progress,
        "jobs": (latest.jobs, latest.as_of, latest.source) if latest else None,
    }


@transaction.atomic
def project_saved_in_admin(*, project: Project, before: dict, actor, context: AuditContext) -> list[str]:
    """After staff saved a project in the admin (its fields, milestones and jobs figures inline): stamp a
    status change, audit, and notify followers once when the status, progress or jobs figure changed.
    Returns the change lines."""
    after = project_state(project)
    changes = []
    if after["status"] != before["status"]:
        Project.objects.filter(pk=project.pk).update(status_changed_at=timezone.now())
        changes.append(_("상태: %(status)s") % {"status": project.get_status_display()})
    if after["progress"] != before["progress"]:
        changes.append(_("진척률: %(progress)s%%") % {"progress": project.progress})
    if after["jobs"] != before["jobs"] and after["jobs"] is not None:
        jobs, as_of, source = after["jobs"]
        changes.append(
            _("창출 일자리: %(jobs)s개 (%(date)s 기준, 출처: %(source)s)")
            % {"jobs": jobs, "date": as_of.isoformat(), "source": source}
        )
    audit_record(
        actor=actor,
        action="project.admin_edit",
        target=project,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in after.items()},
        note="\n".join(changes),
        context=context,
    )
    _announce(project=project, changes=changes)
    return changes
