"""The pure checks, with Korean examples: personal data, abuse, duplicates; and the audit trail
refusing to be changed."""

import pytest

from moderation import abuse, pii


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("010-1234-5678", "phone"),
        ("01012345678", "phone"),
        ("010 1234 5678", "phone"),
        ("０１０－１２３４－５６７８", "phone"),
        ("010\u200b-1234-5678", "phone"),
        ("02-123-4567", "phone"),
        ("hong.gildong@example.co.kr", "email"),
        ("국민은행 123456-01-234567", "account"),
        ("계좌번호: 110 123 456789", "account"),
        ("서울 중구 세종대로 110", "address"),
        ("역삼동 123-45번지", "address"),
        ("101동 202호", "address"),
    ],
)
def test_each_kind_of_personal_data_is_found_once_as_itself(text, kind):
    assert pii.find_personal_data(f"연락: {text} 입니다") == {kind: 1}


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26에 시작합니다",
        "청년으로 100명을 고용",
        "예산 30억 원",
        "마포로 3개 구간",
        "을지로 3가 일대",
        "2030년까지 1,000명",
    ],
)
def test_dates_quantities_and_place_names_are_not_personal_data(text):
    assert pii.find_personal_data(text) == {}
    assert pii.mask_personal_data(text) == text


def test_masking_keeps_the_shape_and_hides_the_tail():
    assert pii.mask_personal_data("전화 010-1234-5678") == "전화 010-1234-****"
    assert pii.mask_personal_data("hong@example.com") == "ho***@example.com"
    assert "234567" not in pii.mask_personal_data("국민 123456-01-234567")


def test_resident_number_is_found_with_spaces_full_width_or_inside_text():
    for text in ["900101-1234567", "900101 - 1234567", "９００１０１－１２３４５６７", "번호900101-1234567확인"]:
        assert pii.find_resident_numbers(text), text
    assert not pii.find_resident_numbers("901301-1234567")  # no 13th month


@pytest.mark.parametrize(
    "text", ["시 발", "ㅅㅂ", "ㅅ ㅂ", "시🔥발", "시1발", "씨.발", "ㅅㅣㅂㅏㄹ", "개 새 끼", "병신", "한남충", "틀딱들"]
)
def test_profanity_is_found_through_its_disguises(text):
    assert abuse.find_profanity(text)


@pytest.mark.parametrize(
    "text", ["서울시 발전", "도시발전 계획", "시발점", "시바견 카페", "불이 꺼져 있다", "ㅎㅎ 좋아요"]
)
def test_innocent_korean_is_not_profanity(text):
    assert abuse.find_profanity(text) == []


def test_spam_signals():
    assert abuse.find_links("자세히: www.spam.kr 와 javascript:alert(1)")
    assert abuse.find_advertising("카톡 문의 주세요")
    assert abuse.repetition_score("좋아요 " * 50) > 0.6
    assert (
        abuse.repetition_score(
            "청년 일자리를 만드는 공유 주방 사업입니다. 빈 점포를 활용해 창업을 돕고 주민과 운영합니다."
        )
        < 0.6
    )


def test_the_one_duplicate_decision_ignores_spacing():
    from nlp.similar import DUP_THRESHOLD, repost_score
    from nlp.text import char_shingles, squash

    def sh(t):
        return char_shingles(squash(t), 3)

    a = "빈 점포를 청년 창업 공간으로 바꿉니다."
    b = "빈점포를 청년창업공간으로  바꿉니다."
    assert repost_score(sh(a), sh(b), threshold=DUP_THRESHOLD) == 1.0
    assert repost_score(sh(a), sh("어르신 돌봄 일자리를 만듭니다."), threshold=DUP_THRESHOLD) is None


@pytest.mark.django_db
def test_audit_records_cannot_be_changed_or_deleted():
    from core.audit import audit_record
    from core.models import AuditEntry

    entry = audit_record(actor=None, action="test.action")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="바꿈")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
