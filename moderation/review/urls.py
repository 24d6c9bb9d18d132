"""Reviewer pages. Include at the site root: path("review/", include("moderation.review.urls"))."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("a/<int:pk>/", views.review_entry, name="entry"),
    path("a/<int:pk>/conflict/", views.review_conflict, name="conflict"),
    path("a/<int:pk>/identifying/", views.review_identifying, name="identifying"),
    path("objection/<int:idea_pk>/", views.review_objection, name="objection"),
    path("a/<int:pk>/files/<int:file_pk>/", views.review_attachment, name="attachment"),
]
