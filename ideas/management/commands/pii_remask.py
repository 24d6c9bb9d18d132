"""Re-screen personal data already stored, after the detector improved.

`manage.py pii_remask` recomputes every idea's masked public copies (`*_public`) from the original
texts, re-screens official answers (the city's allowed numbers kept), attachment file names and
display names. The originals are never changed, so nothing already saved is lost; running it again
changes nothing (idempotent). Ideas whose text holds a resident registration number are listed, so
moderators can look at them. `--dry-run` only reports.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import audit_record
from ideas.models import Idea, IdeaAttachment, User
from moderation.items import adapter_for
from moderation.screening import screen_public_text

from ...services import official_answer_screen


class Command(BaseCommand):
    help = "저장된 공개용 사본(*_public), 공식 답변, 첨부 파일 이름, 표시 이름의 개인정보를 다시 가립니다."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="바꾸지 않고 바뀔 건수만 보여 줍니다.")

    def handle(self, *args, dry_run: bool = False, **options):
        with transaction.atomic():
            counts, with_rrn = remask_all()
            if dry_run:
                transaction.set_rollback(True)
            elif any(counts.values()):
                audit_record(actor=None, action="personal_data.remask", after={"changed": counts})
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
        if with_rrn:
            self.stdout.write("주민등록번호가 있는 아이디어 (공개 사본은 가렸음, 검토 필요): " + ", ".join(with_rrn))


def remask_all() -> tuple[dict[str, int], list[str]]:
    """Re-screen everything stored; returns the number of rows changed per kind and the
    references of ideas whose original text holds a resident registration number."""
    counts = {"ideas": 0, "official_answers": 0, "attachments": 0, "display_names": 0}
    with_rrn: list[str] = []
    for idea in Idea.objects.order_by("pk").iterator(chunk_size=500):
        adapter = adapter_for(idea)
        changed = []
        rrn = False
        for field, text in adapter.texts(idea).items():
            screened = screen_public_text(text, refuse=())
            rrn = rrn or "resident_number" in screened.found
            name = adapter.public_field(idea, field)
            if name and getattr(idea, name) != screened.text:
                setattr(idea, name, screened.text)
                changed.append(name)
        if rrn:
            with_rrn.append(idea.reference)
        if changed:
            Idea.objects.filter(pk=idea.pk).update(**{n: getattr(idea, n) for n in changed})
            counts["ideas"] += 1
        if idea.official_answer:
            answer = official_answer_screen(idea.official_answer)
            if answer != idea.official_answer:
                Idea.objects.filter(pk=idea.pk).update(official_answer=answer)
                counts["official_answers"] += 1
    for attachment in IdeaAttachment.objects.order_by("pk").iterator(chunk_size=500):
        name = screen_public_text(attachment.original_name, refuse=()).text
        if name != attachment.original_name:
            IdeaAttachment.objects.filter(pk=attachment.pk).update(original_name=name)
            counts["attachments"] += 1
    for user in User.objects.exclude(display_name="").order_by("pk").iterator(chunk_size=500):
        name = screen_public_text(user.display_name, refuse=()).text
        if name != user.display_name:
            User.objects.filter(pk=user.pk).update(display_name=name)
            counts["display_names"] += 1
    return counts, with_rrn
