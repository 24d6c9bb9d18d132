"""Korean search through an index, for any kind of submission.

Text and query go through the same analyser (`nlp.analyzer`, Mecab): particles, the plural 들 and
spacing drop out (`청년들` → 청년, `자전거수리` → 자전거 수리), so a query matches the way the text was
analysed, not the way it was typed. A searchable model has three fields: `search_tokens` (the analysed
text, stored by its NLP store), `search_title` (the analysed title) and `search_vector`
(`SearchVectorField`). On PostgreSQL the analysed tokens are stored as a `tsvector` (`simple`
configuration: the analyser already did the language work) with the title weighted A, an optional
extra source B (ideas: their tags) and the text C, GIN-indexed; every query term is a prefix (`서울`
finds 서울시), results are ranked by `ts_rank` plus a bonus for the exact phrase. A query without any
analysable term (a reference number, punctuation) matches the title as a substring through a `pg_trgm`
index. SQLite (`make run`) keeps a simple substring fallback over the same tokens.

A model describes itself once with a `SearchIndex` (`ideas.search.IDEAS`, `grievances.search.GRIEVANCES`);
`SearchIndex.update` keeps the stored vectors current, `SearchIndex.rebuild` makes whole the rows
written in bulk by other means, `SearchIndex.filter` searches a queryset of the model.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

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


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


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


@dataclass(frozen=True)
class SearchIndex:
    """How one model is searched. The model has `search_tokens`, `search_title` and `search_vector`,
    and its instances answer `public_text` and `public_title` (the masked copies the search may show).

    - `title_field`: the public title column, matched as typed (a query without analysable terms, the
      exact-phrase bonus); `reference_field`: a column a query may equal exactly (or None).
    - `text_fields`: the columns `public_text` / `public_title` read (loaded by `rebuild`).
    - `extra_vector`: a callable returning an expression of more text, weighted B on PostgreSQL
      (ideas: their tag names); `extra_match`: a callable `term -> Q` matching that text on SQLite.
    Override nothing else: ideas and grievances share every line below.
    """

    model: type
    title_field: str = "title_public"
    reference_field: str | None = "reference"
    text_fields: tuple[str, ...] = ("title", "title_public", "body_public")
    extra_vector: Callable[[], object] | None = None
    extra_match: Callable[[str], Q] | None = None

    # ---- writing the index ------------------------------------------------------------------

    def vector(self):
        from django.contrib.postgres.search import SearchVector

        vector = SearchVector("search_title", config="simple", weight="A")
        if self.extra_vector is not None:
            vector = vector + SearchVector(self.extra_vector(), config="simple", weight="B")
        return vector + SearchVector("search_tokens", config="simple", weight="C")

    def update(self, *, ids, titles: bool = False) -> None:
        """Store the search vector of these rows from their tokens, title tokens (and extra text) on
        PostgreSQL; with `titles`, first analyse and store their public titles (`search_title`)."""
        ids = list(ids)
        if titles:
            rows = self.model._default_manager.filter(pk__in=ids).only("pk", *self.text_fields)
            for row in rows:
                self.model._default_manager.filter(pk=row.pk).update(
                    search_title=analyse_title(row.public_title) or "-"
                )
        if is_postgres():
            self.model._default_manager.filter(pk__in=ids).update(search_vector=self.vector())

    def rebuild(self, *, analyse_missing: bool = True, ids=None, batch_size: int = 2000, progress=None) -> dict:
        """Make whole the rows written around the services (bulk loads): analyse the title and text of
        those without title tokens, then store the vectors that are missing. Idempotent: a second run
        finds nothing to do. Returns what was done: {"analysed": n, "vectors": n}."""
        manager = self.model._default_manager
        done = {"analysed": 0, "vectors": 0}
        if analyse_missing:
            missing = manager.filter(search_title="").order_by("pk").only("pk", "search_tokens", *self.text_fields)
            if ids is not None:
                missing = missing.filter(pk__in=list(ids))
            last = 0
            while True:
                batch = list(missing.filter(pk__gt=last)[:batch_size])
                if not batch:
                    break
                jobs = [("" if r.search_tokens else r.public_text, r.public_title) for r in batch]
                for row, (tokens, title) in zip(batch, _analyse_many(jobs), strict=True):
                    if not row.search_tokens:
                        row.search_tokens = tokens
                    row.search_title = title
                    row.search_vector = None
                manager.bulk_update(batch, ["search_tokens", "search_title", "search_vector"], batch_size=500)
                done["analysed"] += len(batch)
                last = batch[-1].pk
                if progress:
                    progress(done)
        if is_postgres():
            todo = manager.filter(search_vector__isnull=True).order_by("pk")
            if ids is not None:
                todo = todo.filter(pk__in=list(ids))
            while True:
                chunk = list(todo.values_list("pk", flat=True)[: batch_size * 10])
                if not chunk:
                    break
                self.update(ids=chunk)
                done["vectors"] += len(chunk)
                if progress:
                    progress(done)
        return done

    # ---- searching ------------------------------------------------------------------------------

    def filter(self, qs: QuerySet, query: SearchQuery) -> QuerySet:
        """Rows of `qs` matching every analysed term, annotated with `search_rank` (higher is better)."""
        if not query.terms:
            if not query.raw:
                return qs
            # Nothing the analyser keeps (a reference, punctuation): the title as written, as a substring.
            match = Q(**{f"{self.title_field}__contains": query.raw})
            if self.reference_field:
                match |= Q(**{self.reference_field: query.raw})
            return qs.filter(match).annotate(search_rank=Value(0.0, output_field=FloatField()))
        if is_postgres():
            return self._search_postgres(qs, query)
        return self._search_fallback(qs, query)

    def _title_bonus(self, query: SearchQuery, lookup: str):
        return Case(
            When(**{f"{self.title_field}__{lookup}": query.raw}, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )

    def _search_postgres(self, qs: QuerySet, query: SearchQuery) -> QuerySet:
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
            rank = rank + Case(
                When(search_vector=phrase, then=Value(0.5)), default=Value(0.0), output_field=FloatField()
            )
        return qs.annotate(search_rank=rank + self._title_bonus(query, "contains"))

    def _search_fallback(self, qs: QuerySet, query: SearchQuery) -> QuerySet:
        """SQLite (`make run`): every term a substring of the tokens, the title tokens, the title or
        the extra text."""
        for term in query.terms:
            match = (
                Q(search_tokens__icontains=term)
                | Q(search_title__icontains=term)
                | Q(**{f"{self.title_field}__icontains": term})
            )
            if self.extra_match is not None:
                match |= self.extra_match(term)
            qs = qs.filter(match)
        rank = Value(0.0, output_field=FloatField())
        for term in query.terms:
            rank = rank + Case(
                When(search_title__icontains=term, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
            )
        return qs.annotate(search_rank=rank + self._title_bonus(query, "icontains"))


#: Every model's index, by label ("ideas.idea"): `manage.py update_index` rebuilds them all.
_INDEXES: dict[str, SearchIndex] = {}


def register(index: SearchIndex) -> SearchIndex:
    """Make `index` known to `manage.py update_index` (called by the app that owns the model)."""
    _INDEXES[index.model._meta.label_lower] = index
    return index


def registered() -> dict[str, SearchIndex]:
    return dict(_INDEXES)
