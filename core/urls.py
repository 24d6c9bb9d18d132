"""The user's notifications and the unsubscribe links of notification e-mails."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.notification_list, name="list"),
    path("me/notifications/read/", views.notification_read, name="read"),
    path("me/notifications/<int:pk>/", views.notification_open, name="open"),
    path("me/notifications/settings/", views.notification_settings, name="settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
