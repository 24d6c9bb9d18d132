"""Warming the NLP at web-worker start-up: the gunicorn hook builds every corpus's index in a
background thread, so the first similar-ideas look-up after a restart finds it ready."""

import runpy
import threading
from pathlib import Path

import pytest

from ideas.tests.factories import IdeaFactory
from nlp import adapter
from nlp.corpora import corpus_named

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mecab]

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_django_start_up_alone_does_not_warm_anything():
    # manage.py commands and tests set Django up exactly like this process did: no warm-up thread.
    assert adapter.WARM_UP_THREAD_NAME not in {t.name for t in threading.enumerate()}


def test_gunicorn_worker_hook_warms_every_corpus_index_in_the_background():
    IdeaFactory(title_public="어르신 돌봄 이웃 일자리", body_public="홀로 사는 어르신 집을 찾아가 안부를 확인합니다.")
    adapter.reset_caches()
    ideas = corpus_named("ideas")
    assert adapter._cache(ideas).index is None

    hooks = runpy.run_path(str(CONF))
    # the hook's own thread (it may have finished already: a persisted index loads in milliseconds)
    warming = hooks["post_worker_init"](worker=None)
    assert warming.name == adapter.WARM_UP_THREAD_NAME and warming.daemon
    warming.join(timeout=120)
    assert not warming.is_alive()

    cache = adapter._cache(ideas)
    assert cache.index is not None and cache.index_sig == adapter._signature(ideas.queryset(), ideas.changed_field)
    # the first look-up uses that index as it is: nothing is rebuilt
    built = cache.index
    assert adapter.similar_to_text(corpus="ideas", text="어르신 돌봄 일자리") != []
    assert adapter._cache(ideas).index is built
