"""Korean search of ideas: the shared mechanism (`core.search`), told how ideas are searched.

Ideas add their tag names to the index (weighted B between title and text; matched as substrings on
SQLite). `search_index_update` keeps the stored vectors current (analysis, tag changes);
`search_index_rebuild` (`manage.py update_index`) makes whole the rows written in bulk by other means.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from core.search import SearchIndex, SearchQuery, analyse_query, analyse_title, analyse_tokens, register

from .models import Idea, IdeaTag

__all__ = [
    "IDEAS",
    "SearchQuery",
    "analyse_query",
    "analyse_title",
    "analyse_tokens",
    "search_filter",
    "search_index_rebuild",
    "search_index_update",
]


def _tag_names():
    """The idea's tag names, one string (PostgreSQL): the index's B-weighted text."""
    from django.contrib.postgres.aggregates import StringAgg

    names = (
        IdeaTag.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " ", output_field=TextField()))
        .values("names")
    )
    return Coalesce(Subquery(names, output_field=TextField()), Value("", output_field=TextField()))


def _tag_match(term: str) -> Q:
    return Q(pk__in=Subquery(IdeaTag.objects.filter(tag__name__icontains=term).values("content_object_id")))


IDEAS = register(
    SearchIndex(
        model=Idea,
        text_fields=("title", "title_public", "summary_public", "body_public"),
        extra_vector=_tag_names,
        extra_match=_tag_match,
    )
)


def search_index_update(*, idea_ids) -> None:
    """Store the search vector of these ideas from their tokens, title tokens and tags (PostgreSQL)."""
    IDEAS.update(ids=idea_ids)


def search_index_rebuild(
    *, analyse_missing: bool = True, idea_ids=None, batch_size: int = 2000, progress=None
) -> dict[str, int]:
    """Make whole ideas written around the services (bulk loads); see `core.search.SearchIndex.rebuild`."""
    return IDEAS.rebuild(analyse_missing=analyse_missing, ids=idea_ids, batch_size=batch_size, progress=progress)


def search_filter(qs: QuerySet, query: SearchQuery) -> QuerySet:
    """Ideas matching every analysed term, annotated with `search_rank` (higher is better)."""
    return IDEAS.filter(qs, query)
