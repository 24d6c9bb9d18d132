"""The triage screen in the Wagtail admin: URLs under /admin/triage/ and the menu item
"아이디어 분류(트리아지)" shown to moderators, reviewers and site admins."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.menu import RuleMenuItem

from . import views

admin_urls = (
    [
        path("", views.TriageView.as_view(), name="index"),
        path("duplicates/", views.DuplicatesView.as_view(), name="duplicates"),
        path("ideas/<int:pk>/track/", views.IdeaTrackView.as_view(), name="track"),
        path("ideas/<int:pk>/tags/accept/", views.TagActionView.as_view(kind="accept"), name="tag-accept"),
        path("ideas/<int:pk>/tags/remove/", views.TagActionView.as_view(kind="remove"), name="tag-remove"),
        path("bulk/", views.BulkView.as_view(), name="bulk"),
        path("refit/", views.RefitView.as_view(), name="refit"),
    ],
    "nlp_triage",
)


@hooks.register("register_admin_urls")
def register_triage_urls():
    return [path("triage/", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def register_triage_menu_item():
    return RuleMenuItem(
        _("아이디어 분류(트리아지)"),
        reverse("nlp_triage:index"),
        name="nlp-triage",
        icon_name="tag",
        order=240,
        rule=views.VIEW_PERM,
    )
