from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ideas.admin_login import RateLimitedLoginView
from ideas_site.api import api

urlpatterns = [
    # Before Wagtail's own admin/login/: the same page with the site login's brute-force lock.
    path("admin/login/", RateLimitedLoginView.as_view(), name="admin-login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("grievances.open311")),
    path("review/", include("moderation.review.urls")),
    path("field/", include("grievances.urls")),
    path("forum/", include("forum.urls")),
    path("results/", include("results.urls")),
    path("", include("ideas.urls")),
    path("", include("moderation.urls")),
    path("", include("comments.urls")),
    path("", include("core.urls")),
]


def media_urlpatterns() -> list:
    """Development only: serve uploaded media (Wagtail images and documents) from MEDIA_ROOT, except
    citizens' uploads under `ideas/` and `grievances/`: those go only through the views that check who
    may see them (`ideas:idea-attachment`, `review:attachment`, `grievances:photo`), so
    `/media/ideas/...` and `/media/grievances/...` are 404s. In production
    nothing serves MEDIA_ROOT directly (see README, "Production")."""
    from django.views.static import serve

    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?!ideas/|grievances/)(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]


if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

# Korean error pages (JSON under /api/); a database or Redis outage answers 503, not 500.
handler400 = "ideas_site.errors.bad_request"
handler500 = "ideas_site.errors.server_error"
