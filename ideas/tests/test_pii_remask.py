"""`manage.py pii_remask`: public copies saved with the old masking are masked again from the
originals; the originals stay; a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from ideas.models import IdeaAttachment

from .factories import IdeaFactory, UserFactory
from .helpers import pdf

pytestmark = pytest.mark.django_db


def test_remask_masks_what_the_old_detector_missed_and_keeps_the_originals():
    body = "제 번호는 900101.1234567 이고 전화는 010ㅡ1234ㅡ5678 입니다. 2026.11.26 시작"
    author = UserFactory(display_name="연락 010_9999_8888")
    idea = IdeaFactory(body=body, body_public=body, author=author, official_answer="담당 010-1111-2222, 대표 120")
    attachment = IdeaAttachment.objects.create(
        idea=idea, file=pdf(), original_name="계획서_010-3333-4444.pdf", content_type="application/pdf", size=10
    )
    out = io.StringIO()
    call_command("pii_remask", stdout=out)

    idea.refresh_from_db()
    assert idea.body == body
    assert idea.body_public == "제 번호는 900101.******* 이고 전화는 010ㅡ1234ㅡ**** 입니다. 2026.11.26 시작"
    assert idea.official_answer == "담당 010-1111-****, 대표 120"
    attachment.refresh_from_db()
    assert attachment.original_name == "계획서_010-3333-****.pdf"
    author.refresh_from_db()
    assert author.display_name == "연락 010_9999_****"
    assert idea.reference in out.getvalue()
    assert AuditEntry.objects.filter(action="personal_data.remask").count() == 1

    again = io.StringIO()
    call_command("pii_remask", stdout=again)
    assert "ideas: 0" in again.getvalue() and "attachments: 0" in again.getvalue()
    assert AuditEntry.objects.filter(action="personal_data.remask").count() == 1


def test_remask_dry_run_changes_nothing():
    body = "전화 010ㅡ1234ㅡ5678"
    idea = IdeaFactory(body=body, body_public=body)
    out = io.StringIO()
    call_command("pii_remask", "--dry-run", stdout=out)
    idea.refresh_from_db()
    assert idea.body_public == body and "ideas: 1" in out.getvalue()
