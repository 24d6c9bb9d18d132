"""Named permissions of comments, combined once from predicates."""

import rules

from core.roles import is_signed_in

from .predicates import is_comment_author, is_deleted, target_is_open, within_edit_window

# Signed-in users comment on what is open for comments (asked with the target).
rules.add_perm("comments.add_comment", is_signed_in & target_is_open)
# Only the comment's author edits (within the edit window) or deletes it; the target's author hides
# others' comments only by reporting them (`moderation.report_item`).
rules.add_perm("comments.change_comment", is_signed_in & is_comment_author & ~is_deleted & within_edit_window)
rules.add_perm("comments.delete_comment", is_signed_in & is_comment_author & ~is_deleted)
