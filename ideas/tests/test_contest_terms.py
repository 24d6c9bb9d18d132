"""The submission form shows the contest's terms: the idea's rights stay with its author (특허청's
공모전 아이디어 보호 가이드라인) and what use the city asks permission for; staff may write their own."""

import pytest

from ideas.tests.factories import UserFactory, make_contest

pytestmark = pytest.mark.django_db


def test_the_form_shows_the_default_terms_when_the_contest_has_none(client):
    contest = make_contest("submission")
    client.force_login(UserFactory())
    html = client.get(f"{contest.url}submit/").content.decode()
    assert "공모 조건과 아이디어의 권리" in html
    assert "권리(저작권 등)는 제안하신 분께 있습니다" in html
    assert "따로 동의를 구하고" in html


def test_the_form_shows_the_contests_own_terms_instead(client):
    # Staff write them in the admin's rich text editor (only the features the field allows).
    contest = make_contest("submission")
    contest.terms = "<p>이번 공모의 <b>특별 조건</b></p><script>alert(1)</script>"
    contest.save()
    client.force_login(UserFactory())
    html = client.get(f"{contest.url}submit/").content.decode()
    assert "<b>특별 조건</b>" in html
    assert "권리(저작권 등)는 제안하신 분께 있습니다" not in html
