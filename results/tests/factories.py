"""Factories for the results side, with hostile defaults (markup in titles and sources) so every surface
that forgets to escape shows up in tests."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from core.roles import Role
from ideas.tests.factories import HOSTILE, PolicyTrackFactory, UserFactory
from results.choices import ProjectStatus
from results.models import CoordinatorProfile, JobsReport, Milestone, Programme, ProgrammeResult, Project


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"{HOSTILE} 청년 창업 공간 사업 {n}")
    summary = "빈 점포를 청년 창업 공간으로 바꿉니다. <img src=x onerror=alert(1)>"
    track = factory.SubFactory(PolicyTrackFactory)
    status = ProjectStatus.IN_PROGRESS
    progress = 40
    start_date = date(2026, 1, 1)
    end_date = date(2027, 12, 31)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"단계 {n} <i>기울임</i>")
    due_date = date(2026, 6, 30)


class JobsReportFactory(DjangoModelFactory):
    class Meta:
        model = JobsReport

    project = factory.SubFactory(ProjectFactory)
    jobs = 10
    as_of = date(2026, 6, 30)
    source = f"일자리TF 보고 {HOSTILE}"


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"서울형 일자리 사업 {n}")
    track = factory.SubFactory(PolicyTrackFactory)


class ProgrammeResultFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeResult

    programme = factory.SubFactory(ProgrammeFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 3, 31)
    jobs = 100
    source = "담당 부서 집계"


def coordinator(*, tracks=(), industries=(), districts=(), affiliation="서울일자리센터", **kw):
    """A user with the coordinator role and a profile with the given expertise."""
    user = UserFactory(roles=[Role.COORDINATOR], **kw)
    profile = CoordinatorProfile.objects.create(user=user, affiliation=affiliation, districts=list(districts))
    profile.tracks.set(tracks)
    profile.industries.set(industries)
    return user
