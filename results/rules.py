"""Named permissions of the results side, combined once from predicates (django-rules).

Staff who run projects (adopt ideas, import figures, confirm coordinators) are site admins and staff
given the Django permission `results.change_project` (the demo's 성과관리 TF group). A coordinator
updates only the projects they coordinate; a department member reports only their department's
programmes; only an idea's author answers its adoption.
"""

from __future__ import annotations

import rules

from core.roles import is_coordinator, is_signed_in, is_site_admin
from grievances.admin_rules import is_department_member
from grievances.membership import department_ids_of


@rules.predicate
def has_project_permission(user) -> bool:
    """Staff given the model permission to change projects (a group in the Wagtail admin)."""
    return user.is_authenticated and user.is_active and user.is_staff and user.has_perm("results.change_project")


@rules.predicate
def is_project_coordinator(user, project) -> bool:
    return project is not None and user.is_authenticated and project.coordinator_id == user.pk


@rules.predicate
def is_idea_author(user, adoption) -> bool:
    return adoption is not None and user.is_authenticated and adoption.idea.author_id == user.pk


@rules.predicate
def is_programme_department_member(user, programme) -> bool:
    return programme is not None and programme.department_id in department_ids_of(user)


can_manage_projects = is_site_admin | has_project_permission

rules.add_perm("results.manage_projects", can_manage_projects)
rules.add_perm("results.update_project", can_manage_projects | (is_coordinator & is_project_coordinator))
rules.add_perm("results.view_coordinator_projects", is_coordinator)
rules.add_perm("results.answer_adoption", is_signed_in & is_idea_author)
rules.add_perm("results.follow_project", is_signed_in)
rules.add_perm("results.report_programmes", can_manage_projects | is_department_member)
rules.add_perm(
    "results.report_programme", can_manage_projects | (is_department_member & is_programme_department_member)
)
