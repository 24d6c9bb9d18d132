"""Assign reviewers to a contest's entries (or, with --due, to every contest whose screening closed)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ideas.models import ContestPage
from moderation.review.services import review_assign, review_assign_due


class Command(BaseCommand):
    help = "심사위원을 배정합니다: --contest ID [--seed N], 또는 주기 실행용 --due."

    def add_arguments(self, parser):
        parser.add_argument("--contest", type=int, help="ContestPage id")
        parser.add_argument("--seed", type=int, default=None, help="난수 시드(재현용)")
        parser.add_argument("--due", action="store_true", help="검토가 끝났고 아직 배정하지 않은 모든 공모전")

    def handle(self, *args, contest=None, seed=None, due=False, **options):
        if due:
            done = review_assign_due()
            self.stdout.write(f"assigned contests: {done}")
            return
        if contest is None:
            raise CommandError("--contest ID 또는 --due 가 필요합니다.")
        page = ContestPage.objects.filter(pk=contest).first()
        if page is None:
            raise CommandError(f"공모전 {contest}을(를) 찾을 수 없습니다.")
        try:
            result = review_assign(contest=page, seed=seed)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages))
        self.stdout.write(f"seed={result.seed} entries={len(result.by_entry)} short={len(result.short)}")
