"""이의신청: the window after the results, one objection per entry by its author, staff's answer on the
record, the public figures, and the hostile paths (someone else, too late, twice, before the results)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from core.models import AuditEntry, Notification
from ideas.choices import IdeaStatus
from ideas.models import IdeaStatusChange
from ideas.tests.factories import UserFactory, moderator, reviewer, site_admin
from moderation.review.choices import ObjectionOutcome, Tier
from moderation.review.models import Decision, Objection
from moderation.review.predicates import objection_closes_on, objection_window_open
from moderation.review.selectors import review_objection_figures
from moderation.review.services import review_objection_answer, review_objection_file

from .factories import make_entries, make_panel, make_published_results

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_author_files_one_objection_with_the_phone_number_masked_and_audited():
    _panel, (_won, lost) = make_published_results()
    objection = review_objection_file(
        idea=lost, author=lost.author, reason="창의성 점수가 낮게 나온 이유를 알고 싶습니다. 연락처 010-1234-5678"
    )
    assert objection.outcome == ObjectionOutcome.PENDING and objection.tier_before == Tier.NOT_SELECTED
    assert "010-1234-5678" not in objection.reason and "창의성 점수" in objection.reason
    entry = AuditEntry.objects.get(action="review.objection_file")
    assert entry.actor == lost.author and entry.after["masked"] == ["phone"]


def test_a_resident_registration_number_in_the_reason_is_refused_and_nothing_is_saved():
    _panel, (_won, lost) = make_published_results()
    with pytest.raises(ValidationError) as e:
        review_objection_file(idea=lost, author=lost.author, reason="제 주민번호는 900101-1234567 입니다.")
    assert "주민등록번호" in str(e.value.message_dict["reason"])
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "other_author", "moderator", "reviewer", "superuser"])
def test_nobody_but_the_author_may_object(who):
    _panel, (won, lost) = make_published_results()
    user = {
        "citizen": UserFactory,
        "other_author": lambda: won.author,
        "moderator": moderator,
        "reviewer": reviewer,
        "superuser": site_admin,
    }[who]()
    with pytest.raises(PermissionDenied):
        review_objection_file(idea=lost, author=user, reason="다시 심사해 주세요.")
    assert not Objection.objects.exists()


def test_a_second_objection_on_the_same_entry_is_refused_in_korean():
    _panel, (_won, lost) = make_published_results()
    review_objection_file(idea=lost, author=lost.author, reason="다시 심사해 주세요.")
    with pytest.raises(ValidationError, match="이미 이의신청을 했습니다"):
        review_objection_file(idea=lost, author=lost.author, reason="한 번 더 요청합니다.")
    assert Objection.objects.count() == 1


def test_the_window_counts_calendar_days_in_seoul_and_refuses_a_late_objection_in_korean():
    published = datetime(2026, 12, 1, 23, 30, tzinfo=SEOUL)  # late in the evening: that day counts
    panel, (_won, lost) = make_published_results(published_at=published)
    contest = panel.contest
    assert objection_closes_on(contest).isoformat() == "2026-12-15"
    assert objection_window_open(contest, now=datetime(2026, 12, 15, 23, 59, tzinfo=SEOUL))
    assert not objection_window_open(contest, now=datetime(2026, 12, 16, 0, 0, tzinfo=SEOUL))
    with pytest.raises(ValidationError, match=r"이의신청 기간\(2026-12-15까지\)이 지났습니다"):
        review_objection_file(
            idea=lost, author=lost.author, reason="늦었지만 부탁드립니다.", now=datetime(2026, 12, 16, 9, tzinfo=SEOUL)
        )
    assert not Objection.objects.exists()


@override_settings(REVIEW_OBJECTION_DAYS=3)
def test_the_number_of_days_is_a_setting():
    published = datetime(2026, 12, 1, 10, tzinfo=SEOUL)
    panel, _ = make_published_results(published_at=published)
    assert objection_closes_on(panel.contest).isoformat() == "2026-12-04"


def test_no_objection_before_the_results_are_published():
    panel = make_panel(phase="deliberation", n_reviewers=1, k=1)
    idea = make_entries(panel.contest, 1, status=IdeaStatus.REVIEWING)[0]
    Decision.objects.create(panel=panel, idea=idea, tier=Tier.NOT_SELECTED)
    assert objection_closes_on(panel.contest) is None
    with pytest.raises(PermissionDenied):
        review_objection_file(idea=idea, author=idea.author, reason="다시 심사해 주세요.")


def test_staff_dismiss_on_the_record_and_the_author_is_notified():
    _panel, (_won, lost) = make_published_results()
    objection = review_objection_file(idea=lost, author=lost.author, reason="다시 심사해 주세요.")
    staff = moderator()
    review_objection_answer(
        objection=objection, actor=staff, outcome=ObjectionOutcome.DISMISSED, answer="채점 기록을 다시 확인했습니다."
    )
    objection.refresh_from_db()
    lost.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.DISMISSED and objection.answered_by == staff
    assert lost.status == IdeaStatus.NOT_SELECTED
    note = Notification.objects.get(user=lost.author)
    assert "기각" in note.subject and f"/review/objection/{lost.pk}/" in note.url
    assert AuditEntry.objects.get(action="review.objection_answer").after["outcome"] == "dismissed"
    with pytest.raises(ValidationError, match="이미 답변한"):
        review_objection_answer(objection=objection, actor=staff, outcome=ObjectionOutcome.UPHELD, answer="다시")


def test_an_upheld_objection_with_a_new_decision_moves_the_idea_through_the_status_service():
    _panel, (_won, lost) = make_published_results()
    objection = review_objection_file(idea=lost, author=lost.author, reason="점수 합산이 틀렸습니다.")
    review_objection_answer(
        objection=objection,
        actor=site_admin(),
        outcome=ObjectionOutcome.UPHELD,
        answer="합산 오류를 확인하여 장려상으로 바로잡습니다.",
        tier=Tier.ENCOURAGEMENT,
    )
    lost.refresh_from_db()
    assert lost.status == IdeaStatus.SELECTED and "장려상으로 바로잡습니다" in lost.official_answer
    assert Decision.objects.get(idea=lost).tier == Tier.ENCOURAGEMENT
    assert IdeaStatusChange.objects.filter(idea=lost, to_status=IdeaStatus.SELECTED).exists()
    assert Objection.objects.get().tier_after == Tier.ENCOURAGEMENT


def test_answers_are_for_staff_only_and_a_tier_needs_the_upheld_outcome():
    _panel, (_won, lost) = make_published_results()
    objection = review_objection_file(idea=lost, author=lost.author, reason="다시 심사해 주세요.")
    with pytest.raises(PermissionDenied):
        review_objection_answer(objection=objection, actor=lost.author, outcome="dismissed", answer="셀프 기각")
    with pytest.raises(ValidationError):
        review_objection_answer(
            objection=objection, actor=moderator(), outcome="dismissed", answer="기각", tier=Tier.GRAND
        )
    with pytest.raises(ValidationError):
        review_objection_answer(objection=objection, actor=moderator(), outcome="dismissed", answer="  ")
    assert Objection.objects.get().outcome == ObjectionOutcome.PENDING


def test_the_public_figures_count_objections_and_outcomes_not_their_texts(client):
    panel, entries = make_published_results(n=3)
    staff = moderator()
    first = review_objection_file(idea=entries[1], author=entries[1].author, reason="비밀스러운 사유 하나")
    review_objection_file(idea=entries[2], author=entries[2].author, reason="비밀스러운 사유 둘")
    review_objection_answer(objection=first, actor=staff, outcome="dismissed", answer="비공개 답변 내용")
    figures = review_objection_figures(contest=panel.contest)
    assert (figures.total, figures.pending, figures.dismissed, figures.upheld) == (2, 1, 1, 0)
    html = client.get(f"{panel.contest.url}results/").content.decode()
    assert "이의신청 처리 현황" in html and "비밀스러운 사유" not in html and "비공개 답변" not in html
    assert figures.closes_on.isoformat() in html


# ---- pages ---------------------------------------------------------------------------------------


def test_the_author_files_through_the_page_and_then_sees_it_instead_of_the_form(client):
    _panel, (_won, lost) = make_published_results()
    client.force_login(lost.author)
    url = f"/review/objection/{lost.pk}/"
    page = client.get(url).content.decode()
    assert "이의신청 하기" in page and objection_closes_on(lost.contest).isoformat() in page
    response = client.post(url, {"reason": "창의성 점수를 다시 봐 주세요."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "창의성 점수를 다시 봐 주세요." in page and "이의신청 하기" not in page and "답변 대기" in page
    again = client.post(url, {"reason": "한 번 더"})
    assert again.status_code == 400 and "이미 이의신청을 했습니다" in again.content.decode()


def test_the_page_refuses_someone_else_with_403(client):
    _panel, (won, lost) = make_published_results()
    client.force_login(won.author)
    assert client.get(f"/review/objection/{lost.pk}/").status_code == 403
    assert client.post(f"/review/objection/{lost.pk}/", {"reason": "남의 아이디어"}).status_code == 403
    assert not Objection.objects.exists()


def test_after_the_window_the_page_shows_no_form_and_a_post_gets_a_korean_error(client):
    panel, (_won, lost) = make_published_results(published_at=timezone.now() - timedelta(days=20))
    client.force_login(lost.author)
    page = client.get(f"/review/objection/{lost.pk}/").content.decode()
    assert "이의신청 기간이 지났습니다" in page and "이의신청 하기" not in page
    response = client.post(f"/review/objection/{lost.pk}/", {"reason": "늦었습니다."})
    assert response.status_code == 400 and "이의신청 기간" in response.content.decode()
    assert not Objection.objects.exists()


def test_before_the_results_the_page_shows_no_form(client):
    panel = make_panel(phase="deliberation", n_reviewers=1, k=1)
    idea = make_entries(panel.contest, 1, status=IdeaStatus.REVIEWING)[0]
    client.force_login(idea.author)
    page = client.get(f"/review/objection/{idea.pk}/").content.decode()
    assert "결과가 공개된 뒤에" in page and "<textarea" not in page
    assert client.post(f"/review/objection/{idea.pk}/", {"reason": "미리"}).status_code == 403


def test_staff_list_and_answer_objections_in_the_admin(client):
    _panel, (_won, lost) = make_published_results()
    objection = review_objection_file(idea=lost, author=lost.author, reason="다시 심사해 주세요.")
    client.force_login(site_admin())
    listing = client.get("/admin/review-panels/objections/?outcome=pending").content.decode()
    assert lost.reference in listing and "답변 대기" in listing
    url = f"/admin/review-panels/objections/{objection.pk}/"
    assert client.post(url, {"outcome": "upheld", "tier": "", "answer": ""}).status_code == 400
    response = client.post(url, {"outcome": "dismissed", "tier": "", "answer": "검토 결과 원래 결정을 유지합니다."})
    assert response.status_code == 302
    assert Objection.objects.get().outcome == ObjectionOutcome.DISMISSED
    assert "원래 결정을 유지합니다" in client.get(url).content.decode()
