"""The dashboard's section "주제 묶음 (최근 분석)": the topic clusters of every clustered NLP corpus (ideas,
forum opinions …) from their latest refit, with label, size, change and tracks; for holders of the
dashboard permission only; as CSV; a number of queries that does not grow with the clusters."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.tests.factories import PolicyTrackFactory, UserFactory
from nlp.models import ClusterSnapshot

from .test_views import admin_moderator, tf_member

pytestmark = pytest.mark.django_db

URL = "/admin/tf/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def row(cid, terms, size, *, change="same", previous_size=None, tracks=None):
    return {
        "cluster": cid,
        "label": " · ".join(terms),
        "label_terms": list(terms),
        "representative_sentences": [],
        "sentence_ids": [],
        "size": size,
        "tracks": tracks or {},
        "change": change,
        "previous_size": previous_size,
    }


def snapshot(corpus, clusters, *, compared=True):
    return ClusterSnapshot.objects.create(
        corpus=corpus, n_items=sum(c["size"] for c in clusters), compared=compared, clusters=clusters
    )


def test_the_section_lists_the_clusters_of_ideas_and_opinions_with_size_change_and_tracks(client):
    PolicyTrackFactory(slug="startup", name="창업지원")
    PolicyTrackFactory(slug="green", name="녹색 일자리")
    snapshot(
        "ideas",
        [
            row(0, ["청년", "창업"], 7, change="grown", previous_size=4, tracks={"startup": 6, "green": 1}),
            row(1, ["하천", "환경"], 3, change="shrunk", previous_size=5, tracks={"green": 3}),
            row(2, ["<script>x</script>"], 2, change="new"),
        ],
    )
    snapshot("opinions", [row(0, ["돌봄", "어르신"], 4)], compared=False)
    client.force_login(tf_member())
    html = client.get(URL).content.decode()
    assert 'id="section-topics"' in html and "주제 묶음 (최근 분석)" in html
    for text in ("청년 · 창업", "증가 (+3)", "창업지원 6, 녹색 일자리 1", "하천 · 환경", "감소 (−2)", "신규"):
        assert text in html
    assert "돌봄 · 어르신" in html and "첫 분석" in html and "의견 주제 묶음" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    # Largest first within a corpus.
    assert html.index("청년 · 창업") < html.index("하천 · 환경") < html.index("&lt;script&gt;")


def test_the_latest_snapshot_of_each_corpus_is_the_one_shown(client):
    snapshot("ideas", [row(0, ["예전", "주제"], 2)])
    snapshot("ideas", [row(0, ["새로운", "주제"], 3, change="new")])
    client.force_login(tf_member())
    html = client.get(URL).content.decode()
    assert "새로운 · 주제" in html and "예전 · 주제" not in html


def test_before_any_refit_the_section_says_so(client):
    client.force_login(tf_member())
    assert "아직 주제 묶음 분석이 없습니다" in client.get(URL).content.decode()


def test_the_clusters_download_as_csv(client):
    snapshot("ideas", [row(0, ["청년", "창업"], 7, change="grown", previous_size=4)])
    client.force_login(tf_member())
    response = client.get(f"{URL}export/topics-list.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "종류,주제 (핵심어),건수,변화,주요 트랙" in text and "아이디어,청년 · 창업,7,증가 (+3)" in text


@pytest.mark.parametrize("who", [UserFactory, admin_moderator])
def test_only_holders_of_the_dashboard_permission_see_the_clusters(client, who):
    snapshot("ideas", [row(0, ["청년", "창업"], 7)])
    client.force_login(who())
    for path in (URL, f"{URL}export/topics-list.csv"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert "청년 · 창업" not in response.content.decode("utf-8", "replace")


def test_the_section_makes_as_many_queries_for_many_clusters_as_for_one(client):
    client.force_login(tf_member())

    def count():
        client.get(URL)  # warm the per-process caches (content types, site, menu)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    snapshot("ideas", [row(0, ["청년"], 1, tracks={"startup": 1})])
    one = count()
    snapshot("ideas", [row(c, [f"주제{c}"], c + 1, tracks={"startup": 1, "green": c}) for c in range(20)])
    snapshot("opinions", [row(c, [f"의견{c}"], c + 1) for c in range(10)])
    cache.clear()
    html = client.get(URL).content.decode()
    assert "주제19" in html and "의견9" in html
    assert count() == one
