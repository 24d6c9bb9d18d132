"""Blind review on every public surface: while a contest is reviewed, no page, API answer, similar
box or attachment name shows who wrote an entry (to anyone but the author); names come back once the
panel publishes its results. The results page and the decide/publish buttons wait for the panel."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ideas.models import ContestPage, IdeaAttachment
from ideas.tests.factories import UserFactory, site_admin
from moderation.review.models import ReviewPanel

from .factories import make_entries, make_panel

pytestmark = pytest.mark.django_db

NAME = "홍길동작가"


def _publish(panel):
    """What `review_results_publish` leaves behind, without its decisions."""
    now = timezone.now()
    ReviewPanel.objects.filter(pk=panel.pk).update(results_published_at=now)
    ContestPage.objects.filter(pk=panel.contest_id).update(results_published_at=now)


def _move_to(contest, phase):
    day = timedelta(days=1)
    start = timezone.now() + {"screening": -15, "review": -25, "deliberation": -35, "results": -45}[phase] * day
    contest.submission_opens_at = start
    contest.submission_closes_at = start + 10 * day
    contest.screening_closes_at = start + 20 * day
    contest.review_closes_at = start + 30 * day
    contest.results_at = start + 40 * day
    contest.save()


@pytest.fixture
def entry():
    panel = make_panel(n_reviewers=1, k=1)
    author = UserFactory(display_name=NAME, email="gildong@secret.example")
    idea = make_entries(panel.contest, 1, author=author)[0]
    IdeaAttachment.objects.create(
        idea=idea,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        original_name=f"{NAME}_사업계획.pdf",
        content_type="application/pdf",
        size=13,
    )
    return panel, idea


def _surfaces(client, idea):
    attachment = idea.attachments.get()
    page = client.get(idea.get_absolute_url())
    api = client.get(f"/api/v1/ideas/{idea.reference}")
    listing = client.get(f"/api/v1/ideas?contest={idea.contest_id}")
    download = client.get(f"/ideas/{idea.reference}/attachments/{attachment.pk}/")
    assert page.status_code == api.status_code == listing.status_code == download.status_code == 200
    return {
        "page": page.content.decode(),
        "api": json.dumps(api.json(), ensure_ascii=False),
        "list": json.dumps(listing.json(), ensure_ascii=False),
        "download": download["Content-Disposition"],
    }


@pytest.mark.parametrize("phase", ["review", "deliberation", "results"])
@pytest.mark.parametrize("who", ["anonymous", "citizen", "admin"])
def test_no_surface_names_the_author_while_the_contest_is_reviewed_blind(client, entry, phase, who):
    panel, idea = entry
    _move_to(panel.contest, phase)  # "results" without the panel publishing: still blind
    if who != "anonymous":
        client.force_login(UserFactory() if who == "citizen" else site_admin())
    surfaces = _surfaces(client, idea)
    for name, text in surfaces.items():
        assert NAME not in text and "gildong" not in text, name
        assert "%ED%99%8D%EA%B8%B8%EB%8F%99" not in text, name  # the name, URL-encoded
    assert "첨부-1.pdf" in surfaces["page"]
    assert "UTF-8''%EC%B2%A8%EB%B6%80-1.pdf" in surfaces["download"]


def test_the_author_still_sees_their_own_name_and_file_names_during_review(client, entry):
    panel, idea = entry
    _move_to(panel.contest, "review")
    client.force_login(idea.author)
    surfaces = _surfaces(client, idea)
    assert NAME in surfaces["page"] and NAME in surfaces["api"]


@pytest.mark.parametrize("phase", ["screening", "results"])
def test_names_are_shown_before_review_and_after_the_panel_publishes(client, entry, phase):
    panel, idea = entry
    _move_to(panel.contest, phase)
    if phase == "results":
        _publish(panel)
    surfaces = _surfaces(client, idea)
    assert NAME in surfaces["page"] and NAME in surfaces["api"]
    assert "%ED%99%8D%EA%B8%B8%EB%8F%99" in surfaces["download"]


def test_the_similar_box_names_no_author(client, entry):
    panel, idea = entry
    _move_to(panel.contest, "review")
    response = client.get("/ideas/similar/", {"title": idea.title, "body": idea.body})
    assert response.status_code == 200
    assert NAME not in response.content.decode("unicode_escape")


def test_attachments_are_always_downloads_never_sniffed_or_inline(client, entry):
    panel, idea = entry
    attachment = idea.attachments.get()
    IdeaAttachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = client.get(f"/ideas/{idea.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_results_page_is_404_until_the_panel_publishes(client, entry):
    panel, idea = entry
    _move_to(panel.contest, "results")
    url = panel.contest.url + "results/"
    assert client.get(url).status_code == 404
    assert "results/" not in client.get(panel.contest.url).content.decode()
    _publish(panel)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("phase", "buttons"), [("review", False), ("deliberation", True)])
def test_decide_and_publish_buttons_only_where_the_rule_allows(client, entry, phase, buttons):
    panel, idea = entry
    _move_to(panel.contest, phase)
    client.force_login(site_admin())
    html = client.get(f"/admin/review-panels/{panel.pk}/").content.decode()
    assert (f"/admin/review-panels/{panel.pk}/publish/" in html) is buttons


def test_no_decide_or_publish_buttons_once_results_are_published(client, entry):
    panel, idea = entry
    _move_to(panel.contest, "results")
    _publish(panel)
    client.force_login(site_admin())
    html = client.get(f"/admin/review-panels/{panel.pk}/").content.decode()
    assert f"/admin/review-panels/{panel.pk}/publish/" not in html
