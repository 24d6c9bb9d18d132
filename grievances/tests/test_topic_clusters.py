"""Field posts are clustered like ideas: a refit of the grievances corpus keeps an explained snapshot
of their topics (key terms, sentences copied from public posts only, size, change), which the TF
dashboard lists beside the ideas' and the opinions'. The posts below were written for these tests."""

import pytest
from django.utils import timezone

from dashboard import selectors as dashboard_selectors
from grievances.registration import CORPUS
from grievances.tests.factories import GrievanceFactory
from nlp.adapter import corpus_refit
from nlp.models import ItemAnalysis
from nlp.services import cluster_snapshot_latest, snapshot_clusters

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

TAXI = [
    ("택시 기사 쉼터 부족", "차고지 근처에 택시 기사가 쉴 쉼터가 없습니다. 택시 기사 쉼터를 만들어 주세요."),
    ("야간 택시 기사 휴게 공간", "야간 근무를 마친 택시 기사들이 쉴 휴게 공간이 없습니다."),
    ("택시 차고지 대기 공간", "교대 시간에 택시 기사들이 기다릴 대기 공간이 차고지에 없습니다."),
]
CARE = [
    ("요양보호사 인력 부족", "요양원에 요양보호사가 모자라 어르신 돌봄이 힘듭니다. 요양보호사 채용을 도와주세요."),
    ("돌봄 교사 처우 개선", "어린이집 돌봄 교사의 처우가 낮아 돌봄 인력이 자꾸 그만둡니다."),
    ("방문 돌봄 인력 교육", "방문 돌봄 인력을 교육하는 과정이 구에 없어 돌봄 일자리를 채우기 어렵습니다."),
]
HIDDEN = ("비공개 제보 택시 기사", "숨김 처리된 글의 문장 택시 기사 쉼터가 다른 곳에는 있습니다.")


def post(title, body, **kw):
    return GrievanceFactory(title=title, title_public=title, body=body, body_public=body, **kw)


def test_a_refit_clusters_field_posts_and_quotes_only_public_ones():
    posts = [post(t, b) for t, b in TAXI + CARE]
    hidden = post(*HIDDEN, hidden_at=timezone.now())

    corpus_refit(name=CORPUS)

    clustered = ItemAnalysis.objects.filter(corpus=CORPUS, object_id__in=[p.pk for p in posts])
    assert clustered.count() == len(posts) and not clustered.filter(cluster__isnull=True).exists()
    snapshot = cluster_snapshot_latest(corpus=CORPUS)
    assert snapshot is not None
    texts = {p.pk: p.public_text for p in posts}
    sentences = [(s, owner) for c in snapshot_clusters(snapshot) for s, owner in c.sentences]
    # copied verbatim from the post each came from, never from the hidden one
    assert sentences and all(owner in texts and s in texts[owner] for s, owner in sentences)
    assert hidden.pk not in {owner for _s, owner in sentences}

    # the TF dashboard's topics section lists the field posts' clusters
    topics = {t.name: t for t in dashboard_selectors.topic_clusters()}
    assert CORPUS in topics and sum(c.size for c in topics[CORPUS].clusters) == snapshot.n_items
