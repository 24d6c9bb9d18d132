"""Named permissions of the ideas app, combined once from predicates."""

import rules

from core.roles import (
    is_authenticated,
    is_citizen,
    is_field_worker,
    is_moderator,
    is_reviewer,
    is_site_admin,
)

from .predicates import (
    contest_accepts_submissions,
    contest_accepts_supports,
    contest_in_blind_review,
    has_privacy_consent,
    invitation_is_pending,
    invited_round_accepts_entries,
    is_author,
    is_editable_status,
    is_invitee,
    is_on_standing_board,
    is_public,
)

# Citizens and field workers write ideas; moderators and reviewers judge them, so they do not.
can_write_ideas = (is_citizen | is_field_worker) & has_privacy_consent

rules.add_perm("ideas.submit_idea", can_write_ideas & contest_accepts_submissions)
rules.add_perm("ideas.edit_own_idea", is_author & is_editable_status & contest_accepts_submissions)
rules.add_perm("ideas.withdraw_own_idea", is_author & is_editable_status & contest_accepts_submissions)
rules.add_perm("ideas.support_idea", (is_citizen | is_field_worker) & is_public & ~is_author & contest_accepts_supports)
# The one visibility rule: pages, API, attachments, search and the similar box all go through it
# (`Idea.objects.visible_to(user)` is its queryset twin, tested to agree). Reviewers see an entry
# here only when it is public; their scoring screen has its own rule (`review.view_entry`).
can_view_idea = is_public | is_author | is_moderator
rules.add_perm("ideas.view_idea", can_view_idea)
# Taking a 공감 back follows the same phase rule as giving one.
rules.add_perm("ideas.unsupport_idea", is_authenticated & can_view_idea & contest_accepts_supports)

rules.add_perm("ideas.view_personal_data", is_moderator | is_site_admin)
# Entries are reviewed blind: while the idea's contest is in review (until the panel publishes its
# results) no surface names the author, for anyone but the author. Asked with the idea.
rules.add_perm("ideas.view_author_name", is_author | ~contest_in_blind_review)
# The triage screen: reviewers plan their work and correct tracks and tags (blind: masked texts only,
# never the author nor the raw text); only moderators and site admins start a re-fit.
rules.add_perm("nlp.view_triage", is_moderator | is_reviewer | is_site_admin)
rules.add_perm("nlp.change_triage", is_moderator | is_reviewer | is_site_admin)
rules.add_perm("nlp.refit_triage", is_moderator | is_site_admin)
# 상시 제안: staff invite a standing idea into an open round; only its author answers, once, while
# the round accepts entries.
rules.add_perm("ideas.invite_idea", (is_moderator | is_site_admin) & is_on_standing_board)
rules.add_perm("ideas.answer_invitation", is_invitee & invitation_is_pending & invited_round_accepts_entries)
