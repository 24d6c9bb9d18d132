from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from core.http import client_ip

LOGIN_LOCKED_MESSAGE = _(
    "로그인에 여러 번 실패해 잠시 잠겼습니다. 몇 분 뒤에 다시 시도하거나 비밀번호 찾기를 이용해 주세요."
)


@dataclass(frozen=True)
class MailSite:
    """The site as the account e-mails name it: its name ("일사천리"), not the host and port of
    the request (what allauth's `get_current_site` gives without django.contrib.sites)."""

    name: str
    domain: str
    url: str


def mail_site(request) -> MailSite:
    """The Wagtail site serving `request`: its `site_name`, else `WAGTAIL_SITE_NAME`."""
    site = Site.find_for_request(request) if request is not None else None
    name = (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME
    url = request.build_absolute_uri("/") if request is not None else settings.WAGTAILADMIN_BASE_URL
    return MailSite(name=name, domain=request.get_host() if request is not None else "", url=url)


class AccountAdapter(DefaultAccountAdapter):
    """Usernames are not used: derive one from the e-mail so Wagtail's admin still has one.
    The client address is the site's own `client_ip` (trusted-proxy chain), so allauth's rate
    limits count per real client, not per proxy."""

    error_messages = {**DefaultAccountAdapter.error_messages, "too_many_login_attempts": LOGIN_LOCKED_MESSAGE}

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account e-mail names the site by its name (templates/account/email/)."""
        super().send_mail(template_prefix, email, {**context, "current_site": mail_site(self.request)})

    def populate_username(self, request, user):
        if not user.username:
            user.username = (user.email or "").lower()[:150]

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied(_("접속 주소를 확인할 수 없습니다."))
        return ip
