"""Limits in front of the public site: the client address behind proxies, similar-idea look-ups,
and the brute-force lock on both logins."""

import pytest
from django.test import RequestFactory, override_settings

from core.http import client_ip

from .factories import IdeaFactory

pytestmark = pytest.mark.django_db

SIMILAR = "/ideas/similar/"
DRAFT = {"title": "빈 상가를 청년 창업 공간으로", "body": "구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다."}


def _request(remote="10.0.0.2", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


# ---- client address --------------------------------------------------------------------------


def test_without_trusted_proxies_the_client_is_remote_addr_and_forwarded_for_is_ignored():
    assert client_ip(_request("198.51.100.4", xff="1.2.3.4")) == "198.51.100.4"


@override_settings(IDEAS_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_last_forwarded_address_not_one_the_client_wrote():
    assert client_ip(_request(xff="198.51.100.4")) == "198.51.100.4"
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended what it saw.
    assert client_ip(_request(xff="1.2.3.4, 198.51.100.4")) == "198.51.100.4"


@override_settings(IDEAS_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_the_second_address_from_the_right():
    assert client_ip(_request(xff="6.6.6.6, 198.51.100.4, 10.0.0.9")) == "198.51.100.4"


@override_settings(IDEAS_TRUSTED_PROXY_COUNT=2)
def test_a_shorter_or_garbled_chain_falls_back_to_remote_addr():
    assert client_ip(_request("10.0.0.2", xff="198.51.100.4")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2", xff="<script>, 10.0.0.9")) == "10.0.0.2"


@override_settings(IDEAS_TRUSTED_PROXY_COUNT=1, MODERATION_SUBMISSION_QUOTAS={"user": (100, 3600), "ip": (1, 3600)})
def test_clients_behind_the_proxy_have_their_own_submission_budget(client):
    from moderation.tests.factories import make_contest
    from moderation.tests.test_quotas import form

    from .factories import UserFactory

    contest = make_contest("submission")
    url = contest.url + "submit/"
    client.force_login(UserFactory())
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post(url, form(contest, 0), HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy).status_code == 302
    client.force_login(UserFactory())
    assert client.post(url, form(contest, 1), HTTP_X_FORWARDED_FOR="198.51.100.5", **proxy).status_code == 302
    # A forged left-hand entry does not buy a fresh budget.
    client.force_login(UserFactory())
    forged = "203.0.113.99, 198.51.100.4"
    assert client.post(url, form(contest, 2), HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


@override_settings(IDEAS_TRUSTED_PROXY_COUNT=1)
def test_the_audit_trail_and_allauth_see_the_same_client_address():
    from allauth.account.adapter import get_adapter

    request = _request(xff="1.2.3.4, 198.51.100.4")
    assert get_adapter().get_client_ip(request) == "198.51.100.4"


# ---- similar ideas while writing ---------------------------------------------------------------


@override_settings(IDEAS_SIMILAR_LIMITS={"ip": (3, 60)})
def test_similar_ideas_are_limited_per_address_with_a_korean_json_answer(client):
    for _n in range(3):
        assert client.get(SIMILAR, DRAFT, REMOTE_ADDR="198.51.100.4").status_code == 200
    response = client.get(SIMILAR, DRAFT, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "너무 자주" in response.json()["detail"]
    assert client.get(SIMILAR, DRAFT, REMOTE_ADDR="198.51.100.5").status_code == 200


def test_similar_ideas_answer_an_empty_list_when_analysis_is_unavailable(client, settings):
    IdeaFactory()
    settings.IDEAS_NLP_ANALYZER = "없는-분석기"  # the analyser cannot be built: no index
    response = client.get(SIMILAR, DRAFT)
    assert response.status_code == 200
    assert response.json() == {"results": [], "unavailable": True}


# ---- brute force on the logins -----------------------------------------------------------------

LOCKED = "여러 번 실패"
RATES = {"login_failed": "10/m/ip,5/5m/key"}


@pytest.fixture
def admin_user():
    from .factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def _site_login(client, email, password, ip="198.51.100.4"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _admin_login(client, username, password, ip="198.51.100.4"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@override_settings(ACCOUNT_RATE_LIMITS=RATES)
def test_site_login_locks_an_account_after_five_failures_with_a_korean_message(client, admin_user):
    for n in range(5):
        assert LOCKED not in _site_login(client, admin_user.email, f"틀린-{n}", ip=f"198.51.100.{n}").content.decode()
    response = _site_login(client, admin_user.email, "비밀번호-1234", ip="198.51.100.77")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account is locked on the admin login too, even with the right password.
    response = _admin_login(client, admin_user.username, "비밀번호-1234", ip="198.51.100.78")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS=RATES)
def test_admin_login_locks_an_account_after_five_failures_and_a_success_is_not_counted(client, admin_user):
    assert _admin_login(client, admin_user.username, "비밀번호-1234").status_code == 302
    client.logout()
    for n in range(5):
        response = _admin_login(client, admin_user.username, f"틀린-{n}", ip=f"198.51.100.{n}")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = _admin_login(client, admin_user.username, "비밀번호-1234", ip="198.51.100.99")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # ... and on the site login.
    assert LOCKED in _site_login(client, admin_user.email, "비밀번호-1234", ip="198.51.100.98").content.decode()


@override_settings(ACCOUNT_RATE_LIMITS=RATES)
def test_admin_login_locks_an_address_guessing_across_accounts(client, admin_user):
    from .factories import UserFactory

    for _n in range(10):
        _admin_login(client, UserFactory().username, "틀린-비밀번호")
    response = _admin_login(client, admin_user.username, "비밀번호-1234")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # Another client is not locked out by it.
    assert _admin_login(client, admin_user.username, "비밀번호-1234", ip="198.51.100.200").status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS=RATES, IDEAS_TRUSTED_PROXY_COUNT=1)
def test_site_login_address_lock_counts_the_client_behind_the_proxy_not_the_proxy(client, admin_user):
    from .factories import UserFactory

    for _n in range(10):
        client.post(
            "/accounts/login/",
            {"login": UserFactory().email, "password": "틀린-비밀번호"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    other = client.post(
        "/accounts/login/",
        {"login": admin_user.email, "password": "틀린-비밀번호"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert LOCKED not in other.content.decode()
    attacker = client.post(
        "/accounts/login/",
        {"login": admin_user.email, "password": "틀린-비밀번호"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.66",
    )
    assert LOCKED in attacker.content.decode()
