"""Factories with Korean fake data and hostile defaults: titles carry markup, so every
surface that forgets to escape shows up in tests."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from core.roles import Role
from ideas.choices import District, IdeaStatus, TargetGroup
from ideas.models import ContestIndexPage, ContestPage, HomePage, Idea, PolicyTrack, User

HOSTILE = '<script>alert("x")</script>'


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"citizen{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    display_name = factory.Faker("name", locale="ko_KR")
    privacy_consent_version = "2026-11-01"
    privacy_consent_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "비밀번호-1234")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=role)
            self.groups.add(group)
        if create:
            self.save()


def field_worker(**kw):
    return UserFactory(roles=[Role.FIELD_WORKER], **kw)


def moderator(**kw):
    return UserFactory(roles=[Role.MODERATOR], is_staff=True, **kw)


def reviewer(**kw):
    return UserFactory(roles=[Role.REVIEWER], is_staff=True, **kw)


def site_admin(**kw):
    return UserFactory(is_staff=True, is_superuser=True, **kw)


class PolicyTrackFactory(DjangoModelFactory):
    class Meta:
        model = PolicyTrack
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"정책 트랙 {n} <b>굵게</b>")
    slug = factory.Sequence(lambda n: f"track-{n}")
    description = "청년 창업과 일자리 지원"
    keywords = "창업, 청년, 일자리"
    job_target = 1000


def _root_page() -> Page:
    """Wagtail's root page and default locale, which a transactional test's flush removed."""
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code="ko")
    return Page.add_root(instance=Page(title="Root", slug="root"))


def home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _root_page()
        home = root.add_child(instance=HomePage(title="일사천리", slug="home-test"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
        )
    return home


def contest_index() -> ContestIndexPage:
    index = ContestIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(instance=ContestIndexPage(title="공모전", slug="contests"))
    return index


def make_contest(phase: str = "submission", *, tracks=None, moderation_mode: str = "all", **kw) -> ContestPage:
    """A live contest whose current phase is `phase` (upcoming/submission/screening/review/deliberation/results)."""
    now = timezone.now()
    day = timedelta(days=1)
    offsets = {
        "upcoming": 5,
        "submission": -5,
        "screening": -15,
        "review": -25,
        "deliberation": -35,
        "results": -45,
    }[phase]
    start = now + offsets * day
    n = ContestPage.objects.count()
    contest = ContestPage(
        title=kw.pop("title", f"{HOSTILE} 창의 아이디어 공모 {n}"),
        slug=kw.pop("slug", f"contest-{n}"),
        intro="서울의 새 일자리를 만드는 아이디어를 모읍니다.",
        submission_opens_at=start,
        submission_closes_at=start + 10 * day,
        screening_closes_at=start + 20 * day,
        review_closes_at=start + 30 * day,
        results_at=start + 40 * day,
        moderation_mode=moderation_mode,
        **kw,
    )
    contest_index().add_child(instance=contest)
    contest.save_revision().publish()
    contest.tracks.set(tracks if tracks is not None else [PolicyTrackFactory()])
    contest.save()
    return ContestPage.objects.get(pk=contest.pk)


def make_standing_board(*, tracks=None, opened_days_ago: int = 30, **kw) -> ContestPage:
    """A live 상시 제안 board (kind standing): open since `opened_days_ago` days, no closing date."""
    from ideas.models import ContestKind

    n = ContestPage.objects.count()
    board = ContestPage(
        title=kw.pop("title", f"{HOSTILE} 상시 제안 {n}"),
        slug=kw.pop("slug", f"standing-{n}"),
        intro="언제든 일자리 아이디어를 제안해 주세요.",
        kind=ContestKind.STANDING,
        submission_opens_at=timezone.now() - timedelta(days=opened_days_ago),
        **kw,
    )
    contest_index().add_child(instance=board)
    board.save_revision().publish()
    board.tracks.set(tracks if tracks is not None else [PolicyTrackFactory()])
    board.save()
    return ContestPage.objects.get(pk=board.pk)


class IdeaFactory(DjangoModelFactory):
    """An idea created directly (no services): published unless told otherwise."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True

    contest = factory.LazyFunction(make_contest)
    author = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"2026-{n + 1:05d}")
    title = factory.LazyFunction(lambda: f"{HOSTILE} 청년 창업 공간 공유 아이디어")
    summary = "빈 점포를 청년 창업 공간으로 바꿉니다. <img src=x onerror=alert(1)>"
    body = factory.Faker("paragraph", locale="ko_KR", nb_sentences=6)
    title_public = factory.LazyAttribute(lambda o: o.title)
    summary_public = factory.LazyAttribute(lambda o: o.summary)
    body_public = factory.LazyAttribute(lambda o: o.body)
    track = factory.LazyAttribute(lambda o: o.contest.tracks.first())
    target_group = TargetGroup.YOUTH
    district = District.MAPO
    expected_jobs = 10
    status = IdeaStatus.SUBMITTED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        """Searchable like an analysed idea (what `manage.py update_index` does for bulk rows)."""
        if create and extracted is not False:
            from ideas.search import search_index_rebuild

            search_index_rebuild(idea_ids=[self.pk])
