"""The triage screen explains each cluster from the latest refit's snapshot (`nlp.services`): key terms,
2–3 sentences copied from its ideas (each linking to its idea), size, top tracks and a change badge
(신규 / 증가 (+n) / 감소 (−n) / 변화 없음); never a sentence of an idea hidden since; for triage staff only;
a number of queries that does not grow with the clusters.

The sentences below were written for these tests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, UserFactory, field_worker, make_contest
from moderation.tests.factories import site_admin, staff_moderator, staff_reviewer
from nlp.models import ClusterSnapshot

pytestmark = pytest.mark.django_db

URL = "/admin/triage/"
SENTENCES = [
    "빈 상가를 청년 창업 공간으로 바꾸어 주세요.",
    "창업 선배가 청년 창업팀을 멘토링해 주면 좋겠습니다.",
    "하천 쓰레기를 줍는 환경 일자리를 만들어 주세요.",
    "도시숲을 가꾸는 어르신 일자리가 필요합니다.",
]


@pytest.fixture
def tracks():
    return (
        PolicyTrackFactory(slug="startup", name="창업지원", description="청년 창업", keywords="창업"),
        PolicyTrackFactory(slug="green", name="녹색 일자리", description="환경 일자리", keywords="환경"),
    )


@pytest.fixture
def contest(tracks):
    return make_contest("submission", tracks=list(tracks))


def idea(contest, sentence, cluster, label, **kw):
    return IdeaFactory(contest=contest, body=sentence, body_public=sentence, cluster=cluster, cluster_label=label, **kw)


def cluster_row(cid, terms, size, *, sentences=(), tracks=None, change="same", previous_size=None):
    return {
        "cluster": cid,
        "label": " · ".join(terms),
        "label_terms": list(terms),
        "representative_sentences": [s for s, _pk in sentences],
        "sentence_ids": [str(pk) for _s, pk in sentences],
        "size": size,
        "tracks": tracks or {},
        "change": change,
        "previous": cid if change != "new" else None,
        "previous_size": previous_size,
    }


def snapshot(clusters, *, compared=True):
    return ClusterSnapshot.objects.create(
        corpus="ideas", n_items=sum(c["size"] for c in clusters), compared=compared, clusters=clusters
    )


def staff(client):
    client.force_login(staff_moderator())
    return client


def test_each_cluster_shows_terms_sentences_linking_to_their_idea_size_tracks_and_a_change_badge(client, contest):
    a = idea(contest, SENTENCES[0], 0, "청년 · 창업")
    b = idea(contest, SENTENCES[1], 0, "청년 · 창업")
    c = idea(contest, SENTENCES[2], 1, "환경 · 일자리")
    snapshot(
        [
            cluster_row(
                0,
                ["청년", "창업"],
                2,
                sentences=[(SENTENCES[0], a.pk), (SENTENCES[1], b.pk)],
                tracks={"startup": 2},
                change="grown",
                previous_size=1,
            ),
            cluster_row(1, ["환경", "일자리"], 1, sentences=[(SENTENCES[2], c.pk)], tracks={"green": 1}, change="new"),
        ]
    )
    html = staff(client).get(URL).content.decode()
    for s, i in ((SENTENCES[0], a), (SENTENCES[1], b), (SENTENCES[2], c)):
        assert f"<q>{s}</q>" in html
        assert f'href="{reverse("ideas:idea-detail", kwargs={"reference": i.reference})}"' in html
    assert "핵심어" in html and "청년, 창업" in html
    assert "창업지원 2" in html and "녹색 일자리 1" in html
    assert "증가 (+1)" in html and "신규" in html


@pytest.mark.parametrize(
    ("change", "size", "previous", "badge"),
    [
        ("grown", 5, 3, "증가 (+2)"),
        ("shrunk", 2, 3, "감소 (−1)"),
        ("same", 3, 3, "변화 없음"),
        ("new", 3, None, "신규"),
    ],
)
def test_the_badge_says_how_the_cluster_changed_since_the_refit_before(client, contest, change, size, previous, badge):
    idea(contest, SENTENCES[0], 0, "청년 · 창업")
    snapshot([cluster_row(0, ["청년"], size, change=change, previous_size=previous)])
    html = staff(client).get(URL).content.decode()
    assert badge in html and html.count("data-change=") == 1


def test_the_first_refit_shows_no_change_badge(client, contest):
    idea(contest, SENTENCES[0], 0, "청년 · 창업")
    snapshot([cluster_row(0, ["청년"], 1, change="new")], compared=False)
    html = staff(client).get(URL).content.decode()
    assert "data-change=" not in html and "핵심어" in html


def test_a_sentence_of_an_idea_hidden_or_rejected_since_the_refit_is_not_shown(client, contest):
    a = idea(contest, SENTENCES[0], 0, "청년 · 창업")
    b = idea(contest, SENTENCES[1], 0, "청년 · 창업")
    snapshot([cluster_row(0, ["청년"], 2, sentences=[(SENTENCES[0], a.pk), (SENTENCES[1], b.pk)])])
    type(a).objects.filter(pk=a.pk).update(hidden_at=timezone.now())
    html = staff(client).get(URL).content.decode()
    assert SENTENCES[1] in html and SENTENCES[0] not in html
    type(b).objects.filter(pk=b.pk).update(status="rejected")
    assert SENTENCES[1] not in staff(client).get(URL).content.decode()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (lambda: None, False),
        (UserFactory, False),
        (field_worker, False),
        (staff_reviewer, True),
        (staff_moderator, True),
        (site_admin, True),
    ],
)
def test_only_triage_staff_see_the_sentences(client, contest, role, sees):
    a = idea(contest, SENTENCES[0], 0, "청년 · 창업")
    snapshot([cluster_row(0, ["청년"], 1, sentences=[(SENTENCES[0], a.pk)])])
    user = role()
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert (response.status_code == 200 and SENTENCES[0] in response.content.decode()) is sees
    if not sees:
        assert response.status_code in (302, 403)


def test_the_page_makes_as_many_queries_for_one_cluster_as_for_many(client, contest):
    staff(client)

    def count():
        client.get(URL)  # warm caches (content types, site, menu)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    a = idea(contest, SENTENCES[0], 0, "청년")
    snapshot([cluster_row(0, ["청년"], 1, sentences=[(SENTENCES[0], a.pk)], tracks={"startup": 1})])
    one = count()
    rows = [cluster_row(0, ["청년"], 1, sentences=[(SENTENCES[0], a.pk)], tracks={"startup": 1})]
    for cid in range(1, 12):
        members = [idea(contest, SENTENCES[cid % 4], cid, f"주제 {cid}") for _ in range(2)]
        rows.append(
            cluster_row(
                cid,
                [f"주제{cid}"],
                2,
                sentences=[(SENTENCES[cid % 4], m.pk) for m in members],
                tracks={"startup": 1, "green": 1},
                change="grown",
                previous_size=1,
            )
        )
    snapshot(rows)
    html = client.get(URL).content.decode()
    assert html.count("증가 (+1)") == 11
    assert count() == one
