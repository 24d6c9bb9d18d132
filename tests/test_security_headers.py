"""Browser policies: CSP without inline script on public pages, a looser one for the Wagtail admin,
Referrer-Policy and Permissions-Policy; the pages still render and carry no inline script."""

from html.parser import HTMLParser

import pytest

from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, site_admin

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects inline scripts (a <script> without src that is not JSON data) and on* attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"<script> {names}")
        self.found.extend(f"<{tag} {k}=...>" for k in names if k.startswith("on") or k == "style")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def test_public_pages_send_a_csp_without_inline_script_and_the_other_policies(client):
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    client.force_login(UserFactory())
    pages = ("/", contest.url, contest.url + "ideas/", contest.url + "submit/", idea.get_absolute_url(), "/me/ideas/")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = directives(response)
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], url
        assert (
            csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"] and csp["frame-ancestors"] == ["'self'"]
        )
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert InlineCode(response.content.decode()).found == [], url


def test_the_inline_code_finder_sees_inline_scripts_and_handlers():
    html = '<form onsubmit="x()"><script>alert(1)</script><script src="/a.js"></script><p title="onerror=1" style="">'
    assert InlineCode(html).found == ["<form onsubmit=...>", "<script> {}", "<p style=...>"]


def test_withdraw_confirmation_is_a_data_attribute_handled_by_a_static_script(client):
    idea = IdeaFactory(contest=make_contest("submission"))
    client.force_login(idea.author)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert 'data-confirm="정말 철회할까요?' in html
    assert "/static/js/site.js" in html


def test_error_pages_carry_the_policies_too(client):
    response = client.get("/ideas/no-such-idea/")
    assert response.status_code == 404
    assert directives(response)["script-src"] == ["'self'"]


def test_admin_pages_render_under_their_own_policy(client):
    IdeaFactory(contest=make_contest("submission"))
    client.force_login(site_admin())
    for url in ("/admin/", "/admin/snippets/ideas/idea/", "/admin/users/", "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = directives(response)
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert csp["object-src"] == ["'none'"]


def test_api_docs_serve_swagger_from_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "/static/ninja/swagger-ui-bundle.js" in html
