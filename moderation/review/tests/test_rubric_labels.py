"""The score sheet shows the scale the reviewer types (1–10) and each criterion's weight apart."""

import re

import pytest

from moderation.review.models import Assignment
from moderation.review.services import review_assign

from .factories import make_entries, make_panel

pytestmark = [pytest.mark.django_db, pytest.mark.urls("moderation.review.tests.urls")]


def test_score_sheet_shows_the_one_to_ten_scale_and_the_weight_separately(client):
    panel = make_panel(n_reviewers=1, k=1)
    make_entries(panel.contest, 1)
    review_assign(contest=panel.contest, seed=1)
    assignment = Assignment.objects.get()
    client.force_login(assignment.reviewer)
    html = client.get(f"/review/a/{assignment.pk}/").content.decode()

    assert "배점" not in html
    criterion = panel.criteria.get(name="지역 일자리창출 적합성")
    legend = re.search(r"<legend>(.*?)</legend>", html, flags=re.S).group(1)
    assert "지역 일자리창출 적합성" in legend and "가중치 30%" in legend
    label = re.search(rf'<label for="id_score_{criterion.pk}">(.*?)</label>', html, flags=re.S).group(1)
    assert "1–10" in label and "30" not in label
    field = re.search(rf'<input[^>]*id="id_score_{criterion.pk}"[^>]*>', html).group(0)
    assert 'min="1"' in field and 'max="10"' in field
    assert html.count("가중치 20%") == 2 and html.count("가중치 30%") == 2
