"""Entries that reveal their author: screening flags them for moderators, and a reviewer can report
one from the scoring screen ("식별 가능한 내용 신고")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from ideas.models import Idea, IdeaAttachment
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest
from moderation.choices import FindingKind
from moderation.models import ScreeningFinding
from moderation.review.models import Assignment, IdentifyingContentFlag
from moderation.review.services import review_assign
from moderation.services import screening_on_submit

from .factories import make_entries, make_panel

pytestmark = [pytest.mark.django_db, pytest.mark.urls("moderation.review.tests.urls")]


def _attach(idea, name):
    IdeaAttachment.objects.create(
        idea=idea,
        file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"),
        original_name=name,
        content_type="application/pdf",
        size=8,
    )


def test_screening_flags_an_entry_whose_text_names_its_author():
    author = UserFactory(display_name="김 철수", email="cheolsu.kim@example.com")
    idea = IdeaFactory(
        contest=make_contest("submission"), author=author, body="제안자 김철수가 직접 운영해 본 경험입니다."
    )
    case = screening_on_submit(item=idea)
    findings = case.findings.filter(kind=FindingKind.IDENTIFYING)
    assert [f.field for f in findings] == ["body"]
    assert case.is_flagged
    assert "김철수" not in findings.get().detail  # the finding never repeats the identity


def test_screening_flags_an_attachment_named_after_the_authors_email():
    author = UserFactory(display_name="박영희", email="younghee77@example.com")
    idea = IdeaFactory(contest=make_contest("submission"), author=author, body="동네 돌봄 일자리를 만듭니다.")
    _attach(idea, "YoungHee77_계획서.pdf")
    case = screening_on_submit(item=idea)
    assert [f.field for f in case.findings.filter(kind=FindingKind.IDENTIFYING)] == ["attachments"]


def test_an_entry_that_does_not_name_its_author_is_not_flagged_as_identifying():
    author = UserFactory(display_name="이민호", email="minho@example.com")
    idea = IdeaFactory(contest=make_contest("submission"), author=author, body="청년 창업 공간을 나눠 씁니다.")
    _attach(idea, "사업계획.pdf")
    case = screening_on_submit(item=idea)
    assert not case.findings.filter(kind=FindingKind.IDENTIFYING).exists()


@pytest.fixture
def assigned():
    panel = make_panel(n_reviewers=2, k=1)
    ideas = make_entries(panel.contest, 2)
    for idea in ideas:
        screening_on_submit(item=idea)  # opens a screening case (and holds the entry back) ...
    Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(published_at=timezone.now())  # ... approved
    review_assign(contest=panel.contest, seed=1)
    return Assignment.objects.order_by("pk")


def test_a_reviewer_reports_identifying_content_from_the_scoring_screen(client, assigned):
    mine, theirs = assigned
    client.force_login(mine.reviewer)
    page = client.get(f"/review/a/{mine.pk}/").content.decode()
    assert "식별 가능한 내용 신고" in page and f"/review/a/{mine.pk}/identifying/" in page
    response = client.post(f"/review/a/{mine.pk}/identifying/", {"note": "첨부 파일에 회사 로고"})
    assert response.status_code == 302
    flag = IdentifyingContentFlag.objects.get()
    assert (flag.assignment, flag.idea, flag.reviewer, flag.note) == (
        mine,
        mine.idea,
        mine.reviewer,
        "첨부 파일에 회사 로고",
    )
    finding = ScreeningFinding.objects.get(kind=FindingKind.IDENTIFYING, field="reviewer")
    assert finding.case.object_id == mine.idea_id and finding.case.is_flagged
    assert AuditEntry.objects.filter(action="review.identifying_flag").count() == 1
    client.post(f"/review/a/{mine.pk}/identifying/", {})
    assert IdentifyingContentFlag.objects.count() == 1
    assert f"/review/a/{mine.pk}/identifying/" not in client.get(f"/review/a/{mine.pk}/").content.decode()


def test_a_reviewer_cannot_report_an_entry_not_assigned_to_them(client, assigned):
    mine, theirs = assigned
    client.force_login(mine.reviewer)
    assert client.post(f"/review/a/{theirs.pk}/identifying/", {}).status_code == 404
    assert not IdentifyingContentFlag.objects.exists()
