import pytest

from ideas.tests.factories import UserFactory, make_contest


@pytest.fixture
def contest(db):
    return make_contest("submission")


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client
