"""Named permissions of the review panel, combined once from predicates (autodiscovered by rules)."""

import rules

from core.roles import is_moderator, is_reviewer, is_site_admin
from ideas.predicates import is_author

from .predicates import (
    has_published_decision,
    is_assigned_reviewer,
    results_not_yet_published,
    scoring_has_closed,
    scoring_is_open,
)

is_review_staff = is_moderator | is_site_admin

rules.add_perm("review.access_queue", is_reviewer)
rules.add_perm("review.view_entry", is_reviewer & is_assigned_reviewer)
rules.add_perm("review.score_entry", is_reviewer & is_assigned_reviewer & scoring_is_open)
rules.add_perm("review.declare_conflict", is_reviewer & is_assigned_reviewer & scoring_is_open)
# Any assigned reviewer may say an entry reveals its author, even after scoring closed.
rules.add_perm("review.flag_identifying", is_reviewer & is_assigned_reviewer)
rules.add_perm("review.manage_panel", is_review_staff)
rules.add_perm("review.export_scores", is_review_staff)
# Asked with the panel: decisions are taken after scoring closed and before the results are out.
rules.add_perm("review.decide", is_review_staff & scoring_has_closed & results_not_yet_published)
rules.add_perm("review.publish_results", is_review_staff & scoring_has_closed & results_not_yet_published)
# 이의신청: the entry's author, once its decision is published (the window is checked by the service,
# which answers a late filing with a Korean error rather than a bare 403).
rules.add_perm("review.file_objection", is_author & has_published_decision)
rules.add_perm("review.answer_objection", is_review_staff)

# Model permissions the Wagtail snippet views ask for.
for _model in ("reviewpanel", "conflictdeclaration"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"review.{_action}_{_model}", is_review_staff)
