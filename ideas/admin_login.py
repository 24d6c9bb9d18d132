"""Wagtail's admin login with the site login's brute-force lock.

Failed attempts are counted by django-allauth's `login_failed` rate limit (`ACCOUNT_RATE_LIMITS`):
the same cache store, the same limits and the same counters (per client address and per account)
as the site login, so an account locked on one form is locked on the other.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.forms.utils import ErrorDict
from wagtail.admin.views.account import LoginView

from .adapters import LOGIN_LOCKED_MESSAGE


class RateLimitedLoginView(LoginView):
    """Counts every POST as a failed attempt before checking the password (so parallel guesses
    are counted too) and gives the attempt back when the login succeeds; a locked client or
    account gets the form again with a Korean message and status 429, the password unchecked."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        login = (form.data.get("username") or "").strip()
        key = get_adapter(request)._get_login_attempts_cache_key(request, email=login)
        usage = ratelimit.consume(request, app="allauth.account", action="login_failed", key=key)
        if usage is None:
            form._errors, form.cleaned_data = ErrorDict(), {}
            form.add_error(None, str(LOGIN_LOCKED_MESSAGE))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            usage.rollback()
        return response
