"""The results side in the Wagtail admin, under one "성과 관리" menu: adopted projects (milestones and jobs
figures inline), the city's programmes and their results, coordinators (grant/revoke, audited), the
adoption screen, the imports. And the hooks that show projects on an idea's page and in 내 아이디어."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from core.http import audit_context
from core.menu import RuleMenuItem
from ideas.choices import District

from . import admin_urls, selectors, services
from .coordinators import coordinator_revoke, coordinator_save
from .models import CoordinatorProfile, Programme, ProgrammeResult, Project, ProjectIdea

MENU_HOOK = "register_results_menu_item"


class ProjectEditView(EditView):
    """Saving in the admin audits the change and tells followers when status, progress or jobs changed."""

    def save_instance(self):
        before = services.project_state(Project.objects.get(pk=self.object.pk))
        instance = super().save_instance()
        services.project_saved_in_admin(
            project=instance, before=before, actor=self.request.user, context=audit_context(self.request)
        )
        return instance


class ProjectViewSet(SnippetViewSet):
    model = Project
    icon = "tasks"
    menu_label = _("채택 사업")
    list_display = ["title", "status", "progress", "department", "coordinator", "end_date"]
    list_filter = ["status", "track", "department"]
    search_fields = ["title", "summary"]
    edit_view_class = ProjectEditView

    def get_queryset(self, request):
        return Project.objects.select_related("department", "coordinator")


class ProjectIdeaViewSet(SnippetViewSet):
    model = ProjectIdea
    icon = "pick"
    menu_label = _("아이디어 채택 기록")
    list_display = ["idea", "project", "consent_at", "credited", "created_at"]
    list_filter = ["credited"]
    panels = [FieldPanel("project", read_only=True), FieldPanel("idea", read_only=True)]
    add_to_admin_menu = False

    def get_queryset(self, request):
        return ProjectIdea.objects.select_related("idea", "project")


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "list-ul"
    menu_label = _("시 일자리 사업")
    list_display = ["name", "track", "department", "active"]
    list_filter = ["track", "department", "active"]
    search_fields = ["name"]


class ProgrammeResultViewSet(SnippetViewSet):
    model = ProgrammeResult
    icon = "table"
    menu_label = _("시 일자리 사업 실적")
    list_display = ["programme", "period_start", "period_end", "jobs", "source"]
    list_filter = ["programme__track", "programme"]

    def get_queryset(self, request):
        return ProgrammeResult.objects.select_related("programme")


class CoordinatorProfileForm(WagtailAdminModelForm):
    districts = forms.MultipleChoiceField(
        label=_("담당 지역"), choices=District.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class CoordinatorCreateView(CreateView):
    def save_instance(self):
        return coordinator_save(
            profile=self.form.instance,
            tracks=self.form.cleaned_data.get("tracks", []),
            industries=self.form.cleaned_data.get("industries", []),
            actor=self.request.user,
            context=audit_context(self.request),
        )


class CoordinatorEditView(EditView):
    def save_instance(self):
        return coordinator_save(
            profile=self.form.instance,
            tracks=self.form.cleaned_data.get("tracks", []),
            industries=self.form.cleaned_data.get("industries", []),
            actor=self.request.user,
            context=audit_context(self.request),
        )


class CoordinatorDeleteView(DeleteView):
    def delete_action(self):
        coordinator_revoke(profile=self.object, actor=self.request.user, context=audit_context(self.request))


class CoordinatorProfileViewSet(SnippetViewSet):
    """Saving an active row grants its user the coordinator role; deactivating or deleting takes it away
    (`results.coordinators`, audited)."""

    model = CoordinatorProfile
    icon = "user"
    menu_label = _("일자리 창출코디네이터")
    list_display = ["user", "affiliation", "active", "created_at"]
    list_filter = ["active", "tracks"]
    search_fields = ["user__email", "user__display_name", "affiliation"]
    add_view_class = CoordinatorCreateView
    edit_view_class = CoordinatorEditView
    delete_view_class = CoordinatorDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("user"),
            FieldPanel("affiliation"),
            FieldPanel("tracks", widget=forms.CheckboxSelectMultiple),
            FieldPanel("industries", widget=forms.CheckboxSelectMultiple),
            FieldPanel("districts"),
            FieldPanel("active"),
        ],
        base_form_class=CoordinatorProfileForm,
    )

    def get_queryset(self, request):
        return CoordinatorProfile.objects.select_related("user")


class ResultsGroup(SnippetViewSetGroup):
    menu_label = _("성과 관리")
    menu_name = "results"
    menu_icon = "tasks"
    menu_order = 220
    submenu_hook = MENU_HOOK
    items = (ProjectViewSet, ProjectIdeaViewSet, ProgrammeViewSet, ProgrammeResultViewSet, CoordinatorProfileViewSet)


register_snippet(ResultsGroup)


@hooks.register("register_admin_urls")
def register_results_admin_urls():
    return [path("results/", include((admin_urls.urlpatterns, "results_admin"), namespace="results_admin"))]


@hooks.register(MENU_HOOK)
def register_adopt_menu_item():
    return RuleMenuItem(
        _("아이디어 채택"),
        reverse("results_admin:adopt"),
        name="results-adopt",
        icon_name="pick",
        order=0,
        rule="results.manage_projects",
    )


@hooks.register(MENU_HOOK)
def register_projects_import_menu_item():
    return RuleMenuItem(
        _("사업 현황 가져오기"),
        reverse("results_admin:import-projects"),
        name="results-import",
        icon_name="upload",
        order=1,
        rule="results.manage_projects",
    )


@hooks.register(MENU_HOOK)
def register_programmes_import_menu_item():
    return RuleMenuItem(
        _("사업 실적 가져오기"),
        reverse("results_admin:import-programmes"),
        name="results-import-programmes",
        icon_name="upload",
        order=2,
        rule="results.manage_projects",
    )


@hooks.register("results_page_context")
def results_page_context(request, page) -> dict:
    """The public results page's figures and project list."""
    return selectors.results_overview()


@hooks.register("idea_detail_panels")
def idea_projects_panel(request, idea) -> str:
    """On an idea's page: the projects it was adopted into, with their status and progress."""
    adoptions = selectors.projects_of_ideas(idea_ids=[idea.pk]).get(idea.pk, [])
    if not adoptions:
        return ""
    return render_to_string("results/includes/idea_projects.html", {"adoptions": adoptions}, request=request)


@hooks.register("my_ideas_panels")
def my_idea_projects_panel(request, ideas) -> str:
    """In 내 아이디어: the author's ideas adopted into projects, and the adoptions waiting for their answer."""
    found = selectors.projects_of_ideas(idea_ids=[i.pk for i in ideas])
    adoptions = [a for rows in found.values() for a in rows]
    if not adoptions:
        return ""
    return render_to_string("results/includes/my_idea_projects.html", {"adoptions": adoptions}, request=request)
