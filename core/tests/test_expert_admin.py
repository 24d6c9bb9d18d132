"""The 전문가 관리 screen in the Wagtail admin: superusers and staff with the permission find a member by
e-mail, grant the role with an affiliation, change it and take it back, each audited through
`core.experts`; nobody else gets in, and bad input gets a Korean error."""

import pytest
from django.contrib.auth.models import Permission

from core.experts import expert_grant
from core.models import AuditEntry, ExpertProfile
from core.roles import Role
from ideas.tests.factories import HOSTILE, UserFactory, moderator, site_admin

pytestmark = pytest.mark.django_db


def _staff_with_permission():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="change_expertprofile")
    )
    return user


def test_a_superuser_grants_the_role_by_email_and_it_is_audited(client):
    admin, member = site_admin(), UserFactory(email="Member@Example.com")
    client.force_login(admin)
    assert client.get("/admin/experts/").status_code == 200
    response = client.post("/admin/experts/new/", {"email": "member@example.com", "affiliation": "  한국노동연구원  "})
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=member)
    assert profile.affiliation == "한국노동연구원" and profile.granted_by == admin
    member.__dict__.pop("_role_names", None)
    assert member.has_role(Role.EXPERT)
    entry = AuditEntry.objects.get(action="expert.grant")
    assert entry.actor == admin and entry.after == {"affiliation": "한국노동연구원"}


def test_staff_with_the_permission_change_the_affiliation_and_revoke(client):
    staff, member = _staff_with_permission(), UserFactory()
    profile = expert_grant(user=member, affiliation="서울연구원", actor=site_admin())
    client.force_login(staff)
    assert client.get("/admin/experts/").status_code == 200
    response = client.post(f"/admin/experts/edit/{profile.pk}/", {"affiliation": "서울연구원 일자리정책연구실"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.affiliation == "서울연구원 일자리정책연구실"
    edit = AuditEntry.objects.filter(action="expert.grant", actor=staff).get()
    assert edit.before == {"affiliation": "서울연구원"}
    assert client.post(f"/admin/experts/delete/{profile.pk}/").status_code == 302
    assert not ExpertProfile.objects.filter(user=member).exists()
    member.__dict__.pop("_role_names", None)
    assert not member.has_role(Role.EXPERT)
    assert AuditEntry.objects.filter(action="expert.revoke", actor=staff).count() == 1


def test_staff_without_the_permission_and_citizens_cannot_use_the_screen(client):
    member = UserFactory()
    profile = expert_grant(user=member, affiliation="서울연구원", actor=site_admin())
    for user in (moderator(), UserFactory(is_staff=True), UserFactory()):
        client.force_login(user)
        assert client.get("/admin/experts/").status_code in (302, 403)
        response = client.post("/admin/experts/new/", {"email": UserFactory().email, "affiliation": "x"})
        assert response.status_code in (302, 403)
        assert client.post(f"/admin/experts/delete/{profile.pk}/").status_code in (302, 403)
    assert ExpertProfile.objects.count() == 1 and not AuditEntry.objects.filter(action="expert.revoke").exists()


def test_the_service_refuses_staff_without_the_permission():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="권한이 있는 운영진만"):
        expert_grant(user=UserFactory(), affiliation="소속", actor=UserFactory(is_staff=True))
    assert expert_grant(user=UserFactory(), affiliation="소속", actor=_staff_with_permission()).affiliation == "소속"


def test_unknown_emails_existing_experts_and_empty_affiliations_get_korean_errors(client):
    client.force_login(site_admin())
    response = client.post("/admin/experts/new/", {"email": "nobody@example.com", "affiliation": "소속"})
    assert response.status_code == 200 and "이 이메일로 가입한 회원이 없습니다" in response.content.decode()
    member = UserFactory()
    response = client.post("/admin/experts/new/", {"email": member.email, "affiliation": "   "})
    assert response.status_code == 200 and "소속을 적어 주세요" in response.content.decode()
    response = client.post("/admin/experts/new/", {"email": member.email, "affiliation": "가" * 101})
    assert response.status_code == 200 and "100자 이내" in response.content.decode()
    expert_grant(user=member, affiliation="서울연구원", actor=site_admin())
    response = client.post("/admin/experts/new/", {"email": member.email, "affiliation": "다른 소속"})
    assert response.status_code == 200 and "이미 전문가입니다" in response.content.decode()
    assert ExpertProfile.objects.get(user=member).affiliation == "서울연구원"


def test_the_list_finds_a_member_by_email_and_escapes_the_affiliation(client):
    member, other = UserFactory(email="findme@example.com"), UserFactory()
    expert_grant(user=member, affiliation=f"{HOSTILE} 연구소", actor=site_admin())
    expert_grant(user=other, affiliation="다른 연구소", actor=site_admin())
    client.force_login(site_admin())
    html = client.get("/admin/experts/", {"q": "findme@example.com"}).content.decode()
    assert "&lt;script&gt;" in html and HOSTILE not in html and "다른 연구소" not in html
