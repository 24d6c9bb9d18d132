"""Project-wide pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """A transactional test flushes the tables and recreates content types with new ids; the
    process-wide ContentType cache must not hand the next test the old ones."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_limits_cache():
    """Quotas and rate limits are counted in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index_dir(settings, tmp_path):
    """A persisted NLP index directory of the test's own (`IDEAS_NLP_INDEX_DIR`), with the process's NLP
    caches forgotten before and after (the next look loads or builds afresh)."""
    from nlp import adapter

    settings.IDEAS_NLP_INDEX_DIR = tmp_path / "nlp-index"
    adapter.reset_caches()
    yield settings.IDEAS_NLP_INDEX_DIR
    adapter.reset_caches()
