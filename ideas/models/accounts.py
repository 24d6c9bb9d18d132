import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import RoleHolder


class CitizenUserManager(UserManager):
    """Users sign in by e-mail; the username is derived and never shown."""

    def _create_user(self, username, email, password, **extra_fields):
        if not username:
            username = (email or "").lower() or secrets.token_hex(8)
        return super()._create_user(username, email, password, **extra_fields)


class User(RoleHolder, AbstractUser):
    """An account: a citizen, or staff in one of the role groups (see `core.roles.Role`).

    No resident registration number is ever collected. The personal-information collection
    consent is stored with the notice version and the time it was given.
    """

    email = models.EmailField(_("이메일"), unique=True)
    display_name = models.CharField(_("표시 이름"), max_length=30, blank=True)
    organisation = models.CharField(
        _("소속 기관/단체"),
        max_length=100,
        blank=True,
        help_text=_("심사 이해충돌 확인에 쓰입니다. 공개되지 않습니다."),
    )
    privacy_consent_version = models.CharField(_("동의한 개인정보 안내 버전"), max_length=20, blank=True)
    privacy_consent_at = models.DateTimeField(_("개인정보 수집 동의 일시"), null=True, blank=True)

    objects = CitizenUserManager()

    class Meta:
        verbose_name = _("회원")
        verbose_name_plural = _("회원")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown publicly: the display name, or a masked e-mail. Always a plain `str`
        (translated now), never a lazy string: `__str__`, JSON and the admin need a real one."""
        if not self.is_active and self.email.startswith("withdrawn-"):
            return gettext("탈퇴한 회원")
        if self.display_name:
            return self.display_name
        local = (self.email or self.username).split("@")[0]
        return (local[:2] + "***") if local else gettext("시민")
