"""Test URLconf: the site's URLs with the reviewer pages mounted at /review/ (as production will)."""

from django.urls import include, path

from ideas_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("review/", include("moderation.review.urls")), *site_urlpatterns]
