"""Named permissions of comments, combined once from predicates."""

import rules

from core.editing import may_delete, may_edit
from core.roles import is_signed_in
from moderation.rules import is_withheld_by_moderator

from .predicates import target_is_open

# Signed-in users comment on what is open for comments (asked with the target).
rules.add_perm("comments.add_comment", is_signed_in & target_is_open)
# Only the comment's author edits (within the edit window, unless a moderator withheld it) or deletes
# it: the shared rules of `core.editing`. The target's author hides others' comments only by reporting
# them (`moderation.report_item`).
rules.add_perm("comments.change_comment", may_edit & ~is_withheld_by_moderator)
rules.add_perm("comments.delete_comment", may_delete)
