"""The forum plugs into the home page through the pages' hook (the home page never imports the forum)."""

from wagtail import hooks

from . import selectors


@hooks.register("home_page_context")
def home_page_topics(request, page) -> dict:
    """The discussion topics open now that the visitor may see (staff-only ones for staff only)."""
    return {"open_topics": selectors.topics_open(user=request.user)}


@hooks.register("topic_page_context")
def topic_page_context(request, page) -> dict:
    """What a discussion topic's page shows (opinions, forms, meeting, summary): `forum.views`."""
    from .views import topic_page_context as context_for

    return context_for(request, page)
