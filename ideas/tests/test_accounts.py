import pytest

from ideas.models import Support, User
from ideas.tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_withdrawing_erases_personal_data_and_keeps_ideas(client):
    idea = IdeaFactory(author=UserFactory(email="hong@example.com", display_name="홍길동", organisation="마포협동조합"))
    user = idea.author
    Support.objects.create(idea=IdeaFactory(), user=user)
    client.force_login(user)
    assert client.post("/me/withdraw/", {"password": "틀림"}).status_code == 400
    response = client.post("/me/withdraw/", {"password": "비밀번호-1234"})
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert not user.is_active and "hong" not in user.email and user.display_name == "" and user.organisation == ""
    assert user.privacy_consent_at is None and not user.supports.exists()
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "탈퇴한 회원" in html and "홍길동" not in html
    assert not client.login(username="hong@example.com", password="비밀번호-1234")


def test_anonymous_cannot_reach_withdrawal(client):
    assert client.get("/me/withdraw/").status_code == 302
