"""Moderation factories, built on the ideas factories: Korean text, hostile defaults."""

import factory
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from factory.django import DjangoModelFactory

from core.roles import Role
from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import (  # noqa: F401 - re-exported for the moderation tests
    HOSTILE,
    IdeaFactory,
    UserFactory,
    field_worker,
    make_contest,
    moderator,
    reviewer,
    site_admin,
)
from moderation.choices import ReportReason
from moderation.models import Report
from moderation.spamguard import form_signals

#: A body that exercises every surface: markup, a javascript: link, zero-width characters.
HOSTILE_BODY = (
    '<script>alert("x")</script> <a href="javascript:alert(1)">눌러</a> 청\u200b년 일자리 '
    "공유 주방을 만들어 지역 청년을 고용합니다."
)


def grant_admin_access(*roles: str) -> None:
    """Give the role groups Wagtail admin access, as the deployment does (load_demo)."""
    perm = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in roles:
        Group.objects.get_or_create(name=role)[0].permissions.add(perm)


def staff_moderator(**kw):
    grant_admin_access(Role.MODERATOR)
    return moderator(**kw)


def staff_reviewer(**kw):
    grant_admin_access(Role.REVIEWER)
    return reviewer(**kw)


def post_request(data=None, *, ip="203.0.113.7", user=None):
    request = RequestFactory().post("/submit/", data or {}, REMOTE_ADDR=ip, HTTP_USER_AGENT="pytest <b>agent</b>")
    if user is not None:
        request.user = user
    return request


def idea_data(contest, **overrides) -> IdeaData:
    values = {
        "title": f"{HOSTILE} 동네 빈 상가를 청년 창업 공간으로",
        "summary": "비어 있는 상가를 청년 창업팀에 싸게 빌려줍니다.",
        "body": "구청이 건물주와 협약을 맺어 6개월씩 반값 임대료로 빌려주면 창업 실험을 싸게 할 수 있습니다.",
        "track": contest.tracks.first(),
        "target_group": "youth",
        "district": "mapo",
        "expected_jobs": 12,
    }
    values.update(overrides)
    return IdeaData(**values)


def submit(contest=None, *, author=None, request=None, **overrides):
    """Submit an idea through the real service (so it is screened), return it fresh."""
    contest = contest or make_contest("submission")
    author = author or UserFactory()
    signals = form_signals(request) if request is not None else None
    idea = idea_submit(contest=contest, author=author, data=idea_data(contest, **overrides), signals=signals)
    idea.refresh_from_db()
    return idea


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    item = factory.SubFactory(IdeaFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = ReportReason.ABUSE
    note = factory.LazyFunction(lambda: f"{HOSTILE} 욕설이 있어요")


def established_user(*, days: int = 30, verified: bool = True, **kw):
    """A citizen whose reports count in full: joined `days` ago, e-mail verified."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    user = UserFactory(**kw)
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    if verified:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
