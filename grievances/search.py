"""Korean search of field posts: the shared analysed search (`core.search`), the same as ideas'."""

from __future__ import annotations

from django.db.models import QuerySet

from core.search import SearchIndex, SearchQuery, register

from .models import Grievance

GRIEVANCES = register(SearchIndex(model=Grievance, text_fields=("title", "title_public", "body_public")))


def grievance_search_update(*, ids) -> None:
    """Store the analysed public title and, on PostgreSQL, the search vector of these posts (after
    their analysis stored `search_tokens`)."""
    GRIEVANCES.update(ids=ids, titles=True)


def grievance_search_filter(qs: QuerySet, query: SearchQuery) -> QuerySet:
    """Posts of `qs` matching every analysed term, annotated with `search_rank`."""
    return GRIEVANCES.filter(qs, query)
