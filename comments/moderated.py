"""How moderation handles comments: the `CommentItem` adapter, registered in `CommentsConfig.ready()`.

Comments go through moderation's one code path (screening, masking, reports, decisions, audit); this
adapter says what is particular to them: they appear at once unless screening finds something or the
target is pre-moderated, their first publication is announced to the target's author and followers,
and the target's page is told when one appears or disappears.
"""

from __future__ import annotations

from moderation.items import ModeratedItem, register

from .models import Comment
from .targets import adapter_for as target_adapter_for


class CommentItem(ModeratedItem):
    def _target(self, item):
        return item.target_type.get_object_for_this_type(pk=item.target_id)

    def _changed(self, item) -> None:
        target = self._target(item)
        target_adapter_for(target).changed(target)

    def publishes_unflagged(self, item) -> bool:
        """Public at once when nothing was found, unless the target is pre-moderated."""
        target = self._target(item)
        return not target_adapter_for(target).premoderated(target)

    def recent_count_by_author(self, item, *, since) -> int:
        # A conversation is not a burst: comments are rate-limited before they are saved
        # (`comments.services.COMMENT_LIMITS`), so the submission burst check does not apply.
        return 0

    def duplicate_scope(self, item):
        return type(item).objects.filter(target_type_id=item.target_type_id, target_id=item.target_id)

    def is_reportable(self, item) -> bool:
        return item.is_public

    def publish(self, item, *, when=None) -> bool:
        done = super().publish(item, when=when)
        if done:
            from .services import comment_announce

            comment_announce(comment=item)
            self._changed(item)
        return done

    def unpublish(self, item) -> None:
        super().unpublish(item)
        self._changed(item)

    def hide(self, item, *, when=None) -> bool:
        done = super().hide(item, when=when)
        self._changed(item)
        return done

    def unhide(self, item) -> bool:
        done = super().unhide(item)
        self._changed(item)
        return done


def register_comments_moderation() -> None:
    register(Comment, CommentItem())
