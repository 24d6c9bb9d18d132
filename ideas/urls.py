from django.urls import path

from . import invitation_views, views

app_name = "ideas"

urlpatterns = [
    path("ideas/similar/", views.similar_while_writing, name="similar-while-writing"),
    path("ideas/<str:reference>/", views.idea_detail, name="idea-detail"),
    path("ideas/<str:reference>/edit/", views.idea_edit, name="idea-edit"),
    path("ideas/<str:reference>/withdraw/", views.idea_withdraw, name="idea-withdraw"),
    path("ideas/<str:reference>/support/", views.idea_support, name="idea-support"),
    path("ideas/<str:reference>/attachments/<int:pk>/", views.idea_attachment, name="idea-attachment"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path("me/ideas/", views.my_ideas, name="my-ideas"),
    path("me/invitations/<int:pk>/", invitation_views.invitation_answer, name="invitation"),
    path("me/withdraw/", views.account_withdraw, name="account-withdraw"),
]
