"""Give (or take back) the expert role (전문가) with an affiliation, on behalf of a staff account."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.audit import SYSTEM
from core.experts import expert_grant, expert_revoke


class Command(BaseCommand):
    help = "전문가 역할을 소속과 함께 부여하거나(--affiliation) 회수합니다(--revoke). --by 로 처리한 운영진을 적습니다."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="전문가로 지정할 회원의 이메일")
        parser.add_argument("--affiliation", default="", help="의견 옆에 보일 소속")
        parser.add_argument("--by", required=True, help="처리한 운영진의 이메일 (감사 기록)")
        parser.add_argument("--revoke", action="store_true", help="전문가 역할 회수")

    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(email__iexact=options["email"]).first()
        actor = User.objects.filter(email__iexact=options["by"]).first()
        if user is None:
            raise CommandError(f"회원을 찾을 수 없습니다: {options['email']}")
        if actor is None:
            raise CommandError(f"운영진 계정을 찾을 수 없습니다: {options['by']}")
        try:
            if options["revoke"]:
                expert_revoke(user=user, actor=actor, context=SYSTEM)
                self.stdout.write(f"{user.email}: 전문가 역할을 회수했습니다.")
            else:
                profile = expert_grant(user=user, affiliation=options["affiliation"], actor=actor, context=SYSTEM)
                self.stdout.write(f"{user.email}: 전문가 ({profile.affiliation})")
        except (PermissionDenied, ValidationError) as e:
            raise CommandError(" ".join(getattr(e, "messages", [str(e)]))) from e
