import pytest

from ideas.tests.factories import IdeaFactory, UserFactory


@pytest.fixture
def idea(db):
    return IdeaFactory()


@pytest.fixture
def commenter(db):
    return UserFactory()
