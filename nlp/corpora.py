"""The NLP registry: which kinds of submission the NLP module analyses, and how it reads and stores them.

Mirrors the moderation registry: an app registers each of its models in its ``AppConfig.ready()``
with a :class:`Corpus` that says how to list the live items, how to get an item's public text and
title, its label (the policy track) and the labels' seed texts, and where the results go. The
similarity index, the clusters and the duplicate decisions are kept per corpus, so an item is only
ever compared with items of its own corpus, or of a corpus its registration names in ``linked``
(field posts ask for the idea clusters that answer them).

No Django here: the callables are the app's; this module only keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Corpus", "ItemResult", "corpora", "corpus_for", "corpus_named", "register", "unregister"]


@dataclass
class ItemResult:
    """What one analysis produced for one item, handed to the corpus's ``store``."""

    tokens: list[str]
    tags: list[Any]  # nlp.tags.Tag
    label: str | None
    label_score: float | None
    similar: list[tuple[int, float]]
    duplicate: tuple[int, float] | None
    model_version: str


@dataclass(frozen=True)
class Corpus:
    """How the NLP module sees one kind of submission.

    ``name``: the corpus key ("ideas", "grievances" …). ``model``: the model class.
    ``queryset()``: the live items (the index, the classifier and the clusters are built from them).
    ``text(item)`` / ``title(item)``: the public (personal-data-masked) text and title.
    ``fields``: the model fields ``text``/``title`` read (loaded with ``only()``).
    ``store(item, result)``: saves an :class:`ItemResult`; ``store_error(item, message)`` records a failure.
    ``store_clusters(rows)``: saves ``[(item, label, label_score, cluster, cluster_label)]`` after a refit.
    ``labels()``: ``{label: seed text}`` of the labels to suggest (None: no label suggestion).
    ``label_of(item)``: the label a person gave the item (a training label), or None.
    ``linked``: names of other corpora whose items may be shown as similar to this corpus's items; the
    adapter stores the best of them as links (``nlp.ItemLink``) each time an item of either side is analysed.
    ``public()``: the items anyone may see (what linked lookups show by default); ``queryset`` when None.
    ``route_of(item)``: the route (department slug) the item was sent to, or None while not routed:
    the history routing suggestions learn from. ``route_prior()``: ``{label: {route: weight}}`` pseudo-counts
    (e.g. the tracks each department declares), so a board with no history still gets suggestions.
    ``changed_field``: the timestamp field an edit bumps (the index notices edits by it).
    ``extra``: optional hooks: ``pending()`` (ids left unanalysed), ``group_of(item)`` (the key linked items
    of this corpus are grouped by, e.g. an idea's topic cluster), ``link_min_score`` (the cosine from which
    an item of this corpus is stored as a link, default ``nlp.similar.LINK_MIN_SCORE``), ``quotable()`` (the
    items whose text a cluster's representative sentences may be copied from, ``nlp.services``; default
    ``public()``, else ``queryset()``).
    """

    name: str
    model: type
    queryset: Callable[[], Any]
    text: Callable[[Any], str]
    title: Callable[[Any], str]
    store: Callable[[Any, ItemResult], None]
    store_error: Callable[[Any, str], None]
    fields: tuple[str, ...] = ()
    labels: Callable[[], dict[str, str]] | None = None
    label_of: Callable[[Any], str | None] | None = None
    store_clusters: Callable[[list[tuple[Any, str | None, float | None, int, str]]], None] | None = None
    linked: tuple[str, ...] = ()
    public: Callable[[], Any] | None = None
    route_of: Callable[[Any], str | None] | None = None
    route_prior: Callable[[], dict[str, dict[str, float]]] | None = None
    changed_field: str = "updated_at"
    extra: dict[str, Any] = field(default_factory=dict)


_BY_MODEL: dict[type, Corpus] = {}
_BY_NAME: dict[str, Corpus] = {}


def register(corpus: Corpus) -> Corpus:
    """Register ``corpus`` for its model (and subclasses). Re-registering a name replaces it."""
    old = _BY_NAME.get(corpus.name)
    if old is not None:
        _BY_MODEL.pop(old.model, None)
    _BY_MODEL[corpus.model] = corpus
    _BY_NAME[corpus.name] = corpus
    return corpus


def unregister(name: str) -> None:
    """Forget the corpus called ``name`` (tests that register a throwaway model)."""
    corpus = _BY_NAME.pop(name, None)
    if corpus is not None:
        _BY_MODEL.pop(corpus.model, None)


def corpus_for(item_or_model) -> Corpus | None:
    """The corpus an item or model class belongs to, or None when it is not analysed."""
    cls = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    for klass in cls.__mro__:
        if klass in _BY_MODEL:
            return _BY_MODEL[klass]
    return None


def corpus_named(name: str) -> Corpus:
    """The corpus registered as ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"No NLP corpus named {name!r}; registered: {sorted(_BY_NAME)}") from None


def corpora() -> Iterable[Corpus]:
    """Every registered corpus, in registration order."""
    return list(_BY_NAME.values())
