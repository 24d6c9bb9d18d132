"""A 상시 제안 board never reaches a review phase: no blind review, no assignment, no results."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from ideas.tests.factories import IdeaFactory, make_standing_board
from moderation.review.services import review_assign
from moderation.review.tests.factories import make_panel

pytestmark = pytest.mark.django_db


def test_a_panel_on_a_standing_board_never_assigns_and_authors_stay_named(client):
    board = make_standing_board()
    make_panel(contest=board, n_reviewers=2, k=1)
    idea = IdeaFactory(contest=board)
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        with pytest.raises(ValidationError, match="심사 기간에만"):
            review_assign(contest=board, seed=1)
        assert not board.is_blind_review
        assert client.get(board.url + "results/").status_code == 404
    assert idea.author.display_name in client.get(idea.get_absolute_url()).content.decode()
