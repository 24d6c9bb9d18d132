"""Unsubscribe links that work without signing in: signed tokens (django.core.signing) naming the user
and, optionally, the thing they follow. One link turns notification e-mail off (`EmailFrequency.NEVER`),
the other stops following one target. A tampered or expired token is an `UnsubscribeError` with a
Korean message, never a server error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import EmailFrequency, Follow, NotificationSetting

SALT = "core.unsubscribe"
#: How long an unsubscribe link in an e-mail keeps working.
MAX_AGE = timedelta(days=90)


class UnsubscribeError(Exception):
    """The link cannot be used; `str(error)` is the Korean message to show."""


@dataclass(frozen=True)
class Unsubscribe:
    user: object
    content_type: ContentType | None
    object_id: str

    @property
    def is_unfollow(self) -> bool:
        return self.content_type is not None


def unsubscribe_token(*, user, target=None) -> str:
    """A signed token for `user`: with `target`, "stop following it"; without, "no more e-mail"."""
    data: dict = {"u": user.pk}
    if target is not None:
        data["c"] = ContentType.objects.get_for_model(target).pk
        data["o"] = str(target.pk)
    return signing.dumps(data, salt=SALT, compress=True)


def unsubscribe_url(*, user, target=None) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user=user, target=target)})


def unsubscribe_read(token: str) -> Unsubscribe:
    """What a token asks for. UnsubscribeError if it was altered, has expired or names nobody."""
    try:
        data = signing.loads(str(token or "")[:1000], salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise UnsubscribeError(_("링크의 유효 기간이 지났습니다. 로그인한 뒤 '알림 설정'에서 바꿔 주세요.")) from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise UnsubscribeError(_("올바르지 않은 링크입니다. 메일에 있는 링크를 그대로 열어 주세요.")) from None
    user = None
    if isinstance(data, dict) and isinstance(data.get("u"), int):
        user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        raise UnsubscribeError(_("이 링크의 계정을 찾을 수 없습니다."))
    content_type = None
    if data.get("c") is not None:
        content_type = ContentType.objects.filter(pk=data["c"]).first() if isinstance(data["c"], int) else None
        if content_type is None:
            raise UnsubscribeError(_("올바르지 않은 링크입니다. 메일에 있는 링크를 그대로 열어 주세요."))
    return Unsubscribe(user=user, content_type=content_type, object_id=str(data.get("o") or ""))


def unsubscribe_apply(token: str) -> str:
    """Do what the token asks (idempotent). Returns the Korean message saying what was done."""
    request = unsubscribe_read(token)
    if request.is_unfollow:
        Follow.objects.filter(
            user=request.user, content_type=request.content_type, object_id=request.object_id
        ).delete()
        return _("이 글을 더 이상 팔로우하지 않습니다. 새 소식 알림이 오지 않습니다.")
    NotificationSetting.objects.update_or_create(user=request.user, defaults={"email": EmailFrequency.NEVER})
    return _("알림 메일을 더 이상 보내지 않습니다. 사이트의 '내 알림'에서는 계속 볼 수 있습니다.")
