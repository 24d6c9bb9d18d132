"""manage.py load_fake_ideas --n 100000: many realistic ideas for load tests (ideas_site.fake).

Then, unless --no-index: the search index (`update_index --ideas-only`) and the stored counts
(`reconcile_counts`), the same commands that make any bulk import whole.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ideas_site.fake import load_fake_ideas


class Command(BaseCommand):
    help = "부하 시험용 아이디어를 대량으로 만듭니다 (작성자, 공감, 태그, 상태 포함)."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=10000)
        parser.add_argument("--supports-per-idea", type=float, default=3.0)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="분석, 검색 색인과 공감 수 맞추기를 건너뜁니다 (update_index가 나중에)",
        )

    def handle(self, *args, n, supports_per_idea, seed, no_index, **options):
        if n < 1:
            raise CommandError("--n은 1 이상이어야 합니다.")
        started = time.perf_counter()
        try:
            done = load_fake_ideas(
                n=n,
                supports_per_idea=supports_per_idea,
                seed=seed,
                analyse=not no_index,
                progress=lambda m: self.stdout.write(m),
            )
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{done} ({time.perf_counter() - started:.0f}초)")
        if not no_index:
            call_command("update_index", "--ideas-only", stdout=self.stdout)
            call_command("reconcile_counts", stdout=self.stdout)
        self.stdout.write(f"완료 ({time.perf_counter() - started:.0f}초)")
