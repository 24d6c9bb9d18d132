"""Reviewer pages on the public site (/review/): the blind queue, the score sheet, conflicts and
attachments. Each view parses input, calls one selector or service, renders.

Anything not assigned to the signed-in reviewer answers 404, so ids reveal nothing.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import audit_context
from ideas.downloads import attachment_names, attachment_response
from ideas.models import Idea
from ideas.predicates import is_author
from ideas.selectors import idea_list_results

from . import selectors, services
from .forms import ConflictForm, ObjectionForm, ScoreSheetForm
from .predicates import objection_closes_on, objection_days, objection_window_open


def _reviewer_only(request) -> None:
    if not rules.has_perm("review.access_queue", request.user):
        raise PermissionDenied(_("심사위원만 볼 수 있습니다."))


def _assignment_or_404(request, pk: int):
    _reviewer_only(request)
    assignment = selectors.review_assignment_for(reviewer=request.user, assignment_id=pk)
    if assignment is None:
        raise Http404(_("배정된 아이디어를 찾을 수 없습니다."))
    return assignment


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def review_queue(request):
    _reviewer_only(request)
    return _no_store(render(request, "review/queue.html", {"items": selectors.review_queue_for(request.user)}))


@login_required
def review_entry(request, pk: int):
    assignment = _assignment_or_404(request, pk)
    can_score = rules.has_perm("review.score_entry", request.user, assignment)
    sheet = selectors.review_own_sheet(assignment=assignment)
    submitted = sheet is not None and sheet.status == "submitted"
    criteria = list(assignment.panel.criteria.all())
    form = ScoreSheetForm(request.POST or None, criteria=criteria, sheet=sheet, disabled=submitted or not can_score)
    status = 200
    if request.method == "POST":
        if not can_score or submitted:
            raise PermissionDenied(_("심사 기간이 끝났거나 이미 제출한 심사표입니다."))
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.review_score_save(
                    assignment=assignment,
                    reviewer=request.user,
                    values=form.values(),
                    comments=form.comments(),
                    comment=form.cleaned_data.get("comment") or "",
                    submit=submit,
                    context=audit_context(request),
                )
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    for field, errs in e.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, e)
            else:
                messages.success(request, _("심사표를 제출했습니다.") if submit else _("임시 저장했습니다."))
                return redirect("review:entry", pk=assignment.pk)
        status = 400
    context = {
        "entry": selectors.review_entry_blind(assignment),
        "form": form,
        "sheet_status": sheet.status if sheet else None,
        "submitted": submitted,
        "can_score": can_score and not submitted,
        "deadline": assignment.panel.contest.review_closes_at,
        "conflict_form": ConflictForm(),
        "can_flag_identifying": rules.has_perm("review.flag_identifying", request.user, assignment)
        and not hasattr(assignment, "identifying_flag"),
        "can_declare_conflict": rules.has_perm("review.declare_conflict", request.user, assignment) and not submitted,
    }
    return _no_store(render(request, "review/entry.html", context, status=status))


@login_required
@require_POST
def review_conflict(request, pk: int):
    assignment = _assignment_or_404(request, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("이해충돌 사유를 적어 주세요."))
        return redirect("review:entry", pk=assignment.pk)
    try:
        services.review_conflict_declare(
            assignment=assignment,
            reviewer=request.user,
            reason=form.cleaned_data["reason"],
            context=audit_context(request),
        )
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
        return redirect("review:entry", pk=assignment.pk)
    messages.success(request, _("이해충돌 신고를 접수했습니다. 이 아이디어는 다른 심사위원에게 넘어갑니다."))
    return redirect("review:queue")


@login_required
def review_attachment(request, pk: int, file_pk: int):
    """An attachment of an assigned entry, only to its reviewer (never straight from /media/)."""
    assignment = _assignment_or_404(request, pk)
    attachment = next((a for a in assignment.idea.attachments.all() if a.pk == file_pk), None)
    if attachment is None:
        raise Http404(_("파일을 찾을 수 없습니다."))
    name = attachment_names(idea=assignment.idea, user=request.user)[attachment.pk]
    return _no_store(attachment_response(attachment, filename=name))


@login_required
@require_POST
def review_identifying(request, pk: int):
    """The reviewer reports that the entry reveals its author ("식별 가능한 내용 신고")."""
    assignment = _assignment_or_404(request, pk)
    note = (request.POST.get("note") or "").strip()[:300]
    try:
        services.review_identifying_flag(
            assignment=assignment, reviewer=request.user, note=note, context=audit_context(request)
        )
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("신고했습니다. 모더레이터가 작성자를 알 수 있는 내용을 확인합니다."))
    return redirect("review:entry", pk=assignment.pk)


def contest_results(request, contest):
    """The contest's results page (its `results/` sub-page, plugged in by `wagtail_hooks`): the selected
    ideas and the panel's published ranking. The page answers 404 before the panel publishes."""
    context = {
        "page": contest,
        "contest": contest,
        "winners": idea_list_results(contest=contest),
        "review_results": selectors.review_results_public(contest=contest),
        "objection_figures": selectors.review_objection_figures(contest=contest),
        "my_objectable": selectors.review_objectable_entries(contest=contest, user=request.user),
    }
    return render(request, "ideas/contest_results.html", context)


@login_required
def review_objection(request, idea_pk: int):
    """The author's 이의신청 on one entry: the decision, the window with its closing date, the form
    (once, while the window is open) and staff's answer. Anyone but the author gets 403."""
    idea = get_object_or_404(Idea.objects.select_related("contest"), pk=idea_pk)
    # Asked of the predicate itself: a superuser passes every `has_perm`, but is not the author.
    if not is_author(request.user, idea):
        raise PermissionDenied(_("제안자 본인만 이의신청을 할 수 있습니다."))
    contest = idea.contest
    objection = selectors.review_objection_for(idea=idea)
    can_file = (
        objection is None
        and rules.has_perm("review.file_objection", request.user, idea)
        and objection_window_open(contest)
    )
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not rules.has_perm("review.file_objection", request.user, idea):
            raise PermissionDenied(_("결과가 공개된 아이디어에만 이의신청을 할 수 있습니다."))
        if form.is_valid():
            try:
                services.review_objection_file(
                    idea=idea, author=request.user, reason=form.cleaned_data["reason"], context=audit_context(request)
                )
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    for field, errs in e.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, e)
            else:
                messages.success(request, _("이의신청을 접수했습니다. 담당자가 검토한 뒤 답변합니다."))
                return redirect("review:objection", idea_pk=idea.pk)
        status = 400
        objection = selectors.review_objection_for(idea=idea)
        can_file = can_file or objection is None
    context = {
        "idea": idea,
        "contest": contest,
        "objection": objection,
        "form": form,
        "can_file": can_file,
        "results_published": objection_closes_on(contest) is not None,
        "closes_on": objection_closes_on(contest),
        "window_open": objection_window_open(contest),
        "days": objection_days(),
        "decision": getattr(idea, "review_decision", None),
    }
    return _no_store(render(request, "review/objection.html", context, status=status))
