"""Admin URLs of the results side, mounted by `wagtail_hooks` under /admin/results/."""

from django.urls import path

from . import admin_views

app_name = "results_admin"

urlpatterns = [
    path("adopt/", admin_views.AdoptView.as_view(), name="adopt"),
    path("import/projects/", admin_views.ProjectsImportView.as_view(), name="import-projects"),
    path("import/programmes/", admin_views.ProgrammesImportView.as_view(), name="import-programmes"),
    path("export/projects.csv", admin_views.ProjectsExportView.as_view(), name="export-projects"),
    path("projects/<int:pk>/coordinator/", admin_views.CoordinatorMatchView.as_view(), name="coordinator-match"),
]
