"""Uploaded attachments never leave through a static /media/ route, even in development."""

import pytest
from django.urls import URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from ideas_site.urls import media_urlpatterns


def _resolver():
    return URLResolver(RegexPattern(r"^/"), media_urlpatterns())


@pytest.mark.parametrize(
    "path", ["/media/ideas/attachments/2026/12/plan.pdf", "/media/ideas/attachments/2026/12/polyglot.svg"]
)
def test_the_dev_media_route_does_not_serve_idea_attachments(path):
    with pytest.raises(Resolver404):
        _resolver().resolve(path)


def test_the_dev_media_route_still_serves_cms_images(tmp_path, settings, rf):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "original_images").mkdir()
    (tmp_path / "original_images" / "logo.png").write_bytes(b"\\x89PNG")
    match = _resolver().resolve("/media/original_images/logo.png")
    response = match.func(rf.get("/media/original_images/logo.png"), *match.args, **match.kwargs)
    assert response.status_code == 200
