"""The site's JSON API, composed: the ideas API (`ideas.api`) with the routers of the apps above it
(ideas never imports them), mounted here at the composition root, once. `ideas_site.urls` serves this
object at /api/v1/."""

from forum.api import router as forum_router
from grievances.api import router as grievances_router
from ideas.api import api

api.add_router("/", grievances_router)
api.add_router("/", forum_router)

__all__ = ["api"]
