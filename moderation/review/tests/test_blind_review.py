"""Blind review through the pages: a reviewer reaches only their own assignments, never the
author's identity, never other reviewers' sheets, the aggregate or the staff pages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from ideas.models import IdeaAttachment
from ideas.tests.factories import UserFactory, field_worker, moderator, reviewer
from moderation.review.models import Assignment
from moderation.review.services import review_assign, review_score_save, review_score_submit

from .factories import make_entries, make_panel

pytestmark = [pytest.mark.django_db, pytest.mark.urls("moderation.review.tests.urls")]

SECRET_COMMENT = "다른-심사위원만-아는-의견-7319"


@pytest.fixture
def setup():
    """Two reviewers, k=1, two entries by identifiable authors; reviewers may enter the admin."""
    group, _ = Group.objects.get_or_create(name=Role.REVIEWER)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    panel = make_panel(n_reviewers=2, k=1)
    authors = [
        UserFactory(display_name=f"홍길동{i}", email=f"author{i}@secret.example", organisation=f"비밀기관{i}")
        for i in range(2)
    ]
    ideas = [make_entries(panel.contest, 1, author=a)[0] for a in authors]
    for idea in ideas:
        IdeaAttachment.objects.create(
            idea=idea,
            file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
            original_name="사업계획.pdf",
            content_type="application/pdf",
            size=13,
        )
    review_assign(contest=panel.contest, seed=1)
    mine, theirs = Assignment.objects.order_by("pk")
    review_score_submit(
        assignment=theirs,
        reviewer=theirs.reviewer,
        values={c.pk: 9 for c in panel.criteria.all()},
        comment=SECRET_COMMENT,
    )
    return panel, mine, theirs, authors


def _identity_strings(authors):
    return [s for a in authors for s in (a.display_name, a.email, a.organisation, a.public_name)]


def test_reviewer_queue_lists_only_own_assignments_without_author_identity(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    response = client.get("/review/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/review/a/{mine.pk}/" in html and f"/review/a/{theirs.pk}/" not in html
    assert not any(s in html for s in _identity_strings(authors))
    assert "<script>alert" not in html  # hostile titles are escaped


def test_entry_page_shows_the_idea_and_attachments_but_no_identity_or_other_scores(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    response = client.get(f"/review/a/{mine.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.idea.reference in html and "첨부-1.pdf" in html and "사업계획.pdf" not in html
    assert not any(s in html for s in _identity_strings(authors))
    assert SECRET_COMMENT not in html
    assert 'for="id_score_' in html  # labelled inputs
    attachment = mine.idea.attachments.get()
    file_response = client.get(f"/review/a/{mine.pk}/files/{attachment.pk}/")
    assert file_response.status_code == 200 and b"".join(file_response.streaming_content) == b"%PDF-1.4 plan"


@pytest.mark.parametrize(
    "url",
    [
        "/review/a/{theirs}/",
        "/review/a/{theirs}/files/{their_file}/",
        "/review/a/{mine}/files/{their_file}/",
        "/review/a/999999/",
    ],
)
def test_a_reviewer_cannot_reach_another_reviewers_entry_sheet_or_files(client, setup, url):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    their_file = theirs.idea.attachments.get().pk
    response = client.get(url.format(theirs=theirs.pk, mine=mine.pk, their_file=their_file))
    assert response.status_code == 404
    assert SECRET_COMMENT not in response.content.decode()


def test_a_reviewer_cannot_post_scores_to_another_reviewers_assignment(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    data = {f"score_{c.pk}": 1 for c in panel.criteria.all()} | {"submit": "1"}
    assert client.post(f"/review/a/{theirs.pk}/", data).status_code == 404
    assert client.post(f"/review/a/{theirs.pk}/conflict/", {"reason": "x"}).status_code == 404
    theirs.sheet.refresh_from_db()
    assert theirs.sheet.comment == SECRET_COMMENT


@pytest.mark.parametrize(
    "url",
    [
        "/admin/review-panels/",
        "/admin/review-panels/{panel}/",
        "/admin/review-panels/{panel}/export/scores.xlsx",
        "/admin/review-panels/{panel}/export/ranking.csv",
        "/admin/snippets/review/reviewpanel/",
        "/admin/snippets/review/reviewpanel/edit/{panel}/",
    ],
)
def test_a_reviewer_cannot_open_staff_progress_ranking_or_exports(client, setup, url):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    response = client.get(url.format(panel=panel.pk))
    assert response.status_code in (302, 403, 404)
    assert SECRET_COMMENT.encode() not in response.content


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [(None, 302), (UserFactory, 403), (field_worker, 403), (moderator, 403), (reviewer, 200)],
)
def test_review_queue_permission_matrix(client, make_user, expected):
    if make_user is not None:
        client.force_login(make_user())
    assert client.get("/review/").status_code == expected


def test_reviewer_saves_a_draft_then_submits_through_the_page(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    criteria = list(panel.criteria.all())
    draft = {f"score_{criteria[0].pk}": "7", "comment": "초안", "save": "1"}
    assert client.post(f"/review/a/{mine.pk}/", draft).status_code == 302
    mine.refresh_from_db()
    assert mine.sheet.status == "draft"
    incomplete = client.post(f"/review/a/{mine.pk}/", {**draft, "submit": "1"})
    assert incomplete.status_code == 400 and "모든 항목" in incomplete.content.decode()
    full = {f"score_{c.pk}": "8" for c in criteria} | {"submit": "1"}
    assert client.post(f"/review/a/{mine.pk}/", full).status_code == 302
    mine.sheet.refresh_from_db()
    assert mine.sheet.status == "submitted"
    assert client.post(f"/review/a/{mine.pk}/", full).status_code == 403


def test_declaring_a_conflict_through_the_page_without_a_free_reviewer_keeps_identity_hidden(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    response = client.post(f"/review/a/{mine.pk}/conflict/", {"reason": "아는 사람 같습니다"}, follow=True)
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == "conflict"
    assert not any(s in response.content.decode() for s in _identity_strings(authors))


def test_a_reviewer_after_saving_a_draft_still_sees_no_other_scores(client, setup):
    panel, mine, theirs, authors = setup
    review_score_save(assignment=mine, reviewer=mine.reviewer, values={})
    client.force_login(mine.reviewer)
    assert SECRET_COMMENT not in client.get(f"/review/a/{mine.pk}/").content.decode()


def test_a_reviewer_cannot_learn_the_author_from_the_public_idea_page_or_api(client, setup):
    panel, mine, theirs, authors = setup
    client.force_login(mine.reviewer)
    page = client.get(mine.idea.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/ideas/{mine.idea.reference}").content.decode()
    assert authors[0].display_name not in page + api and authors[1].display_name not in page + api
