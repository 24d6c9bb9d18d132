"""Korean search of field posts: the analysed tokens the NLP stored, as a PostgreSQL vector."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection

from ideas.search import analyse_title

from .models import Grievance


def grievance_search_update(*, ids) -> None:
    """Store the analysed title and, on PostgreSQL, the search vector of these posts."""
    for pk, title, title_public in Grievance.objects.filter(pk__in=list(ids)).values_list(
        "pk", "title", "title_public"
    ):
        Grievance.objects.filter(pk=pk).update(search_title=analyse_title(title_public or title) or "-")
    if connection.vendor == "postgresql":
        Grievance.objects.filter(pk__in=list(ids)).update(
            search_vector=SearchVector("search_title", config="simple", weight="A")
            + SearchVector("search_tokens", config="simple", weight="C")
        )
