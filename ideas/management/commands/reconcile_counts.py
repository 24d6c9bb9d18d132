"""manage.py reconcile_counts: recount the stored 공감 counts from the support rows (idempotent)."""

import time

from django.core.management.base import BaseCommand

from ideas.counters import support_counts_reconcile


class Command(BaseCommand):
    help = "아이디어마다 저장된 공감 수를 공감 행에서 다시 세어 맞춥니다 (여러 번 실행해도 같습니다)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=20000)

    def handle(self, *args, batch_size: int, **options):
        started = time.perf_counter()
        fixed = support_counts_reconcile(batch_size=batch_size)
        self.stdout.write(f"공감 수를 고친 아이디어: {fixed}개 ({time.perf_counter() - started:.1f}초)")
