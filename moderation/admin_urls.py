"""Admin URLs of moderation, mounted by `wagtail_hooks` under /admin/moderation/."""

from django.urls import path

from . import admin_views

app_name = "moderation_admin"

urlpatterns = [
    path("", admin_views.ScreeningQueueView.as_view(), name="queue"),
    path("cases/<int:pk>/", admin_views.ScreeningCaseView.as_view(), name="case"),
    path("reports/", admin_views.ReportListView.as_view(), name="reports"),
    path(
        "reports/<int:content_type_id>/<int:object_id>/",
        admin_views.ReportDetailView.as_view(),
        name="report-detail",
    ),
]
