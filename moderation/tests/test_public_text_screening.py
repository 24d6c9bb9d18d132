"""Every free text the public can read goes through `moderation.screening.screen_public_text`:
display names, attachment file names, official answers and report notes. The city's own contact
numbers (a list staff manage) stay in official answers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ideas.choices import IdeaStatus
from ideas.forms import SignupConsentForm
from ideas.services import idea_change_status, idea_submit
from ideas.tests.factories import IdeaFactory, site_admin
from ideas.tests.helpers import pdf
from moderation.models import AllowedContactNumber, Report
from moderation.screening import screen_public_text
from moderation.services import report_create

from .factories import UserFactory, idea_data

pytestmark = pytest.mark.django_db


def test_screening_masks_and_refuses_what_the_caller_names():
    screened = screen_public_text("연락 010-1234-5678, hong@example.com")
    assert screened.text == "연락 010-1234-****, ho***@example.com"
    assert screened.found == {"phone": 1, "email": 1}
    with pytest.raises(ValidationError) as e:
        screen_public_text("번호 구공공일공일 일이삼사오육칠", field_name="note")
    assert "주민등록번호" in e.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as e:
        screen_public_text("010ㅡ1234ㅡ5678", refuse={"phone"})
    assert "전화번호" in e.value.messages[0]
    assert screen_public_text("2026.11.26 시작, 예산 1,000,000원").found == {}


@pytest.mark.parametrize(
    ("name", "kind"),
    [("홍길동 010-1234-5678", "전화번호"), ("hong@example.com", "이메일"), ("900101.1234567", "주민등록번호")],
)
def test_a_display_name_with_a_phone_email_or_resident_number_is_refused_in_korean(name, kind):
    form = SignupConsentForm({"display_name": name, "privacy_consent": "on"})
    assert not form.is_valid()
    assert kind in form.errors["display_name"][0]


def test_an_ordinary_display_name_is_kept():
    form = SignupConsentForm({"display_name": "일이삼 청년창업", "privacy_consent": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == "일이삼 청년창업"


def test_personal_data_in_an_attachment_file_name_is_masked_before_it_is_stored(contest):
    idea = idea_submit(
        contest=contest,
        author=UserFactory(),
        data=idea_data(contest),
        attachments=[pdf("홍길동_010ㅡ1234ㅡ5678_계획서.pdf")],
    )
    attachment = idea.attachments.get()
    assert attachment.original_name == "홍길동_010ㅡ1234ㅡ****_계획서.pdf"


def test_the_official_answer_is_masked_but_keeps_the_city_numbers():
    idea = IdeaFactory(status=IdeaStatus.REVIEWING)
    answer = "문의: 02-2133-1234 또는 120 다산콜센터(02-120). 제안자 연락처 010-9876-5432로 안내했습니다."
    idea = idea_change_status(idea=idea, to_status=IdeaStatus.SELECTED, actor=site_admin(), official_answer=answer)
    assert idea.official_answer == (
        "문의: 02-2133-1234 또는 120 다산콜센터(02-120). 제안자 연락처 010-9876-****로 안내했습니다."
    )


def test_staff_manage_the_allowed_city_numbers():
    idea = IdeaFactory(status=IdeaStatus.REVIEWING)
    AllowedContactNumber.objects.create(number="02-3456-7890", label="일자리정책과")
    AllowedContactNumber.objects.filter(number="02-2133").delete()
    answer = "일자리정책과 02-3456-7890, 시청 02-2133-1234"
    idea = idea_change_status(idea=idea, to_status=IdeaStatus.SELECTED, actor=site_admin(), official_answer=answer)
    assert idea.official_answer == "일자리정책과 02-3456-7890, 시청 02-2133-****"


def test_the_seeded_city_numbers_are_there_and_a_short_prefix_is_refused():
    seeded = {(n.number, n.is_prefix) for n in AllowedContactNumber.objects.all()}
    assert {("120", False), ("02-2133", True)} <= seeded
    with pytest.raises(ValidationError):
        AllowedContactNumber(number="010", is_prefix=True).full_clean()


def test_the_official_answer_edited_in_the_admin_is_screened(client):
    idea = IdeaFactory()
    client.force_login(site_admin())
    url = f"/admin/snippets/ideas/idea/edit/{idea.pk}/"
    response = client.post(url, {"official_answer": "담당자 010-1234-5678, 대표 02-2133-0000", "tags": ""})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.official_answer == "담당자 010-1234-****, 대표 02-2133-0000"


def test_allowed_city_numbers_are_managed_in_the_admin_by_site_admins(client):
    client.force_login(site_admin())
    assert client.get("/admin/snippets/moderation/allowedcontactnumber/").status_code == 200
    response = client.post(
        "/admin/snippets/moderation/allowedcontactnumber/add/", {"number": "02-2133-5000", "label": "일자리정책과"}
    )
    assert response.status_code == 302
    assert AllowedContactNumber.objects.filter(number="02-2133-5000").exists()


def test_a_report_note_is_masked_and_a_resident_number_in_it_is_refused(client):
    idea = IdeaFactory()
    reporter = UserFactory()
    client.force_login(reporter)
    url = reverse("moderation:report-create", kwargs={"model_label": "ideas.idea", "pk": idea.pk})
    response = client.post(
        url, {"reason": "personal_data", "note": "작성자 번호 900101~1234567 노출"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "주민등록번호" in response.json()["detail"]
    assert not Report.objects.exists()
    report = report_create(
        item=idea, reporter=reporter, reason="personal_data", note="전화 공일공 일이삼사 오육칠팔 노출"
    )
    assert report.note == "전화 공일공 일이삼사 **** 노출"
