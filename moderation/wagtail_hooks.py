"""Moderation in the Wagtail admin: the screening queue, reports and the audit trail, under one
"검토" menu shown to moderators and site admins."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.menu import RuleMenuItem, RuleSubmenuMenuItem
from core.models import AuditEntry

from . import admin_urls
from .audit_admin import AuditEntryViewSet, AuditPermissionPolicy
from .models import AllowedContactNumber

register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))
audit_viewset = AuditEntryViewSet()


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("moderation/", include((admin_urls.urlpatterns, "moderation_admin"), namespace="moderation_admin"))]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return audit_viewset


moderation_menu = Menu(
    items=[
        RuleMenuItem(
            _("사전 검토 대기열"),
            reverse_lazy("moderation_admin:queue"),
            name="moderation-queue",
            icon_name="tasks",
            order=100,
            rule="moderation.view_queue",
        ),
        RuleMenuItem(
            _("신고 처리"),
            reverse_lazy("moderation_admin:reports"),
            name="moderation-reports",
            icon_name="warning",
            order=200,
            rule="moderation.view_reports",
        ),
        RuleMenuItem(
            _("감사 기록"),
            reverse_lazy("audit:index"),
            name="moderation-audit",
            icon_name="history",
            order=300,
            rule="moderation.view_auditentry",
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_moderation_menu():
    return RuleSubmenuMenuItem(
        _("검토"), moderation_menu, name="moderation", icon_name="warning", order=250, rule="moderation.view_queue"
    )


class AllowedContactNumberViewSet(SnippetViewSet):
    """The city's contact numbers official answers may show unmasked (staff manage the list)."""

    model = AllowedContactNumber
    icon = "mobile-alt"
    menu_label = _("공개 허용 대표번호")
    list_display = ["number", "is_prefix", "label", "created_at"]
    search_fields = ["number", "label"]


register_snippet(AllowedContactNumberViewSet)
