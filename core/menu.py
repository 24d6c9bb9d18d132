"""Admin menu items shown only to the users a `rules` permission allows (the rule, not the Django
permission table, decides: `rules.has_perm` gives a superuser nothing the rule does not)."""

from __future__ import annotations

import rules
from wagtail.admin.menu import MenuItem, SubmenuMenuItem


class RuleMenuItem(MenuItem):
    """A menu item shown only to users the named rule allows."""

    def __init__(self, *args, rule: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request):
        return rules.has_perm(self.rule, request.user)


class RuleSubmenuMenuItem(SubmenuMenuItem):
    """A submenu shown only to users the named rule allows, and only when it has an item to show."""

    def __init__(self, *args, rule: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request):
        return rules.has_perm(self.rule, request.user) and super().is_shown(request)
