"""The staff side of the 현장 기동대 board in the Wagtail admin, under one "현장 기동대" menu: the data
staff manage (departments with their members and tracks, partner organisations, field workers, industries,
public holidays, answer templates, the answer periods), the department inbox and the dashboard figures."""

from __future__ import annotations

import rules
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.contrib.settings.registry import SettingMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from core.http import audit_context
from core.menu import RuleMenuItem

from . import (
    admin_rules,  # noqa: F401 - registers the inbox rules and department members' admin access
    admin_urls,
)
from .inbox import staff_scope
from .models import AnswerTemplate, Department, FieldWorker, GrievanceSettings, Holiday, Industry, Organisation
from .staffing import field_worker_delete, field_worker_save
from .stats import grievance_open_summary

#: Other menu items of the "현장 기동대" group (the inbox, the dashboard, the answer periods) register here.
MENU_HOOK = "register_grievances_menu_item"


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("담당 부서")
    list_display = ["name", "agency", "email", "is_active", "sort_order"]
    list_filter = ["is_active", "agency"]
    search_fields = ["name", "agency", "email"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("협력 기관")
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


class FieldWorkerCreateView(CreateView):
    def save_instance(self):
        return field_worker_save(
            worker=self.form.instance, actor=self.request.user, context=audit_context(self.request)
        )


class FieldWorkerEditView(EditView):
    def save_instance(self):
        return field_worker_save(
            worker=self.form.instance, actor=self.request.user, context=audit_context(self.request)
        )


class FieldWorkerDeleteView(DeleteView):
    def delete_action(self):
        field_worker_delete(worker=self.object, actor=self.request.user, context=audit_context(self.request))


class FieldWorkerViewSet(SnippetViewSet):
    """Saving a row grants its user the field-worker role; deactivating or deleting it takes it away
    (`grievances.staffing`)."""

    model = FieldWorker
    icon = "user"
    menu_label = _("현장 기동대원")
    list_display = ["user", "organisation", "is_active", "created_at"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    add_view_class = FieldWorkerCreateView
    edit_view_class = FieldWorkerEditView
    delete_view_class = FieldWorkerDeleteView

    def get_queryset(self, request):
        return FieldWorker.objects.select_related("user", "organisation")


class IndustryViewSet(SnippetViewSet):
    model = Industry
    icon = "tag"
    menu_label = _("업종")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class HolidayViewSet(SnippetViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("공휴일")
    list_display = ["date", "name"]
    search_fields = ["name"]
    ordering = ["-date"]


class AnswerTemplateViewSet(SnippetViewSet):
    model = AnswerTemplate
    icon = "doc-full"
    menu_label = _("답변 서식")
    list_display = ["title", "department", "updated_at"]
    list_filter = ["department"]
    search_fields = ["title", "body"]


class FieldGroup(SnippetViewSetGroup):
    menu_label = _("현장 기동대")
    menu_name = "grievances"
    menu_icon = "group"
    menu_order = 210
    submenu_hook = MENU_HOOK
    items = (
        DepartmentViewSet,
        OrganisationViewSet,
        FieldWorkerViewSet,
        IndustryViewSet,
        HolidayViewSet,
        AnswerTemplateViewSet,
    )


register_snippet(FieldGroup)


@hooks.register("register_admin_urls")
def register_grievance_admin_urls():
    return [path("field/", include((admin_urls.urlpatterns, "grievances_admin"), namespace="grievances_admin"))]


@hooks.register(MENU_HOOK)
def register_inbox_menu_item():
    return RuleMenuItem(
        _("부서 처리함"),
        reverse("grievances_admin:inbox"),
        name="grievance-inbox",
        icon_name="tasks",
        order=0,
        rule="grievances.view_inbox",
    )


@hooks.register(MENU_HOOK)
def register_dashboard_menu_item():
    return RuleMenuItem(
        _("현황"),
        reverse("grievances_admin:dashboard"),
        name="grievance-dashboard",
        icon_name="table",
        order=1,
        rule="grievances.view_inbox",
    )


@hooks.register(MENU_HOOK)
def register_answer_periods_menu_item():
    return SettingMenuItem(GrievanceSettings, icon="date", name="grievance-settings", order=100)


class InboxPanel(Component):
    """The admin home's summary for the inbox's users: open and overdue posts of their scope, one query."""

    name = "grievance_inbox"
    template_name = "grievances/admin/home_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["summary"] = grievance_open_summary(queryset=staff_scope(user=self.user))
        return context


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels):
    if rules.has_perm("grievances.view_inbox", request.user):
        panels.append(InboxPanel(request.user))


@hooks.register("idea_detail_panels")
def idea_field_posts_panel(request, idea) -> str:
    """On an idea's page: the public field posts the NLP links to it (the difficulties it answers)."""
    from django.template.loader import render_to_string

    from .selectors import idea_linked_grievances

    posts = idea_linked_grievances(idea)
    if not posts:
        return ""
    return render_to_string("grievances/includes/idea_field_posts.html", {"posts": posts}, request=request)


@hooks.register("idea_detail_panels")
def idea_referral_answers_panel(request, idea) -> str:
    """On a 상시 제안 idea's page: the departments' official answers (masked), and a note while one is
    awaited."""
    from django.template.loader import render_to_string

    from .referrals import referral_answers_for, referral_open_for

    answers = referral_answers_for(idea=idea)
    waiting = referral_open_for(idea=idea)
    if not answers and waiting is None:
        return ""
    return render_to_string(
        "grievances/includes/idea_referral_answers.html", {"answers": answers, "waiting": waiting}, request=request
    )


@hooks.register("register_snippet_listing_buttons")
def refer_idea_listing_button(snippet, user, next_url=None):
    """On the admin's idea list: "부서에 답변 요청" for a 상시 제안 idea, for staff allowed to refer."""
    from ideas.models import Idea

    if isinstance(snippet, Idea) and rules.has_perm("grievances.refer_idea", user, snippet):
        from wagtail.admin.widgets import ListingButton

        yield ListingButton(
            _("부서에 답변 요청"),
            reverse("grievances_admin:refer-idea", args=[snippet.reference]),
            icon_name="mail",
            priority=50,
        )
