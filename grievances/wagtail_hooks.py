"""The staff side of the 현장 기동대 board in the Wagtail admin, under one "현장 기동대" menu: the data
staff manage (departments with their members and tracks, partner organisations, field workers, industries,
public holidays, answer templates, the answer periods), the department inbox and the dashboard figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from core.http import audit_context

from . import admin_rules  # noqa: F401 - registers the inbox rules and department members' admin access
from .models import AnswerTemplate, Department, FieldWorker, Holiday, Industry, Organisation
from .staffing import field_worker_delete, field_worker_save

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
