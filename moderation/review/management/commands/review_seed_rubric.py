"""Create the contest's review panel if needed and give it Seoul's 2018 rubric (30/20/30/20)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ideas.models import ContestPage
from moderation.review.services import review_panel_ensure, review_rubric_seed_seoul2018


class Command(BaseCommand):
    help = "2018 서울시 일자리 아이디어 공모 평가 기준표를 심사위원단에 넣습니다."

    def add_arguments(self, parser):
        parser.add_argument("--contest", type=int, required=True, help="ContestPage id")

    def handle(self, *args, contest, **options):
        page = ContestPage.objects.filter(pk=contest).first()
        if page is None:
            raise CommandError(f"공모전 {contest}을(를) 찾을 수 없습니다.")
        panel = review_panel_ensure(contest=page)
        try:
            criteria = review_rubric_seed_seoul2018(panel=panel)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages))
        self.stdout.write(", ".join(f"{c.name} {c.weight}" for c in criteria))
