"""Staff pages in the Wagtail admin (/admin/review-panels/): progress, assignment, ranking,
decisions, publishing results and exports. Moderators and site admins only; reviewers never reach
them (they would see others' scores)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.http import audit_context
from ideas.models import Idea, User

from . import exports, selectors, services
from .choices import ObjectionOutcome, Tier
from .forms import AssignForm, AssignmentAddForm, DecisionForm, ObjectionAnswerForm
from .models import Assignment, Objection, ReviewPanel


def _staff_only(request) -> None:
    if not rules.has_perm("review.manage_panel", request.user):
        raise PermissionDenied(_("심사 관리 권한이 없습니다."))


def _panel(request, pk: int) -> ReviewPanel:
    _staff_only(request)
    return get_object_or_404(ReviewPanel.objects.select_related("contest"), pk=pk)


def _errors(e: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(e, "messages", None) or [str(e)])


def panel_index(request):
    _staff_only(request)
    panels = ReviewPanel.objects.select_related("contest").order_by("-contest__review_closes_at")
    return render(request, "review/admin/index.html", {"panels": panels})


def panel_detail(request, pk: int):
    panel = _panel(request, pk)
    method = request.GET.get("method") if request.GET.get("method") in ("raw", "normalised") else None
    ranking = selectors.review_ranking(panel.contest, method=method)
    return render(
        request,
        "review/admin/panel.html",
        {
            "panel": panel,
            "progress": selectors.review_progress(panel=panel),
            "ranking": ranking,
            "assign_form": AssignForm(),
            "add_form": AssignmentAddForm(),
            "tiers": Tier.choices,
            "can_decide": rules.has_perm("review.decide", request.user, panel),
            "can_publish": rules.has_perm("review.publish_results", request.user, panel),
        },
    )


@require_POST
def panel_assign(request, pk: int):
    panel = _panel(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            result = services.review_assign(
                contest=panel.contest,
                actor=request.user,
                seed=form.cleaned_data.get("seed"),
                context=audit_context(request),
            )
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, _errors(e))
        else:
            messages.success(request, _("배정했습니다(시드 %(seed)s).") % {"seed": result.seed})
    return redirect("review_admin:panel", pk=panel.pk)


@require_POST
def assignment_remove(request, pk: int, assignment_pk: int):
    panel = _panel(request, pk)
    assignment = get_object_or_404(Assignment, pk=assignment_pk, panel=panel)
    try:
        services.review_assignment_remove(assignment=assignment, actor=request.user, context=audit_context(request))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, _("배정을 해제했습니다."))
    return redirect("review_admin:panel", pk=panel.pk)


@require_POST
def assignment_add(request, pk: int):
    panel = _panel(request, pk)
    form = AssignmentAddForm(request.POST)
    if form.is_valid():
        idea = get_object_or_404(Idea, pk=form.cleaned_data["idea"], contest=panel.contest)
        reviewer = get_object_or_404(User, pk=form.cleaned_data["reviewer"])
        try:
            services.review_assignment_add(
                idea=idea, reviewer=reviewer, actor=request.user, context=audit_context(request)
            )
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, _errors(e))
        else:
            messages.success(request, _("배정했습니다."))
    return redirect("review_admin:panel", pk=panel.pk)


@require_POST
def decide(request, pk: int, idea_pk: int):
    panel = _panel(request, pk)
    idea = get_object_or_404(Idea, pk=idea_pk, contest=panel.contest)
    form = DecisionForm(request.POST, prefix=f"d{idea.pk}")
    if form.is_valid():
        try:
            services.review_decide(
                idea=idea,
                tier=form.cleaned_data["tier"],
                public_answer=form.cleaned_data["public_answer"],
                actor=request.user,
                context=audit_context(request),
            )
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, _errors(e))
        else:
            messages.success(request, _("결정을 저장했습니다."))
    return redirect("review_admin:panel", pk=panel.pk)


@require_POST
def publish(request, pk: int):
    panel = _panel(request, pk)
    try:
        n = services.review_results_publish(contest=panel.contest, actor=request.user, context=audit_context(request))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, _("결과를 공개했습니다(%(n)d건). 제안자에게 메일을 보냅니다.") % {"n": n})
    return redirect("review_admin:panel", pk=panel.pk)


def export(request, pk: int, kind: str, fmt: str):
    panel = _panel(request, pk)
    if not rules.has_perm("review.export_scores", request.user):
        raise PermissionDenied
    if kind not in ("scores", "ranking") or fmt not in ("csv", "xlsx"):
        raise Http404
    ranking = selectors.review_ranking(panel.contest)
    content, content_type, name = exports.export(ranking, kind=kind, fmt=fmt)
    audit_record(
        actor=request.user,
        action="review.export",
        target=panel,
        after={"kind": kind, "format": fmt},
        context=audit_context(request),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def objection_index(request):
    """Every objection (이의신청), newest first, filterable by outcome."""
    _staff_only(request)
    outcome = request.GET.get("outcome") or None
    return render(
        request,
        "review/admin/objections.html",
        {
            "objections": selectors.review_objection_list(outcome=outcome),
            "outcomes": ObjectionOutcome.choices,
            "current": outcome if outcome in ObjectionOutcome.values else "",
        },
    )


def objection_detail(request, pk: int):
    """One objection with the entry's decision, and the answer form while it waits."""
    _staff_only(request)
    objection = get_object_or_404(Objection.objects.select_related("idea__contest", "author", "answered_by"), pk=pk)
    form = ObjectionAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_objection_answer(
                    objection=objection,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    answer=form.cleaned_data["answer"],
                    tier=form.cleaned_data["tier"],
                    context=audit_context(request),
                )
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    for field, errs in e.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, e)
            else:
                messages.success(request, _("이의신청에 답변했습니다. 신청인에게 알렸습니다."))
                return redirect("review_admin:objection", pk=objection.pk)
        status = 400
    return render(request, "review/admin/objection.html", {"objection": objection, "form": form}, status=status)
