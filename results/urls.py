from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/follow/", views.project_follow, name="project-follow"),
    path("adoptions/<int:pk>/", views.adoption_consent, name="adoption-consent"),
    path("me/projects/", views.coordinator_projects, name="coordinator-projects"),
    path("me/projects/<int:pk>/", views.project_update, name="project-update"),
    path("me/programmes/", views.programme_report, name="programme-report"),
]
