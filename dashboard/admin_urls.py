"""Admin URLs of the dashboard, mounted by `wagtail_hooks` under /admin/tf/."""

from django.urls import path

from . import admin_views

app_name = "dashboard"

urlpatterns = [
    path("", admin_views.DashboardView.as_view(), name="index"),
    path("export/<slug:key>.csv", admin_views.ExportView.as_view(), name="export"),
]
