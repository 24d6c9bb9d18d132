"""Who may use the staff side of the board in the Wagtail admin (the department inbox, the post page,
the dashboard, the exports).

A member of an active department (a staff account that `Department.members` lists) enters the Wagtail
admin for their inbox without a group of their own: staff grant it by adding them to the department.
Moderators and site admins see every department's posts. The rules on posts themselves
(`grievances.answer_grievance`, `grievances.route_grievance`) are the app's (`grievances/rules.py`); the
services check them again.
"""

from __future__ import annotations

import rules

from core.roles import is_moderator

from . import rules as _grievance_rules  # noqa: F401 - the app's named rules, used beside these
from .membership import department_ids_of


@rules.predicate
def is_department_member(user) -> bool:
    """A staff account in at least one active department."""
    return user.is_authenticated and user.is_active and user.is_staff and bool(department_ids_of(user))


@rules.predicate
def is_member_of_post_department(user, grievance) -> bool:
    """The post's current department is one of the user's (staff accounts only)."""
    return (
        grievance is not None
        and grievance.department_id is not None
        and user.is_authenticated
        and user.is_staff
        and grievance.department_id in department_ids_of(user)
    )


# The department inbox, its exports and the dashboard figures: `grievances.view_inbox` (grievances/rules.py).
#: One post's page in the admin (full text, history, the action forms): its department's members and
#: moderators, whatever its status (the actions themselves check `grievances.answer_grievance` etc.).
rules.add_perm("grievances.admin_view_post", is_member_of_post_department | is_moderator)

# Department members reach their inbox through the Wagtail admin; moderators and site admins have it
# already (their group / superuser).
if not rules.perm_exists("wagtailadmin.access_admin"):
    rules.add_perm("wagtailadmin.access_admin", is_department_member)
