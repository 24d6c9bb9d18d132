"""The account e-mails as allauth really sends them: every link alone on its line (a Korean particle
never sticks to it), followed in the test client it works; the greeting names the site, not the host."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from ideas.tests.factories import UserFactory, home_page

pytestmark = pytest.mark.django_db

URL_LINE = re.compile(r"^https?://\S+$")


def _links(body: str) -> list[str]:
    """Every URL in the mail; each must be the whole of its line."""
    lines = [line.strip() for line in body.splitlines() if "http://" in line or "https://" in line]
    for line in lines:
        assert URL_LINE.match(line), f"a link shares its line with text: {line!r}"
    return lines


def _assert_names_the_site(body: str) -> None:
    assert "일사천리" in body.splitlines()[0]
    assert "testserver" not in body.replace("http://testserver/", "")


def _signup(client, email: str):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "한강-공원-2026!",
            "password2": "한강-공원-2026!",
            "display_name": "새시민",
            "privacy_consent": "on",
        },
    )


def test_verification_mail_link_works_and_greets_with_the_site_name(client):
    home_page()
    _signup(client, "new.citizen@example.com")
    message = mail.outbox[-1]
    _assert_names_the_site(message.body)
    (link,) = [u for u in _links(message.body) if "/accounts/confirm-email/" in u]
    page = client.get(link)
    assert page.status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="new.citizen@example.com").verified


def test_every_other_account_mail_puts_its_link_on_its_own_line(client):
    home_page()
    user = UserFactory(email="known@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "known@example.com"})  # password reset key
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})  # unknown account
    _signup(client, "known@example.com")  # account already exists
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        _assert_names_the_site(message.body)
        links = _links(message.body)
        assert links, message.body
        for link in links:
            assert client.get(link, follow=True).status_code == 200, link
