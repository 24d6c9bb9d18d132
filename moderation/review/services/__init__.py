"""Services of the review panel, one module per concern: `panel` (panel and rubric), `assignment`
(assignment and conflicts of interest), `scoring`, `results` (decisions and publishing).

Every staff action is audited through `core.audit.audit_record`; every status change of an
idea goes through `ideas.services.idea_change_status`."""

from .assignment import (
    review_assign,
    review_assign_due,
    review_assignment_add,
    review_assignment_remove,
    review_conflict_declare,
)
from .objections import review_objection_answer, review_objection_file
from .panel import review_member_add, review_panel_ensure, review_rubric_seed_seoul2018
from .results import review_decide, review_results_publish
from .scoring import review_identifying_flag, review_remind, review_score_save, review_score_submit

__all__ = [
    "logger",
    "review_assign",
    "review_assign_due",
    "review_assignment_add",
    "review_assignment_remove",
    "review_conflict_declare",
    "review_decide",
    "review_identifying_flag",
    "review_member_add",
    "review_objection_answer",
    "review_objection_file",
    "review_panel_ensure",
    "review_remind",
    "review_results_publish",
    "review_rubric_seed_seoul2018",
    "review_score_save",
    "review_score_submit",
]
