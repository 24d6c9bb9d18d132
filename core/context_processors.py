"""Template context every page gets."""

from django.utils.functional import SimpleLazyObject

from .notify import unread_count


def unread_notifications(request) -> dict:
    """The nav badge's unread count: counted only when a template shows it (signed-in users)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
