"""The board's public URLs, mounted at /field/ (`ideas_site.urls`)."""

from django.urls import path

from . import views

app_name = "grievances"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.post_new, name="new"),
    path("drafts/<str:reference>/", views.post_new, name="draft"),
    path("me/", views.my_activity, name="my-activity"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/post/", views.receipt_post, name="receipt-post"),
    path("receipt/post/photos/<int:pk>/", views.receipt_photo, name="receipt-photo"),
    path("receipt/issued/", views.receipt_issued, name="receipt-issued"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/rate/", views.rate, name="rate"),
    path("<str:reference>/reanswer/", views.reanswer, name="reanswer"),
    path("<str:reference>/follow/", views.follow, name="follow"),
    path("<str:reference>/photos/<int:pk>/", views.photo, name="photo"),
]
