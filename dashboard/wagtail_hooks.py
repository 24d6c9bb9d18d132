"""The dashboard in the Wagtail admin: its URLs under /admin/tf/, the "TF 성과관리" menu item (shown to
whoever holds `dashboard.view_dashboard`), and that permission in the group editor (기타 권한)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .admin_views import PERMISSION


@hooks.register("register_admin_urls")
def register_dashboard_admin_urls():
    return [path("tf/", include((admin_urls.urlpatterns, "dashboard"), namespace="dashboard"))]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        _("TF 성과관리"), reverse("dashboard:index"), name="tf-dashboard", icon_name="table", order=205
    )


@hooks.register("register_permissions")
def register_dashboard_permission():
    return Permission.objects.filter(content_type__app_label="dashboard", codename="view_dashboard")
