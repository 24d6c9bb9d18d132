"""Named permissions of the grievance board, combined once from predicates (django-rules).

`grievances.view_grievance` is the one visibility rule (pages, API, photos); `Grievance.objects.visible_to`
is its queryset twin, tested to agree.
"""

import rules

from core.roles import is_citizen, is_moderator, is_signed_in, is_site_admin
from ideas.predicates import has_privacy_consent

from .choices import CLOSED_STATUSES, OPEN_STATUSES, GrievanceStatus
from .membership import department_ids_of


@rules.predicate
def is_active_field_worker(user) -> bool:
    """A field worker staff granted (the role) and tied to an organisation, still active."""
    if not user.is_authenticated:
        return False
    from core.roles import Role

    if not user.has_role(Role.FIELD_WORKER):
        return False
    profile = getattr(user, "field_worker", None)
    return profile is not None and profile.is_active


@rules.predicate
def is_author(user, grievance) -> bool:
    return grievance is not None and user.is_authenticated and grievance.author_id == user.pk


@rules.predicate
def is_public(user, grievance) -> bool:
    return grievance is not None and grievance.is_public


@rules.predicate
def is_draft(user, grievance) -> bool:
    return grievance is not None and grievance.status == GrievanceStatus.DRAFT


@rules.predicate
def is_open(user, grievance) -> bool:
    return grievance is not None and grievance.status in OPEN_STATUSES


@rules.predicate
def is_closed(user, grievance) -> bool:
    return grievance is not None and grievance.status in CLOSED_STATUSES


@rules.predicate
def is_department_member(user, grievance) -> bool:
    """A member of the department the post is routed to now."""
    if grievance is None or not user.is_authenticated or grievance.department_id is None:
        return False
    return grievance.department.members.filter(pk=user.pk).exists()


@rules.predicate
def is_in_a_department(user) -> bool:
    return user.is_authenticated and user.departments.exists()


@rules.predicate
def rated_by_receipt_code(user, grievance) -> bool:
    """Posts written for a person met in the field are rated by that person (their receipt code), not
    by the field worker who wrote them down."""
    return grievance is not None and bool(grievance.receipt_code_digest)


# Who may write posts at all: citizens (marked as citizens) and field workers; moderators only on
# someone's behalf (대리 접수).
can_post = is_signed_in & has_privacy_consent & (is_citizen | is_active_field_worker)
rules.add_perm("grievances.post_grievance", can_post)
rules.add_perm("grievances.post_as_field_worker", is_active_field_worker)
rules.add_perm("grievances.post_on_behalf", is_active_field_worker | is_moderator)
rules.add_perm("grievances.edit_draft", is_author & is_draft)

can_view = is_public | is_author | is_department_member | is_moderator
rules.add_perm("grievances.view_grievance", can_view)
rules.add_perm("grievances.follow_grievance", is_signed_in & can_view & ~is_draft)

# Staff confirm or change the routing; a department answers only its own posts.
rules.add_perm("grievances.route_grievance", is_moderator | is_site_admin)
rules.add_perm("grievances.answer_grievance", is_open & (is_department_member | is_moderator))
rules.add_perm("grievances.merge_grievance", is_open & (is_department_member | is_moderator))
rules.add_perm("grievances.view_inbox", is_in_a_department | is_moderator | is_site_admin)

# The person an answer concerns rates it and may ask once for a further answer; with a receipt code
# the view checks the code (no account), otherwise the poster.
rules.add_perm("grievances.rate_grievance", is_author & ~rated_by_receipt_code)


# ---- 상시 제안 ideas referred to a department ------------------------------------------------------


@rules.predicate
def is_referral_open(user, referral) -> bool:
    return referral is not None and referral.is_open


@rules.predicate
def is_member_of_referral_department(user, referral) -> bool:
    """A staff member of the department the idea is referred to now."""
    if referral is None or not user.is_authenticated or not user.is_staff:
        return False
    return referral.department_id in department_ids_of(user)


@rules.predicate
def is_standing_idea(user, idea) -> bool:
    return idea is not None and idea.contest.is_standing


# Staff refer a standing idea; the department's members (or moderators) answer or pass it on.
rules.add_perm("grievances.refer_idea", (is_moderator | is_site_admin) & is_standing_idea)
rules.add_perm("grievances.answer_referral", is_referral_open & (is_member_of_referral_department | is_moderator))
rules.add_perm("grievances.view_referral", is_member_of_referral_department | is_moderator | is_site_admin)
