"""What comments need to know about the thing commented on: the registry of comment targets.

The comments app knows no kind of submission. An app whose items take comments registers a
`CommentTarget` (or a subclass) for its model in its `AppConfig.ready()`:

    from comments.targets import CommentTarget, register
    register(Idea, IdeaCommentTarget())

and renders `comments/thread.html` with `comments.selectors.comment_thread(target=…, user=…)` on the
item's page. Everything else — the form endpoints, screening, reports, notifications of the author and
followers, the API — is shared.
"""

from __future__ import annotations

from django.db import models


class CommentTarget:
    """The generic adapter: reads the conventional attributes (`is_public`, `author`,
    `get_absolute_url`). Override a method in a subclass when the kind has its own rules."""

    def is_open(self, target) -> bool:
        """Whether signed-in users may comment on it now (default: it is public)."""
        return bool(getattr(target, "is_public", False))

    def is_visible_to(self, target, user) -> bool:
        """Whether `user` may read it and its comments (default: it is public)."""
        return bool(getattr(target, "is_public", False))

    def premoderated(self, target) -> bool:
        """Pre-moderation: every comment waits for a moderator (default: no, only flagged ones)."""
        return False

    def author(self, target):
        """The target's author: notified of comments; their own comments may be shown anonymised."""
        return getattr(target, "author", None)

    def show_author_name(self, target, *, viewer) -> bool:
        """Whether the target author's name may be shown to `viewer` (next to their own comments).
        Ideas answer with their blind-review rule; by default, yes."""
        return True

    def url(self, target) -> str:
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""

    def title(self, target) -> str:
        return getattr(target, "public_title", None) or getattr(target, "title_public", None) or str(target)

    def changed(self, target) -> None:
        """Called after a comment on `target` appears, changes or disappears (e.g. to drop cached pages)."""

    def lookup(self, model: type[models.Model], pk: int):
        """The target with primary key `pk`, or None."""
        return model._default_manager.filter(pk=pk).first()


_REGISTRY: dict[type[models.Model], tuple[str, CommentTarget]] = {}


def register(model: type[models.Model], adapter: CommentTarget | None = None) -> None:
    """Let items of `model` take comments, with `adapter` (the generic one if None). The kind's key in
    URLs and the API is the model's label (`ideas.idea`)."""
    _REGISTRY[model] = (model._meta.label_lower, adapter or CommentTarget())


def adapter_for(target_or_model) -> CommentTarget:
    cls = target_or_model if isinstance(target_or_model, type) else type(target_or_model)
    for klass in cls.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass][1]
    raise LookupError(f"{cls.__name__} does not take comments (comments.targets.register)")


def is_target(target_or_model) -> bool:
    cls = target_or_model if isinstance(target_or_model, type) else type(target_or_model)
    return any(k in _REGISTRY for k in cls.__mro__)


def key_of(target_or_model) -> str:
    cls = target_or_model if isinstance(target_or_model, type) else type(target_or_model)
    for klass in cls.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass][0]
    raise LookupError(cls.__name__)


def model_for_key(key: str) -> type[models.Model] | None:
    """The registered model whose key is `key`, or None (unknown keys are a 404, never an error)."""
    for model, (k, _adapter) in _REGISTRY.items():
        if k == (key or "").lower():
            return model
    return None


def target_get(*, key: str, pk) -> object | None:
    """The registered target `key`/`pk`, or None."""
    model = model_for_key(key)
    if model is None or pk is None:
        return None
    return adapter_for(model).lookup(model, pk)


def keys() -> list[str]:
    return sorted(k for k, _a in _REGISTRY.values())
