"""Staff manage the board's data as snippets under one "현장 기동대" menu; saving a field worker grants the
role, deactivating or deleting takes it away, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from grievances.models import FieldWorker
from grievances.staffing import field_worker_delete, field_worker_save
from grievances.tests.factories import DepartmentFactory, OrganisationFactory, department_member
from ideas.tests.factories import UserFactory, moderator, site_admin

pytestmark = pytest.mark.django_db


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_admin_adding_a_field_worker_grants_the_role_and_audits_it(client):
    admin, user, org = site_admin(), UserFactory(), OrganisationFactory()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_grievances_fieldworker:add"),
        {"user": user.pk, "organisation": org.pk, "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert Role.FIELD_WORKER in _roles(user)
    entry = AuditEntry.objects.get(action="grievances.field_worker.grant")
    assert entry.actor == admin and entry.after["user_id"] == user.pk


def test_admin_deactivating_a_field_worker_takes_the_role_away(client):
    admin, user, org = site_admin(), UserFactory(), OrganisationFactory()
    worker = field_worker_save(worker=FieldWorker(user=user, organisation=org), actor=admin)
    assert Role.FIELD_WORKER in _roles(user)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_grievances_fieldworker:edit", args=[worker.pk]),
        {"user": user.pk, "organisation": org.pk},
    )
    assert response.status_code == 302
    assert Role.FIELD_WORKER not in _roles(user)
    assert AuditEntry.objects.filter(action="grievances.field_worker.revoke", object_id=str(worker.pk)).exists()


def test_admin_deleting_a_field_worker_takes_the_role_away(client):
    admin, user = site_admin(), UserFactory()
    worker = field_worker_save(worker=FieldWorker(user=user, organisation=OrganisationFactory()), actor=admin)
    client.force_login(admin)
    response = client.post(reverse("wagtailsnippets_grievances_fieldworker:delete", args=[worker.pk]))
    assert response.status_code == 302
    assert not FieldWorker.objects.filter(pk=worker.pk).exists()
    assert Role.FIELD_WORKER not in _roles(user)
    assert AuditEntry.objects.filter(action="grievances.field_worker.revoke").count() == 1


def test_moving_a_field_worker_row_to_another_user_takes_the_role_from_the_first():
    admin, first, second = site_admin(), UserFactory(), UserFactory()
    worker = field_worker_save(worker=FieldWorker(user=first, organisation=OrganisationFactory()), actor=admin)
    worker.user = second
    field_worker_save(worker=worker, actor=admin)
    assert Role.FIELD_WORKER not in _roles(first)
    assert Role.FIELD_WORKER in _roles(second)
    field_worker_delete(worker=worker, actor=admin)
    assert Role.FIELD_WORKER not in _roles(second)


@pytest.mark.parametrize(
    "model", ["department", "organisation", "fieldworker", "industry", "holiday", "answertemplate"]
)
def test_site_admin_lists_the_board_data(client, model):
    client.force_login(site_admin())
    assert client.get(reverse(f"wagtailsnippets_grievances_{model}:list")).status_code == 200


def test_the_field_group_menu_holds_the_board_data(rf):
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = site_admin()
    group = next(i for i in admin_menu.menu_items_for_request(request) if i.name == "grievances")
    assert str(group.label) == "현장 기동대"
    labels = {str(i.label) for i in group.menu.menu_items_for_request(request)}
    assert {
        "부서 처리함",
        "현황",
        "담당 부서",
        "협력 기관",
        "현장 기동대원",
        "업종",
        "공휴일",
        "답변 서식",
        "현장 건의 처리 기간",
    } <= labels, labels


def test_a_department_member_sees_only_the_inbox_and_the_figures_in_the_group(rf):
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = department_member(DepartmentFactory())
    group = next(i for i in admin_menu.menu_items_for_request(request) if i.name == "grievances")
    assert {str(i.label) for i in group.menu.menu_items_for_request(request)} == {"부서 처리함", "현황"}


def test_department_member_enters_the_admin_but_not_the_data_screens(client):
    member = department_member(DepartmentFactory())
    client.force_login(member)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtailsnippets_grievances_fieldworker:list")).status_code == 302


def test_member_of_an_inactive_department_or_non_staff_member_stays_out_of_the_admin(client):
    dept = DepartmentFactory(is_active=False)
    client.force_login(department_member(dept))
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
    active = DepartmentFactory()
    citizen = UserFactory()
    active.members.add(citizen)
    client.force_login(citizen)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_moderator_without_admin_group_is_unchanged(client):
    # Department-member access does not open the admin to anyone else.
    client.force_login(moderator())
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
