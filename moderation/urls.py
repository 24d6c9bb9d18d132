"""Public-facing moderation URLs (reports); staff work happens in the Wagtail admin."""

app_name = "moderation"

urlpatterns: list = []
