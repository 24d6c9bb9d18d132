"""Daily: e-mail each digest user their notifications not yet mailed (idempotent; run from cron)."""

from django.core.management.base import BaseCommand

from core.notify import notification_digest_send


class Command(BaseCommand):
    help = "하루 한 번 모아 받기를 고른 사용자에게 아직 보내지 않은 알림을 한 통으로 보냅니다."

    def handle(self, *args, **options):
        sent = notification_digest_send()
        self.stdout.write(f"notification digests sent: {sent}")
