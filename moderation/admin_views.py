"""Moderators' views inside the Wagtail admin: the screening queue, one case, reports.

Each view parses input, calls one selector or service, renders. Access: the rules
`moderation.view_queue` / `moderation.view_reports` (moderators and site admins).
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.http import audit_context

from . import selectors, services
from .forms import DecisionForm, QueueFilterForm, ReportResolveForm


class ModerationAdminView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    raise_exception = True  # anonymous users never get here: Wagtail's admin login comes first
    permission_required = "moderation.view_queue"
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return []


class ScreeningQueueView(ModerationAdminView):
    template_name = "moderation/admin/queue.html"
    page_title = gettext_lazy("사전 검토 대기열")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QueueFilterForm(self.request.GET or None)
        values = form.values() if self.request.GET else {}
        context["filter_form"] = form
        context["cases"] = selectors.screening_queue(filters=selectors.QueueFilters(**values))
        return context


class ScreeningCaseView(ModerationAdminView):
    """One submission with its findings and the four decisions. GET shows only masked text; POST
    `action=reveal` with a `purpose` shows the original text to staff allowed to see personal data
    and writes an access record (`services.personal_data_reveal`)."""

    template_name = "moderation/admin/case.html"
    page_title = gettext_lazy("제출물 검토")

    def get_case(self):
        case = selectors.screening_case_get(pk=self.kwargs["pk"])
        if case is None or case.item is None:
            raise Http404(_("검토 건을 찾을 수 없습니다."))
        return case

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = kwargs.get("case") or self.get_case()
        context.update(
            case=case,
            item=case.item,
            public_texts=_public_texts(case.item),
            form=kwargs.get("form") or DecisionForm(initial={"merge_into": _first_duplicate(case)}),
            history=selectors.screening_history_for(item=case.item),
            can_view_personal_data=rules.has_perm("ideas.view_personal_data", self.request.user, case.item),
        )
        return context

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        item = case.item
        if request.POST.get("action") == "reveal":
            try:
                originals = services.personal_data_reveal(
                    item=item,
                    actor=request.user,
                    purpose=request.POST.get("purpose", ""),
                    context=audit_context(request),
                )
            except ValidationError as e:
                for msg in e.messages:
                    messages.error(request, msg)
                return self.render_to_response(self.get_context_data(case=case, reveal_error=True), status=400)
            return self.render_to_response(self.get_context_data(case=case, originals=originals))
        form = DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _decide(request, item, d)
            except ValidationError as e:
                for msg in e.messages:
                    messages.error(request, msg)
                if getattr(e, "code", None) == "conflict":
                    return redirect("moderation_admin:queue")
            else:
                messages.success(request, _("처리했습니다."))
                return redirect("moderation_admin:queue")
        return self.render_to_response(self.get_context_data(case=case, form=form), status=400)


def _decide(request, item, d) -> None:
    action, note, actor = d["action"], d.get("note") or "", request.user
    if action == "approve":
        services.screening_approve(item=item, actor=actor, note=note, context=audit_context(request))
    elif action == "reject":
        services.screening_reject(item=item, actor=actor, reason=d["reason"], note=note, context=audit_context(request))
    elif action == "request_changes":
        services.screening_request_changes(item=item, actor=actor, note=note, context=audit_context(request))
    elif action == "merge":
        into = type(item)._default_manager.filter(pk=d["merge_into"]).first()
        if into is None:
            raise ValidationError(_("병합할 원본을 찾을 수 없습니다."))
        services.screening_merge(item=item, into=into, actor=actor, note=note, context=audit_context(request))


def _public_texts(item) -> list[tuple[str, str]]:
    from .items import adapter_for

    adapter = adapter_for(item)
    out = []
    for field in adapter.text_fields(item):
        name = adapter.public_field(item, field) or field
        label = type(item)._meta.get_field(field).verbose_name
        out.append((label, getattr(item, name) or ""))
    return out


def _first_duplicate(case) -> int | None:
    for f in case.findings.all():
        if f.related_object_id:
            return f.related_object_id
    return None


class ReportListView(ModerationAdminView):
    permission_required = "moderation.view_reports"
    template_name = "moderation/admin/reports.html"
    page_title = gettext_lazy("신고 처리")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.report_list_grouped()
        context["bursts"] = selectors.report_bursts_recent()
        return context


class ReportDetailView(ModerationAdminView):
    permission_required = "moderation.view_reports"
    template_name = "moderation/admin/report_detail.html"
    page_title = gettext_lazy("신고된 글")

    def get_group(self):
        ct = ContentType.objects.filter(pk=self.kwargs["content_type_id"]).first()
        group = ct and selectors.report_group_get(content_type_id=ct.pk, object_id=self.kwargs["object_id"])
        if not group:
            raise Http404(_("처리할 신고가 없습니다."))
        return group

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = kwargs.get("group") or self.get_group()
        context.update(
            group=group,
            item=group.item,
            public_texts=_public_texts(group.item),
            form=kwargs.get("form") or ReportResolveForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not rules.has_perm("moderation.resolve_report", request.user):
            raise PermissionDenied
        group = self.get_group()
        form = ReportResolveForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_resolve(
                    item=group.item,
                    actor=request.user,
                    decision=d["decision"],
                    reason=d.get("reason") or "",
                    note=d.get("note") or "",
                    context=audit_context(request),
                )
            except ValidationError as e:
                for msg in e.messages:
                    messages.error(request, msg)
            else:
                messages.success(request, _("신고를 처리했습니다."))
                return redirect("moderation_admin:reports")
        return self.render_to_response(self.get_context_data(group=group, form=form), status=400)


def admin_case_url(case) -> str:
    return reverse("moderation_admin:case", kwargs={"pk": case.pk})
