"""Comment and follow endpoints; the comments themselves are shown on their target's page."""

from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/<str:key>/<int:pk>/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("follow/<str:key>/<int:pk>/", views.follow_toggle, name="follow"),
]
