"""E-mail reviewers who still have unsubmitted score sheets (run daily during the review phase)."""

from django.core.management.base import BaseCommand, CommandError

from ideas.models import ContestPage
from moderation.review.services import review_remind


class Command(BaseCommand):
    help = "제출하지 않은 심사표가 있는 심사위원에게 안내 메일을 보냅니다."

    def add_arguments(self, parser):
        parser.add_argument("--contest", type=int, default=None, help="ContestPage id (생략하면 심사 중인 모든 공모전)")

    def handle(self, *args, contest=None, **options):
        page = None
        if contest is not None:
            page = ContestPage.objects.filter(pk=contest).first()
            if page is None:
                raise CommandError(f"공모전 {contest}을(를) 찾을 수 없습니다.")
        sent = review_remind(contest=page)
        self.stdout.write(f"reminders sent: {sent}")
