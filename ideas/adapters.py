from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Usernames are not used: derive one from the e-mail so Wagtail's admin still has one."""

    def populate_username(self, request, user):
        if not user.username:
            user.username = (user.email or "").lower()[:150]
