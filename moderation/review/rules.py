"""Named permissions of the review panel, combined once from predicates (autodiscovered by rules)."""

import rules

from ideas.predicates import is_moderator, is_reviewer, is_site_admin

from .predicates import is_assigned_reviewer, scoring_is_open

is_review_staff = is_moderator | is_site_admin

rules.add_perm("review.access_queue", is_reviewer)
rules.add_perm("review.view_entry", is_reviewer & is_assigned_reviewer)
rules.add_perm("review.score_entry", is_reviewer & is_assigned_reviewer & scoring_is_open)
rules.add_perm("review.declare_conflict", is_reviewer & is_assigned_reviewer & scoring_is_open)
rules.add_perm("review.manage_panel", is_review_staff)
rules.add_perm("review.export_scores", is_review_staff)

# Model permissions the Wagtail snippet views ask for.
for _model in ("reviewpanel", "conflictdeclaration"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"review.{_action}_{_model}", is_review_staff)
