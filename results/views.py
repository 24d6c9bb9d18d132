"""Site views of the results side: a project's public page and following it, the author's answer to an
adoption, a coordinator's projects and their update form, a department's programme report. Each parses
input, calls one service or selector, renders."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.follow import follow, is_following, unfollow
from core.http import audit_context
from grievances.membership import department_ids_of

from . import selectors, services
from .forms import AdoptionAnswerForm, ProgrammeReportForm, ProjectUpdateForm
from .models import Programme, ProgrammeResult, Project, ProjectIdea


def _apply_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.error_dict.items():
            target = name if name in form.fields else None
            form.add_error(target, errs)
    else:
        form.add_error(None, error)


def project_detail(request, pk: int):
    project = selectors.project_get_public(pk=pk)
    if project is None:
        raise Http404(_("사업을 찾을 수 없습니다."))
    return render(
        request,
        "results/project_detail.html",
        {
            "project": project,
            "ideas": selectors.project_idea_rows(project),
            "today": timezone.localdate(),
            "following": is_following(user=request.user, target=project),
            "can_follow": rules.has_perm("results.follow_project", request.user),
            "can_update": rules.has_perm("results.update_project", request.user, project),
            "can_manage": rules.has_perm("results.manage_projects", request.user),
        },
    )


@login_required
@require_POST
def project_follow(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    if not rules.has_perm("results.follow_project", request.user):
        raise PermissionDenied(_("팔로우할 수 없습니다."))
    if request.POST.get("action") == "unfollow":
        unfollow(user=request.user, target=project)
        messages.success(request, _("팔로우를 그만두었습니다."))
    else:
        follow(user=request.user, target=project)
        messages.success(request, _("팔로우합니다. 사업 소식을 알림으로 알려 드립니다."))
    return redirect(project.get_absolute_url())


@login_required
def adoption_consent(request, pk: int):
    """The idea's author sees the adoption and answers: consent, and whether to be named."""
    adoption = get_object_or_404(ProjectIdea.objects.select_related("idea", "project"), pk=pk)
    if not rules.has_perm("results.answer_adoption", request.user, adoption):
        raise PermissionDenied(_("아이디어를 제안한 분만 답할 수 있습니다."))
    initial = {"answer": "accept", "credit": True}
    if adoption.declined_at:
        initial = {"answer": "decline", "credit": False}
    elif adoption.consent_at:
        initial = {"answer": "accept", "credit": adoption.credited}
    form = AdoptionAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        services.adoption_answer(
            adoption=adoption,
            user=request.user,
            accept=accept,
            credit=form.cleaned_data["credit"],
            context=audit_context(request),
        )
        messages.success(
            request,
            _("동의해 주셔서 감사합니다.") if accept else _("답을 기록했습니다. 사업 페이지에 이름을 밝히지 않습니다."),
        )
        return redirect(adoption.project.get_absolute_url())
    return render(request, "results/adoption_consent.html", {"adoption": adoption, "form": form})


@login_required
def coordinator_projects(request):
    if not rules.has_perm("results.view_coordinator_projects", request.user):
        raise PermissionDenied(_("일자리 창출코디네이터만 볼 수 있습니다."))
    rows = selectors.coordinator_projects(user=request.user, today=timezone.localdate())
    return render(request, "results/coordinator_projects.html", {"rows": rows})


@login_required
def project_update(request, pk: int):
    project = get_object_or_404(Project.objects.prefetch_related("milestones"), pk=pk)
    if not rules.has_perm("results.update_project", request.user, project):
        raise PermissionDenied(_("이 사업을 갱신할 권한이 없습니다."))
    form = ProjectUpdateForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        update = services.ProjectUpdate(
            status=d["status"],
            progress=d["progress"],
            milestones_done=tuple(int(pk) for pk in d.get("milestones_done") or ()),
            jobs=d.get("jobs"),
            jobs_as_of=d.get("jobs_as_of"),
            jobs_source=d.get("jobs_source") or "",
        )
        try:
            services.project_update(project=project, update=update, actor=request.user, context=audit_context(request))
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("사업 현황을 갱신했습니다."))
            return redirect(project.get_absolute_url())
    return render(request, "results/project_update.html", {"project": project, "form": form})


def _reportable_programmes(user):
    if rules.has_perm("results.manage_projects", user):
        return Programme.objects.filter(active=True)
    return Programme.objects.filter(active=True, department_id__in=department_ids_of(user))


@login_required
def programme_report(request):
    """A department member reports their department's programmes' results (staff: any programme)."""
    if not rules.has_perm("results.report_programmes", request.user):
        raise PermissionDenied(_("부서원만 실적을 보고할 수 있습니다."))
    programmes = _reportable_programmes(request.user).select_related("track")
    form = ProgrammeReportForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.programme_result_report(
                programme=d["programme"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                jobs=d["jobs"],
                source=d["source"],
                actor=request.user,
                context=audit_context(request),
            )
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("실적을 보고했습니다."))
            return redirect("results:programme-report")
    recent = (
        ProgrammeResult.objects.filter(programme__in=programmes)
        .select_related("programme")
        .order_by("-period_start", "programme__name")[:20]
    )
    return render(request, "results/programme_report.html", {"form": form, "recent": recent, "programmes": programmes})
