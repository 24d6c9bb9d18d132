"""The expert role: staff grant it with an affiliation (service and command), audited; others cannot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from core.experts import expert_grant, expert_revoke
from core.models import AuditEntry
from core.roles import Role, is_citizen, is_expert
from ideas.tests.factories import UserFactory, site_admin

pytestmark = pytest.mark.django_db


def test_staff_grant_the_expert_role_with_an_affiliation_and_it_is_audited():
    from django.contrib.auth.models import Permission

    user, staff = UserFactory(), UserFactory(is_staff=True)
    # Staff need the "전문가 정보 수정" permission (`core.grant_expert`); superusers have it.
    staff.user_permissions.add(Permission.objects.get(codename="change_expertprofile"))
    profile = expert_grant(user=user, affiliation="  서울연구원   일자리정책연구실 ", actor=staff)
    assert profile.affiliation == "서울연구원 일자리정책연구실"
    assert is_expert(user) and user.has_role(Role.EXPERT)
    assert is_citizen(user)  # an expert still takes part in contests as a citizen
    assert AuditEntry.objects.filter(action="expert.grant", actor=staff).count() == 1
    assert expert_revoke(user=user, actor=staff) is True
    user.__dict__.pop("_role_names", None)
    assert not is_expert(user)


def test_a_citizen_cannot_grant_it_and_an_empty_affiliation_is_refused():
    with pytest.raises(PermissionDenied, match="운영진만"):
        expert_grant(user=UserFactory(), affiliation="소속", actor=UserFactory())
    with pytest.raises(ValidationError, match="소속을 적어"):
        expert_grant(user=UserFactory(), affiliation="  ", actor=site_admin())


def test_the_command_grants_and_reports_korean_errors():
    user, staff = UserFactory(), site_admin()
    call_command("expert_grant", email=user.email, affiliation="한국노동연구원", by=staff.email)
    assert user.expert_profile.affiliation == "한국노동연구원"
    with pytest.raises(CommandError, match="운영진만"):
        call_command("expert_grant", email=user.email, affiliation="x", by=UserFactory().email)
    with pytest.raises(CommandError, match="회원을 찾을 수 없습니다"):
        call_command("expert_grant", email="nobody@example.com", affiliation="x", by=staff.email)
