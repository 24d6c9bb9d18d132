"""Bad input through the real form: a Korean message next to the field, nothing saved."""

import uuid

import pytest

from ideas.models import Idea
from ideas.tests.factories import make_contest
from ideas.tests.helpers import exe_as_pdf, idea_form_data, pdf

pytestmark = pytest.mark.django_db


def submit(client, contest, **overrides):
    return client.post(f"{contest.url}submit/", idea_form_data(contest, **overrides))


def test_valid_submission_redirects_to_the_idea(citizen_client, contest):
    response = submit(citizen_client, contest, attachments=[pdf()])
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert response["Location"] == idea.get_absolute_url()
    assert idea.attachments.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "가" * 101, "100자 이내"),
        ("title", "   ", "이 항목을 적어 주세요"),
        ("summary", "나" * 301, "300자 이내"),
        ("body", "다" * 5001, "5000자 이내"),
        ("expected_jobs", "-3", "0 이상"),
        ("district", "atlantis", "25개 자치구"),
        ("track", "no-such-track", "받지 않는 정책 트랙"),
        ("body", "주민번호 ９００１０１－１２３４５６７", "주민등록번호"),
    ],
)
def test_invalid_field_gets_a_korean_message_and_nothing_is_saved(citizen_client, contest, field, value, message):
    response = submit(citizen_client, contest, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Idea.objects.count() == 0


def test_eight_megabyte_file_is_refused(citizen_client, contest):
    response = submit(citizen_client, contest, attachments=[pdf(size=8 * 1024 * 1024)])
    assert response.status_code == 400
    assert "5MB 이하" in response.content.decode()
    assert Idea.objects.count() == 0


def test_exe_renamed_pdf_is_refused_by_content(citizen_client, contest):
    response = submit(citizen_client, contest, attachments=[exe_as_pdf()])
    assert response.status_code == 400
    assert "PDF, PNG, JPEG가 아닙니다" in response.content.decode()
    assert Idea.objects.count() == 0


def test_four_attachments_are_refused(citizen_client, contest):
    response = submit(citizen_client, contest, attachments=[pdf(f"{i}.pdf") for i in range(4)])
    assert response.status_code == 400
    assert "3개까지" in response.content.decode()


def test_script_in_text_is_stored_as_written_and_shown_escaped(citizen_client, contest):
    submit(
        citizen_client,
        contest,
        title="<script>alert(1)</script> 제목",
        body="<a href='javascript:alert(1)'>링크</a> 본문입니다 충분히 길게",
    )
    idea = Idea.objects.get()
    html = citizen_client.get(idea.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "href='javascript" not in html


def test_double_clicked_submit_makes_one_idea(citizen_client, contest):
    token = str(uuid.uuid4())
    first = submit(citizen_client, contest, submission_token=token)
    second = submit(citizen_client, contest, submission_token=token)
    assert first.status_code == second.status_code == 302
    assert Idea.objects.count() == 1


def test_submission_after_deadline_shows_a_closed_page(citizen_client):
    closed = make_contest("review")
    response = submit(citizen_client, closed)
    assert response.status_code == 403
    assert "접수 기간이 아닙니다" in response.content.decode()
    assert Idea.objects.count() == 0


def test_anonymous_is_sent_to_login(client, contest):
    response = submit(client, contest)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
