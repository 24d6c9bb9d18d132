"""Admin URLs of the board, mounted by `wagtail_hooks` under /admin/field/."""

from django.urls import path

from . import admin_views, referral_views

app_name = "grievances_admin"

urlpatterns = [
    path("", admin_views.InboxView.as_view(), name="inbox"),
    path("assign/", admin_views.BulkAssignView.as_view(), name="bulk-assign"),
    path("dashboard/", admin_views.DashboardView.as_view(), name="dashboard"),
    path("export.<str:fmt>", admin_views.ExportView.as_view(), name="export"),
    path("posts/<str:reference>/", admin_views.PostView.as_view(), name="post"),
    path("ideas/<str:reference>/refer/", referral_views.ReferIdeaView.as_view(), name="refer-idea"),
    path("referrals/<int:pk>/", referral_views.ReferralView.as_view(), name="referral"),
]
