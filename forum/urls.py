from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("topics/<str:topic_id>/opinions/", views.opinion_create, name="opinion-create"),
    path("topics/<str:topic_id>/follow/", views.topic_follow, name="topic-follow"),
    path("topics/<str:topic_id>/meeting/signup/", views.meeting_signup, name="meeting-signup"),
    path("topics/<str:topic_id>/meeting/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("topics/<str:topic_id>/summary/build/", views.summary_build, name="summary-build"),
    path("topics/<str:topic_id>/summary/publish/", views.summary_publish, name="summary-publish"),
    path("topics/<str:topic_id>/opinions.<str:fmt>", views.opinions_download, name="opinions-export"),
    path("opinions/<str:opinion_id>/reply/", views.opinion_reply, name="opinion-reply"),
    path("opinions/<str:opinion_id>/edit/", views.opinion_edit, name="opinion-edit"),
    path("opinions/<str:opinion_id>/delete/", views.opinion_delete, name="opinion-delete"),
    path("opinions/<str:opinion_id>/support/", views.opinion_support, name="opinion-support"),
]
