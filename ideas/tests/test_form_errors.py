"""Every form of the public site reports errors the same way: an error summary first (an alert that
takes focus, a link to each field), and each field's aria-describedby names ids that exist."""

from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress

from ideas.tests.factories import IdeaFactory, UserFactory, home_page, make_contest

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []
        self.summaries: list[dict] = []
        self.summary_links: list[str] = []
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("aria-describedby"):
            self.described.append((a.get("id") or tag, a["aria-describedby"]))
        if "data-error-summary" in a:
            self.summaries.append(a)
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        elif self._in_summary and tag == "a":
            self.summary_links.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def _check(html: str, *, links_to: set[str] = frozenset()) -> _Page:
    page = _Page()
    page.feed(html)
    for element, ids in page.described:
        missing = [i for i in ids.split() if i not in page.ids]
        assert not missing, f"{element} aria-describedby names missing ids {missing}"
    assert page.summaries, "no error summary"
    summary = page.summaries[0]
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, href
    assert {h[1:] for h in page.summary_links} >= set(links_to)
    return page


def test_idea_form_errors_are_summarised_and_described(client):
    contest = make_contest("submission")
    user = UserFactory()
    client.force_login(user)
    response = client.post(f"{contest.url}submit/", {"title": "", "summary": "x" * 301})
    assert response.status_code == 400
    _check(response.content.decode(), links_to={"id_title", "id_summary", "id_body", "id_district"})


def test_idea_edit_errors_are_summarised_and_described(client):
    idea = IdeaFactory(contest=make_contest("submission"))
    client.force_login(idea.author)
    response = client.post(f"{idea.get_absolute_url()}edit/", {"title": "", "body": "내용"})
    assert response.status_code == 400
    _check(response.content.decode(), links_to={"id_title", "id_summary"})


def test_signup_and_login_errors_are_summarised_and_described(client):
    home_page()
    signup = client.post("/accounts/signup/", {"email": "not-an-email", "display_name": "시민"})
    _check(signup.content.decode(), links_to={"id_email", "id_password1", "id_privacy_consent"})
    user = UserFactory(email="known@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login = client.post("/accounts/login/", {"login": "known@example.com", "password": "틀린-비밀번호"})
    page = _check(login.content.decode())
    assert "id_login" in page.ids and "id_password" in page.ids
    reset = client.post("/accounts/password/reset/", {"email": ""})
    _check(reset.content.decode(), links_to={"id_email"})


def test_withdrawal_errors_are_summarised_and_described(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/me/withdraw/", {"password": "틀림"})
    assert response.status_code == 400
    _check(response.content.decode(), links_to={"id_password"})


def test_a_refused_report_comes_back_as_a_focusable_alert(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = client.post(
        f"/reports/ideas.idea/{idea.pk}/", {"next": idea.get_absolute_url(), "reason": ""}, follow=True
    )
    page = _check(response.content.decode())
    assert page.summaries
    assert "신고 사유를 골라 주세요" in response.content.decode()
