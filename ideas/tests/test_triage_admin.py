"""The triage screen in the Wagtail admin: who may look and who may change, what each correction
writes (one audit record per idea), that removed tags stay removed and corrected tracks become the
classifier's labels, blind review, a query count that does not grow, hostile text shown inert."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from core.models import AuditEntry
from ideas.models import Idea, IdeaTag
from ideas.tests.factories import HOSTILE, IdeaFactory, PolicyTrackFactory, UserFactory, field_worker, make_contest
from ideas.triage import services
from moderation.tests.factories import site_admin, staff_moderator, staff_reviewer
from nlp.classify import REVIEW_THRESHOLD

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": lambda: None,
    "citizen": UserFactory,
    "field_worker": field_worker,
    "reviewer": staff_reviewer,
    "moderator": staff_moderator,
    "admin": site_admin,
}
VIEWERS = {"reviewer", "moderator", "admin"}
CHANGERS = {"moderator", "reviewer", "admin"}

STARTUP = dict(
    slug="startup", name="창업지원", description="청년 창업 공간과 창업 자금, 멘토링", keywords="창업, 스타트업"
)
GREEN = dict(
    slug="green", name="녹색 일자리", description="환경, 재활용, 숲 가꾸기 일자리", keywords="환경, 재활용, 숲"
)


@pytest.fixture
def tracks():
    return PolicyTrackFactory(**STARTUP), PolicyTrackFactory(**GREEN)


@pytest.fixture
def contest(tracks):
    return make_contest("submission", tracks=list(tracks))


def machine_tag(idea, name, confidence=0.8, accepted=None):
    tag, _ = Tag.objects.get_or_create(name=name)
    return IdeaTag.objects.create(
        content_object=idea,
        tag=tag,
        source=IdeaTag.Source.MACHINE,
        confidence=confidence,
        model_version="ilsa-nlp-test",
        accepted=accepted,
    )


def triage_idea(
    contest, *, suggested=None, score=0.42, cluster=0, label="청년 · 창업 · 공간", tags=("청년창업",), **kw
):
    kw.setdefault("title_public", f"{HOSTILE} 빈 상가를 청년 창업 공간으로")
    idea = IdeaFactory(
        contest=contest,
        track=kw.pop("track", None),
        suggested_track=suggested,
        suggested_track_score=score,
        cluster=cluster,
        cluster_label=label,
        **kw,
    )
    for name in tags:
        machine_tag(idea, name)
    return idea


@pytest.fixture
def idea(contest, tracks):
    return triage_idea(
        contest,
        suggested=tracks[0],
        title="원문 제목 010-1234-5678",
        author=UserFactory(display_name="홍길동작성자"),
        tags=("청년창업", "공간"),
    )


def client_for(client, role):
    user = ROLES[role]()
    if user is not None:
        client.force_login(user)
    return client, user


def audits(action=None):
    qs = AuditEntry.objects.all()
    return qs.filter(action=action) if action else qs


# ---- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_triage_pages_are_for_moderators_reviewers_and_admins(client, role, idea, tracks):
    dup = triage_idea(idea.contest, suggested=tracks[0], duplicate_of=idea, duplicate_score=0.93, tags=())
    client, _user = client_for(client, role)
    for url in (reverse("nlp_triage:index"), reverse("nlp_triage:duplicates")):
        response = client.get(url)
        if role in VIEWERS:
            assert response.status_code == 200, url
            assert idea.reference in response.content.decode()
        elif role in ("anonymous", "citizen", "field_worker"):
            assert response.status_code == 302 and "login" in response.url, url
    if role in VIEWERS:
        assert dup.reference in client.get(reverse("nlp_triage:duplicates")).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_menu_item_is_shown_to_triage_viewers_only(rf, role):
    from ideas.triage.hooks import register_triage_menu_item

    user = ROLES[role]()
    request = rf.get("/admin/")
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    item = register_triage_menu_item()
    assert str(item.label) == "아이디어 분류(트리아지)"
    assert item.is_shown(request) is (role in VIEWERS)


def _actions(idea, tracks):
    """Every POST of the screen, in an order where each one changes something."""
    return [
        (reverse("nlp_triage:track", args=[idea.pk]), {"action": "set", f"track-{idea.pk}": tracks[1].pk}),
        (reverse("nlp_triage:track", args=[idea.pk]), {"action": "accept"}),
        (reverse("nlp_triage:tag-accept", args=[idea.pk]), {"tag": "청년창업"}),
        (reverse("nlp_triage:bulk"), {"ideas": [idea.pk], "bulk_action": "accept_tags"}),
        (reverse("nlp_triage:tag-remove", args=[idea.pk]), {"tag": "청년창업"}),
        (reverse("nlp_triage:bulk"), {"ideas": [idea.pk], "bulk_action": "accept_track"}),
        (reverse("nlp_triage:bulk"), {"ideas": [idea.pk], "bulk_action": "set_track", "bulk_track": tracks[1].pk}),
        (reverse("nlp_triage:bulk"), {"ideas": [idea.pk], "bulk_action": "remove_tag", "bulk_tag": "공간"}),
    ]


@pytest.mark.parametrize("role", ["anonymous", "citizen", "field_worker"])
def test_only_staff_who_triage_can_change_tracks_and_tags(client, role, idea, tracks):
    client, _user = client_for(client, role)
    for url, data in [*_actions(idea, tracks), (reverse("nlp_triage:refit"), {})]:
        response = client.post(url, data)
        assert response.status_code in (302, 403), url
    fresh = Idea.objects.get(pk=idea.pk)
    assert fresh.track_id is None and not fresh.track_confirmed and fresh.rejected_tags == []
    assert set(IdeaTag.objects.filter(content_object=idea).values_list("accepted", flat=True)) == {None}
    assert not audits().exists()


@pytest.mark.parametrize("role", sorted(CHANGERS))
def test_moderators_reviewers_and_admins_can_use_every_action(client, role, idea, tracks):
    client, user = client_for(client, role)
    for n, (url, data) in enumerate(_actions(idea, tracks), start=1):
        response = client.post(url, {**data, "next": reverse("nlp_triage:index") + "?unconfirmed=on"})
        assert response.status_code == 302 and response.url.endswith("?unconfirmed=on"), url
        assert audits().count() == n, url
    assert set(audits().values_list("actor", flat=True)) == {user.pk}
    fresh = Idea.objects.get(pk=idea.pk)
    assert fresh.track == tracks[1] and fresh.track_confirmed and fresh.rejected_tags == ["청년창업", "공간"]
    assert not IdeaTag.objects.filter(content_object=idea).exists()


def test_next_must_stay_on_this_site(client, idea, tracks):
    client, _user = client_for(client, "moderator")
    response = client.post(
        reverse("nlp_triage:track", args=[idea.pk]), {"action": "accept", "next": "https://evil.example/"}
    )
    assert response.url == reverse("nlp_triage:index")


# ---- blind review and escaping --------------------------------------------------------------


def test_reviewer_sees_masked_texts_only_never_the_author_nor_any_control(client, idea, tracks):
    triage_idea(idea.contest, suggested=tracks[0], duplicate_of=idea, duplicate_score=0.9, tags=())
    client, _user = client_for(client, "reviewer")
    for url in (reverse("nlp_triage:index"), reverse("nlp_triage:duplicates")):
        html = client.get(url).content.decode()
        assert "홍길동작성자" not in html and idea.author.email not in html, url
        assert "원문 제목" not in html and "010-1234-5678" not in html, url
        assert "빈 상가를 청년 창업 공간으로" in html, url
        assert reverse("nlp_triage:refit") not in html, url
        assert "/admin/snippets/ideas/idea/edit/" not in html, url
        assert reverse("moderation_admin:queue") not in html, url


def test_hostile_titles_and_tags_are_shown_escaped(client, contest, tracks):
    hostile = triage_idea(contest, suggested=tracks[0], tags=("<b>태그</b>",), label=f"{HOSTILE} 묶음")
    triage_idea(contest, suggested=tracks[0], duplicate_of=hostile, duplicate_score=0.9, tags=())
    client, _user = client_for(client, "moderator")
    for url in (reverse("nlp_triage:index"), reverse("nlp_triage:duplicates")):
        html = client.get(url).content.decode()
        assert HOSTILE not in html and "<b>태그</b>" not in html, url
        assert "&lt;script&gt;" in html, url


def test_page_shows_clusters_with_label_size_confidence_tags_and_the_authors_track(client, contest, tracks):
    a = triage_idea(contest, suggested=tracks[0], score=0.87, cluster=3, label="청년 · 창업", tags=("창업공간",))
    triage_idea(contest, suggested=tracks[1], score=0.31, cluster=3, label="청년 · 창업", tags=())
    b = triage_idea(contest, suggested=tracks[1], score=0.55, cluster=5, label="숲 · 재활용", track=tracks[1])
    client, _user = client_for(client, "moderator")
    html = client.get(reverse("nlp_triage:index")).content.decode()
    assert "청년 · 창업" in html and "숲 · 재활용" in html and "전체 2건" in html
    assert "87%" in html and "창업공간" in html and "80%" in html
    assert "잘 모르겠어요" in html and a.reference in html and b.reference in html
    assert "추천 수락" in html and "지금 다시 학습" in html
    assert 'name="csrfmiddlewaretoken"' in html

    low = client.get(reverse("nlp_triage:index"), {"conf_max": 60, "track": tracks[1].pk}).content.decode()
    assert a.reference not in low and b.reference in low
    only_unconfirmed = client.get(reverse("nlp_triage:index"), {"cluster": 5, "unconfirmed": "on"}).content.decode()
    assert b.reference in only_unconfirmed and a.reference not in only_unconfirmed


def test_suggestions_under_the_review_threshold_read_needs_review(client, contest, tracks):
    client, _user = client_for(client, "moderator")
    url = reverse("nlp_triage:index")
    sure = triage_idea(contest, suggested=tracks[0], score=min(1.0, REVIEW_THRESHOLD + 0.01), cluster=1)
    html = client.get(url).content.decode()
    assert sure.reference in html and "확인 필요" not in html and "기계 추측" not in html
    unsure = triage_idea(contest, suggested=tracks[1], score=REVIEW_THRESHOLD - 0.01, cluster=2)
    html = client.get(url).content.decode()
    assert unsure.reference in html and html.count("확인 필요") == 1
    assert f"기계 추측: {tracks[1].name}" in html and "추천 수락" in html


def test_triage_page_query_count_does_not_grow_with_ideas(client, contest, tracks):
    client, _user = client_for(client, "moderator")
    url = reverse("nlp_triage:index")

    def count():
        client.get(url)  # warm caches (content types, site, menu)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for i in range(2):
        triage_idea(contest, suggested=tracks[i % 2], cluster=i, tags=("청년", "창업"))
    few = count()
    for i in range(8):
        triage_idea(contest, suggested=tracks[i % 2], cluster=i % 4, tags=("청년", "창업", f"태그{i}"))
    assert count() == few


def test_duplicates_page_shows_pairs_side_by_side_with_score(client, idea, tracks):
    dup = triage_idea(
        idea.contest,
        suggested=tracks[0],
        duplicate_of=idea,
        duplicate_score=0.934,
        tags=(),
        title_public="다시 올린 청년 창업 공간",
        body_public="빈 상가를 청년에게 " * 40,
    )
    client, _user = client_for(client, "moderator")
    html = client.get(reverse("nlp_triage:duplicates")).content.decode()
    assert html.index(idea.reference) < html.index(dup.reference)
    assert "93%" in html and "다시 올린 청년 창업 공간" in html and reverse("moderation_admin:queue") in html


# ---- services ------------------------------------------------------------------------------


def test_track_set_confirms_the_track_and_writes_one_audit_record(idea, tracks):
    actor = staff_moderator()
    before = Idea.objects.get(pk=idea.pk).updated_at
    services.triage_track_set(idea=idea, track=tracks[1], actor=actor)
    fresh = Idea.objects.get(pk=idea.pk)
    assert fresh.track == tracks[1] and fresh.track_confirmed and fresh.updated_at > before
    (entry,) = audits()
    assert entry.action == "idea.track" and entry.actor == actor and entry.object_id == str(idea.pk)
    assert entry.before == {"track": None, "track_confirmed": False}
    assert entry.after == {"track": "green", "track_confirmed": True}


def test_track_accept_takes_the_suggestion_and_refuses_without_one(contest, idea, tracks):
    from django.core.exceptions import ValidationError

    actor = site_admin()
    services.triage_track_accept(idea=idea, actor=actor)
    assert Idea.objects.get(pk=idea.pk).track == tracks[0]
    assert audits("idea.track").get().after["track"] == "startup"
    bare = triage_idea(contest, suggested=None, score=None)
    with pytest.raises(ValidationError):
        services.triage_track_accept(idea=bare, actor=actor)
    assert audits().count() == 1


def test_a_reviewer_may_correct_but_not_start_a_refit(client, idea, tracks):
    from django.core.exceptions import PermissionDenied

    services.triage_track_set(idea=idea, track=tracks[1], actor=staff_reviewer())
    assert audits("idea.track").count() == 1
    with pytest.raises(PermissionDenied):
        services.triage_refit_enqueue(actor=staff_reviewer())
    client, _user = client_for(client, "reviewer")
    response = client.post(reverse("nlp_triage:refit"), {})
    assert response.status_code in (302, 403) and not audits("nlp.refit").exists()


def test_tag_accept_marks_the_tag_accepted_with_one_audit_record(idea):
    services.triage_tag_accept(idea=idea, tag_name="청년창업", actor=staff_moderator())
    assert IdeaTag.objects.get(content_object=idea, tag__name="청년창업").accepted is True
    assert IdeaTag.objects.get(content_object=idea, tag__name="공간").accepted is None
    (entry,) = audits()
    assert entry.action == "idea.tags" and entry.before["accepted"] is None and entry.after["accepted"] is True


def test_bulk_services_write_one_audit_record_per_idea(contest, tracks):
    actor = staff_moderator()
    ideas = [triage_idea(contest, suggested=tracks[i % 2], tags=("청년", "창업")) for i in range(3)]
    bare = triage_idea(contest, suggested=None, score=None, tags=())

    assert services.triage_track_accept_bulk(ideas=[*ideas, bare], actor=actor) == 3
    assert audits("idea.track").count() == 3
    assert [Idea.objects.get(pk=i.pk).track_id for i in ideas] == [tracks[i % 2].pk for i in range(3)]
    assert Idea.objects.get(pk=bare.pk).track_id is None

    assert services.triage_track_set_bulk(ideas=ideas, track=tracks[1], actor=actor) == 3
    assert audits("idea.track").count() == 6
    assert set(Idea.objects.filter(pk__in=[i.pk for i in ideas]).values_list("track", flat=True)) == {tracks[1].pk}

    assert services.triage_tags_accept_all(ideas=[*ideas, bare], actor=actor) == 3
    assert audits("idea.tags").count() == 3
    assert not IdeaTag.objects.exclude(accepted=True).exists()

    assert services.triage_tag_remove_bulk(ideas=[*ideas, bare], tag_name="창업", actor=actor) == 3
    assert audits("idea.tags").count() == 6
    assert (
        not IdeaTag.objects.filter(tag__name="창업").exists() and IdeaTag.objects.filter(tag__name="청년").count() == 3
    )
    assert all(Idea.objects.get(pk=i.pk).rejected_tags == ["창업"] for i in ideas)
    per_idea = audits().values_list("object_id", flat=True)
    assert sorted(per_idea) == sorted([str(i.pk) for i in ideas] * 4)


# ---- the corrections are data: real analysis and re-fit (Mecab) ------------------------------


@pytest.mark.mecab
def test_removed_tag_is_rejected_and_never_suggested_again(contest, tracks):
    from nlp.adapter import item_analyse

    idea = IdeaFactory(
        contest=contest,
        track=None,
        title_public="청년 창업 공간 공유",
        summary_public="빈 상가를 청년 창업팀에게 빌려줍니다.",
        body_public="구청이 빈 상가를 빌려 청년 창업팀에게 반값 임대료로 창업 공간을 제공하고 멘토링을 합니다.",
    )
    item_analyse(model_label="ideas.Idea", pk=idea.pk)
    names = list(IdeaTag.objects.filter(content_object=idea).values_list("tag__name", flat=True))
    assert names
    removed, kept = names[0], names[-1]
    services.triage_tag_accept(idea=idea, tag_name=kept, actor=staff_moderator())
    services.triage_tag_remove(idea=idea, tag_name=removed, actor=staff_moderator())
    fresh = Idea.objects.get(pk=idea.pk)
    assert fresh.rejected_tags == [removed]

    item_analyse(model_label="ideas.Idea", pk=idea.pk)
    after = set(IdeaTag.objects.filter(content_object=idea).values_list("tag__name", flat=True))
    assert removed not in after and kept in after
    assert IdeaTag.objects.get(content_object=idea, tag__name=kept).accepted is True


@pytest.mark.mecab
def test_a_track_correction_is_the_label_of_the_next_fit(contest, tracks):
    from nlp.adapter import corpus_refit, item_analyse

    startup, green = tracks
    text = dict(
        summary_public="동네 반려견 산책 도우미",
        body_public="바쁜 주민 대신 반려견 산책을 맡아 주는 동네 산책 도우미를 양성하고 반려견 산책 일자리를 만듭니다.",
    )
    for i in range(2):
        IdeaFactory(contest=contest, track=startup, title_public=f"반려견 산책 도우미 {i}", **text)
    corpus_refit()
    probe = IdeaFactory(contest=contest, track=None, title_public="반려견 산책 도우미 모집", **text)
    item_analyse(model_label="ideas.Idea", pk=probe.pk)
    assert Idea.objects.get(pk=probe.pk).suggested_track == startup

    actor = staff_moderator()
    labelled = Idea.objects.filter(track=startup).exclude(pk=probe.pk)
    assert services.triage_track_set_bulk(ideas=list(labelled), track=green, actor=actor) == 2
    corpus_refit()
    assert Idea.objects.get(pk=probe.pk).suggested_track == green


def test_refit_button_enqueues_the_refit_and_audits_it(client, idea, monkeypatch):
    from nlp.models import RefitRun

    calls = []
    monkeypatch.setattr("nlp.adapter.corpus_refit", lambda **kw: calls.append(kw) or {"items": 0})
    client, user = client_for(client, "moderator")
    response = client.post(reverse("nlp_triage:refit"), {"next": reverse("nlp_triage:index")})
    assert response.status_code == 302 and [sorted(kw) for kw in calls] == [["n_clusters", "progress"]]
    (entry,) = audits("nlp.refit")
    (run,) = RefitRun.objects.all()
    assert entry.actor == user and entry.after["task_id"] == run.task_id and entry.after["run"] == run.pk
    assert run.status == RefitRun.Status.FINISHED and run.requested_by == user and run.summary == {"items": 0}


def test_setting_a_track_without_choosing_one_changes_nothing_and_says_why(client, idea, tracks):
    client, _user = client_for(client, "moderator")
    response = client.post(reverse("nlp_triage:track", args=[idea.pk]), {"action": "set", f"track-{idea.pk}": ""})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "지정할 트랙을 골라 주세요." in page
    response = client.post(reverse("nlp_triage:bulk"), {"bulk_action": "set_track", "bulk_track": tracks[0].pk})
    assert "아이디어를 하나 이상 골라 주세요." in client.get(response.url).content.decode()
    assert Idea.objects.get(pk=idea.pk).track_id is None and not audits().exists()
