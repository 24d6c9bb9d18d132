"""Factories for the grievance board, with hostile defaults (markup in titles, a phone number in the
body) so every surface that forgets to escape or mask shows up in tests."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.roles import Role
from grievances.choices import GrievanceKind, GrievanceStatus
from grievances.models import Department, FieldVisit, FieldWorker, Grievance, Industry, Organisation
from ideas.tests.factories import HOSTILE, UserFactory


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"일자리정책과{n}")
    slug = factory.Sequence(lambda n: f"dept-{n}")
    email = factory.Sequence(lambda n: f"dept{n}@seoul.example.kr")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"택시운송사업조합{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"운수업{n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")


def field_worker_of(organisation: Organisation | None = None, **kw):
    """A user with the field-worker role, tied to `organisation`."""
    user = UserFactory(roles=[Role.FIELD_WORKER], **kw)
    FieldWorker.objects.create(user=user, organisation=organisation or OrganisationFactory())
    return user


def department_member(department: Department | None = None, **kw):
    """A staff user who answers `department`'s posts."""
    user = UserFactory(is_staff=True, **kw)
    (department or DepartmentFactory()).members.add(user)
    return user


class FieldVisitFactory(DjangoModelFactory):
    class Meta:
        model = FieldVisit

    organisation = factory.SubFactory(OrganisationFactory)
    worker = factory.LazyAttribute(lambda o: field_worker_of(o.organisation))
    visited_on = factory.LazyFunction(date.today)
    place = "가산디지털단지 인력시장"
    place_public = factory.LazyAttribute(lambda o: o.place)


class GrievanceFactory(DjangoModelFactory):
    """A received, published, public post (no screening run: the factory writes the public copies)."""

    class Meta:
        model = Grievance

    reference = factory.Sequence(lambda n: f"G26-{n:06d}")
    author = factory.SubFactory(UserFactory)
    kind = GrievanceKind.DIFFICULTY
    status = GrievanceStatus.RECEIVED
    title = factory.Sequence(lambda n: f"택시 기사 휴게 공간 부족 {n} {HOSTILE}")
    body = "차고지 근처에 쉴 곳이 없습니다. 연락처 010-1234-5678"
    title_public = factory.LazyAttribute(lambda o: o.title)
    body_public = "차고지 근처에 쉴 곳이 없습니다. 연락처 010-****-****"
    district = "guro"
    industry = factory.SubFactory(IndustryFactory)
    received_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.received_at + timezone.timedelta(days=9))
    original_due_at = factory.LazyAttribute(lambda o: o.due_at)
