"""Screening at submission: what is blocked, masked, flagged, queued or published at once."""

import pytest
from django.core.exceptions import ValidationError

from ideas.models import Idea
from moderation import spamguard
from moderation.choices import FindingKind, ScreeningStatus, ScreeningTrigger
from moderation.models import ScreeningCase
from moderation.services import screening_on_submit

from .factories import UserFactory, post_request, submit

pytestmark = pytest.mark.django_db


def kinds(idea):
    case = ScreeningCase.objects.for_item(idea).order_by("-id").first()
    return {f.kind for f in case.findings.all()}


def test_new_idea_waits_unpublished_in_the_queue_when_contest_screens_everything(contest):
    idea = submit(contest)
    case = ScreeningCase.objects.for_item(idea).get()
    assert idea.published_at is None
    assert case.status == ScreeningStatus.PENDING
    assert case.contest_id == contest.pk and case.track_id == idea.track_id
    assert not Idea.objects.public().filter(pk=idea.pk).exists()


def test_clean_idea_is_public_at_once_when_contest_screens_flagged_only(flagged_contest):
    idea = submit(flagged_contest)
    assert idea.published_at is not None
    assert ScreeningCase.objects.for_item(idea).get().status == ScreeningStatus.APPROVED


def test_flagged_idea_waits_even_when_contest_screens_flagged_only(flagged_contest):
    idea = submit(flagged_contest, body="연락은 010-1234-5678 로 주세요. 청년 일자리 공유 주방 사업입니다.")
    assert idea.published_at is None
    case = ScreeningCase.objects.for_item(idea).get()
    assert case.is_pending and case.is_flagged


@pytest.mark.parametrize(
    "body",
    [
        "제 주민번호는 900101-1234567 입니다",
        "주민등록번호 900101 1234567 첨부",
        "번호：９００１０１－１２３４５６７",
        "확인용900101-1234567입니다",
    ],
)
def test_resident_registration_number_blocks_the_submission_with_a_korean_message(contest, body):
    with pytest.raises(ValidationError) as err:
        submit(contest, body=body)
    assert "주민등록번호" in str(err.value.message_dict["body"])
    assert not Idea.objects.exists()


def test_phone_email_account_and_address_are_masked_in_public_copies_but_kept_for_staff(contest):
    body = (
        "연락처 010-1234-5678, 메일 hong@example.com, 후원 계좌 국민 123456-01-234567, "
        "사무실은 세종대로 110 입니다. 청년 100명을 고용합니다."
    )
    idea = submit(contest, body=body)
    assert "010-1234-****" in idea.body_public
    assert "ho***@example.com" in idea.body_public
    assert "234567" not in idea.body_public and "5678" not in idea.body_public
    assert "세종대로 ***" in idea.body_public
    assert "청년 100명" in idea.body_public
    assert idea.body == body
    finding = ScreeningCase.objects.for_item(idea).get().findings.get(kind=FindingKind.PERSONAL_DATA)
    assert "전화번호 1개" in finding.detail and "계좌번호 1개" in finding.detail
    assert "010" not in finding.detail  # the finding never repeats the data


@pytest.mark.parametrize("word", ["시 발 이게 뭐야", "ㅅㅂ 진짜", "시🔥발 정책", "이런 병신 같은", "ㅅㅣㅂㅏㄹ"])
def test_profanity_in_disguise_flags_the_idea(contest, word):
    idea = submit(contest, summary=f"{word} 청년 일자리 이야기")
    assert FindingKind.PROFANITY in kinds(idea)


def test_innocent_words_that_contain_profanity_are_not_flagged(contest):
    idea = submit(contest, summary="서울시 발전의 시발점이 되는 도시발전 계획, 시바견 카페 창업")
    assert FindingKind.PROFANITY not in kinds(idea)


def test_links_advertising_and_repetition_flag_the_idea(contest):
    idea = submit(
        contest,
        summary="카톡 문의 주세요, 수익 보장",
        body="자세한 건 https://spam.example.com 참고 " + "좋아요 " * 60,
    )
    assert {FindingKind.LINK, FindingKind.ADVERTISING, FindingKind.REPEATED_TEXT} <= kinds(idea)


def test_many_submissions_in_a_short_time_flag_the_latest(contest):
    author = UserFactory()
    ideas = [submit(contest, author=author, title=f"아이디어 {n}", body=f"서로 다른 내용 {n} " * 3) for n in range(3)]
    assert FindingKind.BURST not in kinds(ideas[1])
    assert FindingKind.BURST in kinds(ideas[2])


def test_filled_honeypot_rejects_the_submission(contest):
    author = UserFactory()
    with pytest.raises(ValidationError) as err:
        submit(contest, author=author, request=post_request({spamguard.HONEYPOT_FIELD: "http://bot.example"}))
    assert "자동 프로그램" in str(err.value)
    assert not Idea.objects.exists()


def test_form_filled_in_under_a_few_seconds_is_flagged(contest):
    request = post_request({spamguard.RENDERED_AT_FIELD: spamguard.rendered_at_token()})
    assert FindingKind.TOO_FAST in kinds(submit(contest, request=request))


def test_form_filled_in_slowly_is_not_flagged(contest):
    import time

    request = post_request({spamguard.RENDERED_AT_FIELD: spamguard.rendered_at_token(time.time() - 120)})
    assert FindingKind.TOO_FAST not in kinds(submit(contest, request=request))


def test_forged_timing_token_is_flagged(contest):
    request = post_request({spamguard.RENDERED_AT_FIELD: "12345"})
    assert FindingKind.TOO_FAST in kinds(submit(contest, request=request))


def test_near_duplicate_is_flagged_with_a_link_to_the_earlier_idea(contest):
    first = submit(
        contest, body="빈 점포를 청년 창업 공간으로 바꿉니다. 지역 청년들이 공유 주방을 운영하며 일자리를 만듭니다."
    )
    second = submit(
        contest,
        title="빈점포 청년창업공간",
        body="빈점포를 청년창업공간으로 바꿉니다! 지역 청년이 공유주방을 운영하며 일자리를 만듭니다",
    )
    finding = ScreeningCase.objects.for_item(second).get().findings.get(kind=FindingKind.DUPLICATE)
    assert finding.related_object_id == first.pk
    assert finding.score >= 0.55


def test_different_ideas_are_not_duplicates(contest):
    submit(contest, body="빈 점포를 청년 창업 공간으로 바꿉니다. 지역 청년들이 공유 주방을 운영합니다.")
    other = submit(
        contest, title="어르신 돌봄", body="어르신 돌봄 인력을 양성해 동네마다 돌봄 일자리를 만드는 사업입니다."
    )
    assert FindingKind.DUPLICATE not in kinds(other)


def test_edit_of_a_published_idea_unpublishes_it_and_refreshes_its_pending_case(contest):
    from moderation.services import screening_approve

    from .factories import staff_moderator

    idea = submit(contest)
    screening_approve(item=idea, actor=staff_moderator())
    idea.refresh_from_db()
    assert idea.published_at is not None
    idea.body = "수정한 내용: 문의 010-9999-8888"
    idea.save()
    case = screening_on_submit(item=idea, is_edit=True)
    idea.refresh_from_db()
    assert idea.published_at is None
    assert case.is_pending and case.trigger == ScreeningTrigger.EDIT
    assert "010-9999-****" in idea.body_public
    # editing again keeps one pending case, with fresh findings
    idea.body = "다시 고친 내용"
    idea.save()
    screening_on_submit(item=idea, is_edit=True)
    assert ScreeningCase.objects.for_item(idea).pending().count() == 1
    assert not ScreeningCase.objects.for_item(idea).pending().get().findings.exists()


def test_fifty_thousand_characters_with_zero_width_noise_are_screened_quickly(contest):
    import time

    from ideas.tests.factories import IdeaFactory

    idea = IdeaFactory(contest=contest, body=("청년\u200b일자리 " * 6000)[:50_000], published_at=None)
    start = time.monotonic()
    screening_on_submit(item=idea)
    assert time.monotonic() - start < 5
