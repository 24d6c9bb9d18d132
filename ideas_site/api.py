"""The site's API: the ideas app's API with the routers of the apps above it mounted (here, at the
composition root, since `ideas` must not import them). Imported once, so each router is mounted once."""

from forum.api import router as forum_router
from ideas.api import api

api.add_router("/", forum_router)

__all__ = ["api"]
