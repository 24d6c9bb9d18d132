"""Staff side of the review panel in the Wagtail admin: panels (rubric + members inline) and
conflict declarations as snippets, and the progress/ranking pages with a menu item."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.audit import audit_record
from core.http import audit_context
from core.menu import RuleMenuItem

from . import admin_views, views
from .models import ConflictDeclaration, ReviewPanel


class ReviewPanelViewSet(SnippetViewSet):
    model = ReviewPanel
    icon = "group"
    menu_label = _("심사위원단과 평가 기준")
    list_display = ["contest", "reviewers_per_entry", "ranking_method", "assigned_at", "results_published_at"]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return ReviewPanel.objects.select_related("contest")


class ConflictViewSet(SnippetViewSet):
    model = ConflictDeclaration
    icon = "warning"
    menu_label = _("이해충돌 신고")
    list_display = ["reviewer", Column("panel", label=_("심사위원단")), "person", "organisation", "idea", "created_at"]
    ordering = ["-created_at"]
    panels = [
        FieldPanel("panel"),
        FieldPanel("reviewer"),
        FieldPanel("person"),
        FieldPanel("organisation"),
        FieldPanel("idea"),
        FieldPanel("reason"),
    ]


class ReviewGroup(SnippetViewSetGroup):
    menu_label = _("심사")
    menu_icon = "tasks"
    menu_order = 300
    items = (ReviewPanelViewSet, ConflictViewSet)


register_snippet(ReviewGroup)


def _audit_snippet(action):
    def hook(request, instance):
        if isinstance(instance, ReviewPanel | ConflictDeclaration):
            after = {}
            if isinstance(instance, ReviewPanel):
                after = {
                    "criteria": [{"name": c.name, "weight": c.weight} for c in instance.criteria.all()],
                    "members": [m.reviewer_id for m in instance.members.all()],
                    "reviewers_per_entry": instance.reviewers_per_entry,
                    "ranking_method": instance.ranking_method,
                }
            audit_record(
                actor=request.user,
                action=f"review.{action}",
                target=instance,
                after=after,
                context=audit_context(request),
            )

    return hook


hooks.register("after_create_snippet", _audit_snippet("snippet_create"))
hooks.register("after_edit_snippet", _audit_snippet("snippet_edit"))


@hooks.register("after_delete_snippet")
def _audit_snippet_delete(request, instances):
    for instance in instances:
        if isinstance(instance, ReviewPanel | ConflictDeclaration):
            audit_record(
                actor=request.user, action="review.snippet_delete", note=str(instance), context=audit_context(request)
            )


admin_urls = (
    [
        path("", admin_views.panel_index, name="index"),
        path("<int:pk>/", admin_views.panel_detail, name="panel"),
        path("<int:pk>/assign/", admin_views.panel_assign, name="assign"),
        path("<int:pk>/assignments/add/", admin_views.assignment_add, name="assignment-add"),
        path(
            "<int:pk>/assignments/<int:assignment_pk>/remove/", admin_views.assignment_remove, name="assignment-remove"
        ),
        path("<int:pk>/decide/<int:idea_pk>/", admin_views.decide, name="decide"),
        path("<int:pk>/publish/", admin_views.publish, name="publish"),
        path("objections/", admin_views.objection_index, name="objections"),
        path("objections/<int:pk>/", admin_views.objection_detail, name="objection"),
        path("<int:pk>/export/<str:kind>.<str:fmt>", admin_views.export, name="export"),
    ],
    "review_admin",
)


@hooks.register("register_admin_urls")
def register_review_admin_urls():
    return [path("review-panels/", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return RuleMenuItem(
        _("심사 진행·결과"), reverse("review_admin:index"), icon_name="table", order=310, rule="review.manage_panel"
    )


@hooks.register("register_admin_menu_item")
def register_objection_menu_item():
    return RuleMenuItem(
        _("이의신청"), reverse("review_admin:objections"), icon_name="help", order=320, rule="review.manage_panel"
    )


@hooks.register("contest_subpages")
def contest_results_subpage() -> dict:
    return {"results": views.contest_results}
