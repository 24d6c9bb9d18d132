"""The NLP module's services on the Django side: clusters that explain themselves, kept per refit (the
Django side of `nlp.explain`). Like `nlp.adapter` and `nlp.tasks`, this module touches models; the
core beside it imports no Django.

At the end of each refit (`nlp.adapter._refit`) :func:`cluster_snapshot_record` describes every topic
cluster of the corpus (key terms, 2–3 sentences copied verbatim from members with the member each came
from, size, tracks) and compares it with the previous snapshot (new / grown / shrunk / same), in one
`nlp.models.ClusterSnapshot`; the last :data:`KEEP_SNAPSHOTS` of a corpus are kept. The triage screen,
the TF dashboard and anything else read them with :func:`cluster_snapshot_latest` /
:func:`cluster_snapshots_latest` and :func:`snapshot_clusters`.

Which items may be quoted is the corpus's to say (:func:`quotable_queryset`): never a hidden or rejected
item, and only the masked public text the corpus gives (``Corpus.text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from . import MODEL_VERSION
from .corpora import Corpus
from .explain import ClusterSummary, cluster_summaries

__all__ = [
    "KEEP_SNAPSHOTS",
    "SnapshotCluster",
    "cluster_snapshot_latest",
    "cluster_snapshot_record",
    "cluster_snapshots_latest",
    "quotable_queryset",
    "snapshot_clusters",
]

#: Snapshots kept per corpus; older ones are deleted when a refit records a new one.
KEEP_SNAPSHOTS = 5
#: Representative sentences per cluster.
N_SENTENCES = 3
#: Members per cluster (those nearest its centre) whose sentences TextRank reads, whatever its size.
CANDIDATES = 12


def quotable_queryset(corpus: Corpus):
    """The items of ``corpus`` whose text representative sentences may be copied from: the corpus's
    ``extra["quotable"]()`` when it gives one (ideas: live, neither hidden nor rejected), else its
    ``public()``, else its ``queryset()``."""
    quotable = corpus.extra.get("quotable") or corpus.public or corpus.queryset
    return quotable()


def _sentence_source(text: str, title: str) -> str:
    """``text`` with its leading ``title`` on a line of its own, so a title without a full stop is not
    run into the first sentence of the body (the analysed text joins them with a space). Every sentence
    cut from it is still a verbatim part of ``text``."""
    if title and text.startswith(f"{title} "):
        return f"{title}\n{text[len(title) + 1 :]}"
    return text


class _SentenceSources(Sequence):
    """The texts as :func:`_sentence_source` gives them, computed when read: TextRank reads only a few
    members per cluster, so the corpus's texts are never held twice."""

    def __init__(self, texts: Sequence[str], rows: Sequence, title):
        self.texts, self.rows, self.title = texts, rows, title

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):
        return _sentence_source(self.texts[i], self.title(self.rows[i]))


def _previous_summaries(snapshot) -> list[ClusterSummary]:
    if snapshot is None:
        return []
    members = snapshot.members or {}
    return [
        ClusterSummary.from_dict({**c, "member_ids": members.get(str(c["cluster"]), [])}) for c in snapshot.clusters
    ]


def cluster_snapshot_record(*, corpus: Corpus, rows: Sequence, texts: Sequence[str], clusterer, tracks: Sequence):
    """Describe the clusters ``clusterer`` (a fitted `nlp.cluster.TopicClusterer`) found among ``rows``
    (the corpus's items, ``texts`` their ``Corpus.text``, ``tracks`` their given or suggested labels) and
    store them as the corpus's newest `ClusterSnapshot`, compared with the previous one; older snapshots
    beyond :data:`KEEP_SNAPSHOTS` are deleted. Returns the snapshot.

    Sentences come only from items in :func:`quotable_queryset` and TextRank reads at most
    :data:`CANDIDATES` members per cluster (those nearest its centre), so the cost and the memory stay
    bounded at 100,000 items. Three queries plus the pruning.
    """
    from .models import ClusterSnapshot

    previous = ClusterSnapshot.objects.filter(corpus=corpus.name).order_by("-created_at", "-pk").first()
    quotable = set(quotable_queryset(corpus).values_list("pk", flat=True))
    embedding = clusterer.embedding_
    summaries = cluster_summaries(
        _SentenceSources(texts, rows, corpus.title),
        clusterer.labels_,
        embedding if embedding.size else None,
        ids=[r.pk for r in rows],
        tracks=list(tracks),
        label_terms={int(c): [str(t) for t in terms] for c, terms in clusterer.cluster_terms_.items()},
        previous=_previous_summaries(previous),
        quotable=[r.pk in quotable for r in rows],
        n_sentences=N_SENTENCES,
        candidates=CANDIDATES,
    )
    clusters, members = [], {}
    for s in summaries:
        data = s.to_dict()
        members[str(s.cluster)] = [int(i) for i in data.pop("member_ids")]
        clusters.append(data)
    with transaction.atomic():
        snapshot = ClusterSnapshot.objects.create(
            corpus=corpus.name,
            model_version=getattr(clusterer, "model_version_", MODEL_VERSION),
            n_items=len(rows),
            compared=previous is not None,
            clusters=clusters,
            members=members,
        )
        old = ClusterSnapshot.objects.filter(corpus=corpus.name).order_by("-created_at", "-pk")[KEEP_SNAPSHOTS:]
        ClusterSnapshot.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return snapshot


def cluster_snapshot_latest(*, corpus: str):
    """The newest `ClusterSnapshot` of the corpus named ``corpus`` (without its member lists), or None
    before its first refit. One query."""
    from .models import ClusterSnapshot

    return ClusterSnapshot.objects.filter(corpus=corpus).defer("members").order_by("-created_at", "-pk").first()


def cluster_snapshots_latest() -> dict[str, object]:
    """``{corpus name: its newest ClusterSnapshot}`` for every corpus that has one (member lists left
    out). One query: at most :data:`KEEP_SNAPSHOTS` rows per corpus are kept."""
    from .models import ClusterSnapshot

    out: dict[str, object] = {}
    for snapshot in ClusterSnapshot.objects.defer("members").order_by("corpus", "-created_at", "-pk"):
        out.setdefault(snapshot.corpus, snapshot)
    return out


@dataclass(frozen=True)
class SnapshotCluster:
    """One cluster of a snapshot as screens show it. ``sentences``: ``[(sentence, item id)]``;
    ``tracks``: ``[(label, count)]`` most common first; ``change``: ``"new"``, ``"grown"``, ``"shrunk"``,
    ``"same"``, or ``""`` when the snapshot had nothing to compare with (the first refit); ``delta``:
    the change in size (0 for a new cluster)."""

    id: int
    label: str
    terms: list[str]
    sentences: list[tuple[str, int]]
    size: int
    tracks: list[tuple[str, int]]
    change: str
    previous_size: int | None

    @property
    def delta(self) -> int:
        return self.size - self.previous_size if self.previous_size is not None else 0


def snapshot_clusters(snapshot) -> list[SnapshotCluster]:
    """The clusters of ``snapshot`` (a `ClusterSnapshot`), largest first; no query."""
    out = []
    for c in snapshot.clusters:
        texts = c.get("representative_sentences", [])
        owners = c.get("sentence_ids", [])
        out.append(
            SnapshotCluster(
                id=int(c["cluster"]),
                label=c.get("label", ""),
                terms=list(c.get("label_terms", [])),
                sentences=[(t, int(o)) for t, o in zip(texts, owners, strict=False)],
                size=int(c["size"]),
                tracks=sorted(((str(k), int(v)) for k, v in c.get("tracks", {}).items()), key=lambda t: (-t[1], t[0])),
                change=c.get("change", "new") if snapshot.compared else "",
                previous_size=c.get("previous_size"),
            )
        )
    return sorted(out, key=lambda c: (-c.size, c.id))
