"""The department inbox and a post's page in the Wagtail admin, the dashboard figures and the exports.

Each view parses input, calls one selector or service, renders. Access: `grievances.view_inbox` (a
department's members, moderators, site admins; anyone else is sent back by Wagtail with a message, as
every admin screen does). A department member's scope is their departments' posts: another department's
post is a 404. What a user may do on a post is the services' rules (`grievances.answer_grievance`,
`grievances.route_grievance`, `grievances.merge_grievance`); the page only offers the forms it allows.
"""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.audit import audit_record
from core.http import audit_context, parse_id
from core.roles import user_is_moderation_staff
from moderation.services import personal_data_reveal

from . import admin_forms as f
from . import (
    admin_rules,  # noqa: F401 - registers the rules used here
    exports,
    services,
    stats,
)
from .choices import GrievanceStatus
from .inbox import (
    answer_templates_for,
    inbox_departments,
    inbox_list,
    inbox_post_get,
    inbox_rows,
    staff_scope,
)
from .models import AnswerTemplate, Grievance
from .referrals import referral_inbox_list

PER_PAGE = 50


class InboxAdminView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    raise_exception = True  # Wagtail turns it into a redirect with a message; anonymous users meet its login first
    permission_required = "grievances.view_inbox"
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return []


def _filter_form(request) -> f.InboxFilterForm:
    return f.InboxFilterForm(
        request.GET or None,
        departments=inbox_departments(user=request.user),
        can_see_unassigned=user_is_moderation_staff(request.user),
    )


def _query(request, **drop) -> str:
    params = {k: v for k, v in request.GET.items() if k not in drop and k != "page"}
    return urlencode(params)


class InboxView(InboxAdminView):
    """My departments' open posts, overdue first, with the working days left; moderators and site admins
    see every department's and may assign several at once."""

    template_name = "grievances/admin/inbox.html"
    page_title = gettext_lazy("부서 처리함")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _filter_form(self.request)
        now = timezone.now()
        paginator = Paginator(inbox_list(user=self.request.user, filters=form.filters(), now=now), PER_PAGE)
        page = paginator.get_page(parse_id(self.request.GET.get("page")) or 1)
        context.update(
            filter_form=form,
            page_obj=page,
            rows=inbox_rows(page.object_list, now=now),
            query=_query(self.request),
            can_route=rules.has_perm("grievances.route_grievance", self.request.user),
            bulk_form=f.BulkAssignForm(),
            # 상시 제안 ideas referred to the user's departments, beside the field posts.
            referral_rows=referral_inbox_list(user=self.request.user),
        )
        return context


class BulkAssignView(PermissionRequiredMixin, View):
    """Moderators and site admins assign the selected posts to one department (`grievance_bulk_assign`)."""

    raise_exception = True
    permission_required = "grievances.route_grievance"
    http_method_names = ["post"]

    def post(self, request):
        ids = [pk for pk in map(parse_id, request.POST.getlist("posts")) if pk is not None]
        in_scope = list(staff_scope(user=request.user).filter(pk__in=ids).values_list("pk", flat=True))
        data = {"department": request.POST.get("department", ""), "posts": [str(pk) for pk in ids]}
        form = f.BulkAssignForm(data, post_ids=in_scope)
        back = reverse("grievances_admin:inbox")
        query = request.POST.get("query", "")
        if query:
            back += "?" + urlencode(dict(_parse_qs(query)))
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(back)
        d = form.cleaned_data
        posts = Grievance.objects.filter(pk__in=d["posts"]).order_by("pk")
        done = services.grievance_bulk_assign(
            grievances=posts, department=d["department"], actor=request.user, context=audit_context(request)
        )
        skipped = len(d["posts"]) - done
        messages.success(request, _("%(n)d건을 %(dept)s에 배정했습니다.") % {"n": done, "dept": d["department"].name})
        if skipped:
            messages.warning(request, _("이미 닫힌 글 %(n)d건은 건너뛰었습니다.") % {"n": skipped})
        return redirect(back)


def _parse_qs(query: str):
    from urllib.parse import parse_qsl

    return [(k, v) for k, v in parse_qsl(query[:1000]) if k in {"department", "kind", "status", "overdue"}]


#: The actions of a post's page: form, service call, success message.
def _route(request, post, d):
    services.grievance_assign(
        grievance=post,
        department=d["department"],
        track=d.get("track"),
        actor=request.user,
        context=audit_context(request),
    )
    return _("배정했습니다: %(dept)s") % {"dept": d["department"].name}


def _start(request, post, d):
    services.grievance_start(grievance=post, actor=request.user, context=audit_context(request))
    return _("처리를 시작했습니다.")


def _interim(request, post, d):
    services.grievance_interim(grievance=post, message=d["message"], actor=request.user, context=audit_context(request))
    return _("중간 답변을 등록했습니다.")


def _extend(request, post, d):
    services.grievance_extend(
        grievance=post, days=d["days"], reason=d["reason"], actor=request.user, context=audit_context(request)
    )
    return _("처리 기간을 연장했습니다.")


def _transfer(request, post, d):
    services.grievance_transfer(
        grievance=post,
        department=d["department"],
        reason=d["reason"],
        actor=request.user,
        context=audit_context(request),
    )
    return _("%(dept)s(으)로 이관했습니다.") % {"dept": d["department"].name}


def _hand_over(request, post, d):
    services.grievance_hand_over(
        grievance=post, agency=d["agency"], reason=d["reason"], actor=request.user, context=audit_context(request)
    )
    return _("%(agency)s(으)로 이송했습니다.") % {"agency": d["agency"]}


def _answer(request, post, d):
    services.grievance_answer(grievance=post, answer=d["answer"], actor=request.user, context=audit_context(request))
    return _("답변을 등록했습니다.")


def _merge(request, post, d):
    services.grievance_merge(
        grievance=post, into=d["into"], reason=d["reason"], actor=request.user, context=audit_context(request)
    )
    return _("%(ref)s 글에 병합했습니다.") % {"ref": d["into"].reference}


ACTIONS = {
    "route": (f.RouteForm, _route),
    "start": (None, _start),
    "interim": (f.InterimForm, _interim),
    "extend": (f.ExtendForm, _extend),
    "transfer": (f.TransferForm, _transfer),
    "hand_over": (f.HandOverForm, _hand_over),
    "answer": (f.AnswerForm, _answer),
    "merge": (f.MergeForm, _merge),
}


def _service_error(form, error: ValidationError) -> None:
    if form is not None and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif form is not None:
        form.add_error(None, error)


class PostView(InboxAdminView):
    """One post: masked texts (the original only through the logged personal-data reveal, for staff
    allowed to see it), its history, and the action forms the user may use."""

    template_name = "grievances/admin/post.html"
    page_title = gettext_lazy("현장 건의 처리")

    def get_post(self) -> Grievance:
        post = inbox_post_get(user=self.request.user, reference=self.kwargs["reference"])
        if post is None:
            raise Http404(_("처리함에서 이 글을 찾을 수 없습니다."))
        return post

    def _forms(self, post, bound: dict) -> dict:
        template = AnswerTemplate.objects.filter(pk=parse_id(self.request.GET.get("template"))).first()
        initial = {
            "route": {
                "department": post.department_id or post.suggested_department_id,
                "track": post.track_id or post.suggested_track_id,
            },
            "answer": {"answer": template.body} if template else {},
        }
        return {
            name: bound.get(name) or form_class(initial=initial.get(name, {}), prefix=name)
            for name, (form_class, _handler) in ACTIONS.items()
            if form_class is not None
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = kwargs.get("post") or self.get_post()
        user = self.request.user
        now = timezone.now()
        row = inbox_rows([post], now=now)[0]
        context.update(
            post=post,
            row=row,
            events=list(post.events.all()),
            forms=self._forms(post, kwargs.get("bound", {})),
            templates=list(answer_templates_for(grievance=post)),
            can_route=post.is_open and rules.has_perm("grievances.route_grievance", user, post),
            can_answer=rules.has_perm("grievances.answer_grievance", user, post),
            can_merge=rules.has_perm("grievances.merge_grievance", user, post),
            can_view_personal_data=rules.has_perm("ideas.view_personal_data", user, post),
            originals=kwargs.get("originals"),
            is_in_progress=post.status == GrievanceStatus.IN_PROGRESS,
            reveal_error=kwargs.get("reveal_error", False),
        )
        return context

    def post(self, request, *args, **kwargs):
        post = self.get_post()
        action = request.POST.get("action", "")
        if action == "reveal":
            try:
                originals = personal_data_reveal(
                    item=post,
                    actor=request.user,
                    purpose=request.POST.get("purpose", ""),
                    context=audit_context(request),
                )
            except ValidationError as e:
                for message in e.messages:
                    messages.error(request, message)
                return self.render_to_response(self.get_context_data(post=post, reveal_error=True), status=400)
            return self.render_to_response(self.get_context_data(post=post, originals=originals))
        if action not in ACTIONS:
            messages.error(request, _("알 수 없는 처리입니다. 화면을 새로 고쳐 다시 해 주세요."))
            return self.render_to_response(self.get_context_data(post=post), status=400)
        form_class, handler = ACTIONS[action]
        form = form_class(request.POST, prefix=action) if form_class is not None else None
        if form is None or form.is_valid():
            try:
                message = handler(request, post, form.cleaned_data if form is not None else {})
            except ValidationError as e:
                _service_error(form, e)
                for m in e.messages if form is None else ():
                    messages.error(request, m)
            else:
                messages.success(request, message)
                return redirect("grievances_admin:post", reference=post.reference)
        fresh = self.get_post()
        return self.render_to_response(
            self.get_context_data(post=fresh, bound={action: form} if form is not None else {}), status=400
        )


class DashboardView(InboxAdminView):
    """The figures of the user's scope (every department for moderators and site admins)."""

    template_name = "grievances/admin/dashboard.html"
    page_title = gettext_lazy("현장 건의 현황")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = stats.grievance_dashboard(queryset=staff_scope(user=self.request.user))
        return context


class ExportView(PermissionRequiredMixin, View):
    """The filtered inbox as CSV (UTF-8 with BOM) or XLSX: masked texts only; the export is audited."""

    raise_exception = True
    permission_required = "grievances.view_inbox"
    http_method_names = ["get"]

    def get(self, request, fmt: str):
        if fmt not in exports.FORMATS:
            raise Http404(_("지원하지 않는 형식입니다."))
        form = _filter_form(request)
        filters = form.filters()
        now = timezone.now()
        posts = list(inbox_list(user=request.user, filters=filters, now=now)[: exports.MAX_ROWS])
        content, content_type, filename = exports.inbox_export(inbox_rows(posts, now=now), fmt=fmt, now=now)
        audit_record(
            actor=request.user,
            action="grievance.export",
            after={"format": fmt, "rows": len(posts), "filters": _query(request)},
            context=audit_context(request),
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
