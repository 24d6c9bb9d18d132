"""The forum plugs into the home page through the pages' hook (the home page never imports the forum)."""

from wagtail import hooks

from . import selectors


@hooks.register("home_page_context")
def home_page_topics(request, page) -> dict:
    """The discussion topics open now that the visitor may see (staff-only ones for staff only)."""
    return {"open_topics": selectors.topics_open(user=request.user)}
