"""How comments handle ideas: the `IdeaCommentTarget`, registered in `IdeasConfig.ready()`.

Published ideas take comments from signed-in users; while the idea's contest is reviewed blind, the
idea author's own comments show "작성자" instead of their name (the one rule `ideas.view_author_name`);
a new or removed comment drops the cached anonymous pages.
"""

from __future__ import annotations

import rules

from comments.targets import CommentTarget, register

from .cache import public_pages_changed
from .models import Idea


class IdeaCommentTarget(CommentTarget):
    def show_author_name(self, target, *, viewer) -> bool:
        return rules.has_perm("ideas.view_author_name", viewer, target)

    def is_visible_to(self, target, user) -> bool:
        return rules.has_perm("ideas.view_idea", user, target)

    def title(self, target) -> str:
        return target.public_title

    def changed(self, target) -> None:
        public_pages_changed()

    def lookup(self, model, pk):
        return model.objects.select_related("contest", "author").filter(pk=pk).first()


def register_ideas_comments() -> None:
    register(Idea, IdeaCommentTarget())
