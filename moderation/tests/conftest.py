import pytest
from django.core.cache import cache

from .factories import make_contest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Quotas live in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest(db):
    return make_contest("submission")


@pytest.fixture
def flagged_contest(db):
    return make_contest("submission", moderation_mode="flagged")
