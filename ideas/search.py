"""Korean search through an index.

Text and query go through the same analyser (`nlp.analyzer`, Mecab): particles, the plural 들 and
spacing drop out (`청년들` → 청년, `자전거수리` → 자전거 수리), so a query matches the way the text was
analysed, not the way it was typed. On PostgreSQL the analysed tokens are stored as a `tsvector`
(`simple` configuration: the analyser already did the language work) with the title weighted A, the
tags B and the body C, GIN-indexed; every query term is a prefix (`서울` finds 서울시), results are
ranked by `ts_rank` plus a bonus for the exact phrase. A query without any analysable term (a
reference number, punctuation) matches the title as a substring through a `pg_trgm` index. SQLite
(`make run`) keeps a simple substring fallback over the same tokens.

`search_index_update` keeps the stored vectors current (analysis, tag changes); `search_index_rebuild`
(`manage.py update_index`) makes whole the rows written in bulk by other means.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, OuterRef, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce

from nlp.analyzer import AnalyzerUnavailable, get_analyzer

logger = logging.getLogger(__name__)

MAX_TERMS = 8
_TERM_RE = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class SearchQuery:
    """A query as analysed: `terms` are what the index is searched for, `raw` what was typed."""

    raw: str
    terms: tuple[str, ...]

    @property
    def squashed(self) -> str:
        """The query without spaces or punctuation, lower-cased (a whole-word alternative)."""
        return "".join(_TERM_RE.split(self.raw.lower()))[:50]

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """Strings to mark in the shown text: the terms, and the stems of predicates (돌보다 → 돌보)."""
        out = []
        for t in self.terms:
            out.append(t[:-1] if len(t) > 2 and t.endswith("다") else t)
        return tuple(dict.fromkeys(out))


def analyse_query(q: str) -> SearchQuery:
    """Analyse a query like the text: the analyser's tokens, deduplicated, at most 8, each a word."""
    raw = " ".join(q.split())[:200]
    try:
        tokens = get_analyzer(getattr(settings, "IDEAS_NLP_ANALYZER", None)).tokens(raw)
    except AnalyzerUnavailable:
        logger.warning("Search without the analyser: whitespace terms")
        tokens = raw.split()
    terms = []
    for token in tokens:
        for part in _TERM_RE.split(token.lower()):
            if part and part not in terms:
                terms.append(part[:50])
    return SearchQuery(raw=raw, terms=tuple(terms[:MAX_TERMS]))


def analyse_tokens(text: str) -> list[str]:
    """The analysed tokens of a text, first occurrences in order (what the NLP stores for search)."""
    return list(dict.fromkeys(get_analyzer(getattr(settings, "IDEAS_NLP_ANALYZER", None)).tokens(text)))


def analyse_title(title: str) -> str:
    """The title's analysed tokens, stored beside the body's so a title hit ranks first."""
    try:
        return " ".join(analyse_tokens(title))
    except AnalyzerUnavailable:
        return title


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _vector():
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector

    from .models import IdeaTag

    tag_names = (
        IdeaTag.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " ", output_field=TextField()))
        .values("names")
    )
    return (
        SearchVector("search_title", config="simple", weight="A")
        + SearchVector(
            Coalesce(Subquery(tag_names, output_field=TextField()), Value("", output_field=TextField())),
            config="simple",
            weight="B",
        )
        + SearchVector("search_tokens", config="simple", weight="C")
    )


def search_index_update(*, idea_ids) -> None:
    """Store the search vector of these ideas from their tokens, title tokens and tags (PostgreSQL)."""
    from .models import Idea

    if _is_postgres():
        Idea.objects.filter(pk__in=list(idea_ids)).update(search_vector=_vector())


def _analyse_pair(job: tuple[str, str]) -> tuple[str, str]:
    text, title = job
    return (" ".join(analyse_tokens(text))[:20000] if text else "", analyse_title(title) or "-")


def _analyse_many(jobs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Analyse (text, title) pairs; a large batch on every CPU (forked workers that touch no database)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < 200 or workers < 2:
        return [_analyse_pair(j) for j in jobs]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(_analyse_pair, jobs, chunksize=25)


def search_index_rebuild(
    *, analyse_missing: bool = True, idea_ids=None, batch_size: int = 2000, progress=None
) -> dict[str, int]:
    """Make whole ideas written around the services (bulk loads): analyse the title and text of
    those without tokens, then store the vectors that are missing. Idempotent: a second run finds
    nothing to do. Returns what was done."""
    from .models import Idea

    done = {"analysed": 0, "vectors": 0}
    if analyse_missing:
        fields = ("pk", "title", "title_public", "summary_public", "body_public", "search_tokens")
        missing = Idea.objects.filter(search_title="").order_by("pk").only(*fields)
        if idea_ids is not None:
            missing = missing.filter(pk__in=list(idea_ids))
        last = 0
        while True:
            batch = list(missing.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            jobs = [("" if i.search_tokens else i.public_text, i.public_title) for i in batch]
            for idea, (tokens, title) in zip(batch, _analyse_many(jobs), strict=True):
                if not idea.search_tokens:
                    idea.search_tokens = tokens
                idea.search_title = title
                idea.search_vector = None
            Idea.objects.bulk_update(batch, ["search_tokens", "search_title", "search_vector"], batch_size=500)
            done["analysed"] += len(batch)
            last = batch[-1].pk
            if progress:
                progress(done)
    if _is_postgres():
        todo = Idea.objects.filter(search_vector__isnull=True).order_by("pk")
        if idea_ids is not None:
            todo = todo.filter(pk__in=list(idea_ids))
        while True:
            ids = list(todo.values_list("pk", flat=True)[: batch_size * 10])
            if not ids:
                break
            search_index_update(idea_ids=ids)
            done["vectors"] += len(ids)
            if progress:
                progress(done)
    return done


def search_filter(qs: QuerySet, query: SearchQuery) -> QuerySet:
    """Ideas matching every analysed term, annotated with `search_rank` (higher is better)."""
    if not query.terms:
        if not query.raw:
            return qs
        # Nothing the analyser keeps (a reference, punctuation): the title as written, as a substring.
        return qs.filter(Q(title_public__contains=query.raw) | Q(reference=query.raw)).annotate(
            search_rank=Value(0.0, output_field=FloatField())
        )
    if _is_postgres():
        return _search_postgres(qs, query)
    return _search_fallback(qs, query)


def _search_postgres(qs: QuerySet, query: SearchQuery) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery as PgQuery
    from django.contrib.postgres.search import SearchRank

    raw = " & ".join(f"{t}:*" for t in query.terms)
    if query.squashed and query.squashed not in query.terms:
        # the query as one word, as a tag or a compound may be stored whole (사회적경제, 사회적 경제)
        raw = f"({raw}) | {query.squashed}:*"
    every = PgQuery(raw, search_type="raw", config="simple")
    qs = qs.filter(search_vector=every)
    rank = SearchRank(F("search_vector"), every)
    if len(query.terms) > 1:
        phrase = PgQuery(" <-> ".join(f"{t}:*" for t in query.terms), search_type="raw", config="simple")
        rank = rank + Case(When(search_vector=phrase, then=Value(0.5)), default=Value(0.0), output_field=FloatField())
    rank = rank + Case(
        When(title_public__contains=query.raw, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    return qs.annotate(search_rank=rank)


def _search_fallback(qs: QuerySet, query: SearchQuery) -> QuerySet:
    """SQLite (`make run`): every term a substring of the tokens, the title tokens or a tag."""
    from .models import IdeaTag

    for term in query.terms:
        tagged = IdeaTag.objects.filter(tag__name__icontains=term).values("content_object_id")
        qs = qs.filter(
            Q(search_tokens__icontains=term)
            | Q(search_title__icontains=term)
            | Q(title_public__icontains=term)
            | Q(pk__in=Subquery(tagged))
        )
    rank = Value(0.0, output_field=FloatField())
    for term in query.terms:
        rank = rank + Case(
            When(search_title__icontains=term, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
        )
    rank = rank + Case(
        When(title_public__icontains=query.raw, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    return qs.annotate(search_rank=rank)
