"""E-mail each department its overdue posts and those due soon (run weekly from cron, e.g. Monday 08:00)."""

from django.core.management.base import BaseCommand, CommandError

from grievances.digest import DEFAULT_DUE_WITHIN, digest_message, digest_plan, grievance_digest_send


class Command(BaseCommand):
    help = "부서마다 답변 기한이 지났거나 다가온 현장 건의를 메일로 알립니다 (한 주에 한 번)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DUE_WITHIN,
            help=f"기한이 이 근무일 수 안에 드는 글도 알립니다 (기본 {DEFAULT_DUE_WITHIN}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="보내지 않고 보낼 내용만 보여 줍니다.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 0 or days > 60:
            raise CommandError("--days는 0부터 60까지입니다.")
        if dry_run:
            for plan in digest_plan(due_within=days):
                subject, body = digest_message(plan)
                state = (
                    "이번 주 이미 보냄"
                    if plan.already_sent
                    else ("받는 사람 없음" if not plan.recipients else "보낼 예정")
                )
                self.stdout.write(f"== {plan.department.name} ({state}) → {', '.join(plan.recipients) or '-'}")
                self.stdout.write(subject)
                self.stdout.write(body)
            return
        sent = grievance_digest_send(due_within=days)
        self.stdout.write(f"digests sent: {len(sent)}")
