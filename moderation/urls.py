"""Public-facing moderation URLs (reports); staff work happens in the Wagtail admin."""

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("reports/<str:model_label>/<int:pk>/", views.report_create, name="report-create"),
]
