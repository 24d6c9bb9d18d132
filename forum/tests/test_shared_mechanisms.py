"""Opinions go through the shared mechanisms like ideas: analysed in their own NLP corpus, reported and
hidden after enough reports, out of every public list once hidden."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from forum import services
from forum.selectors import opinion_list
from forum.tests.factories import make_topic
from ideas.tests.factories import UserFactory
from moderation.services import report_create
from nlp.models import ItemAnalysis

pytestmark = pytest.mark.django_db


def _verified(**kw):
    user = UserFactory(date_joined=timezone.now() - timezone.timedelta(days=30), **kw)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_an_opinion_is_analysed_in_the_opinions_corpus(django_capture_on_commit_callbacks):
    topic = make_topic()
    with django_capture_on_commit_callbacks(execute=True):
        op = services.opinion_post(
            topic=topic, author=UserFactory(), body="청년 창업 공간의 임대료를 지원해 주세요.", position="for"
        )
    row = ItemAnalysis.objects.get(content_type=ContentType.objects.get_for_model(op), object_id=op.pk)
    assert row.corpus == "opinions" and row.tokens and row.error == ""


def test_three_reports_hide_an_opinion_from_the_topic():
    topic = make_topic()
    op = services.opinion_post(topic=topic, author=UserFactory(), body="광고성 의견입니다. 청년 창업.", position="free")
    assert list(opinion_list(topic=topic)) == [op]
    for _ in range(3):
        report_create(item=op, reporter=_verified(), reason="abuse")
    op.refresh_from_db()
    assert op.hidden_at is not None
    assert list(opinion_list(topic=topic)) == []
