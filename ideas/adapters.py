from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.http import client_ip

LOGIN_LOCKED_MESSAGE = _(
    "로그인에 여러 번 실패해 잠시 잠겼습니다. 몇 분 뒤에 다시 시도하거나 비밀번호 찾기를 이용해 주세요."
)


class AccountAdapter(DefaultAccountAdapter):
    """Usernames are not used: derive one from the e-mail so Wagtail's admin still has one.
    The client address is the site's own `client_ip` (trusted-proxy chain), so allauth's rate
    limits count per real client, not per proxy."""

    error_messages = {**DefaultAccountAdapter.error_messages, "too_many_login_attempts": LOGIN_LOCKED_MESSAGE}

    def populate_username(self, request, user):
        if not user.username:
            user.username = (user.email or "").lower()[:150]

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied(_("접속 주소를 확인할 수 없습니다."))
        return ip
