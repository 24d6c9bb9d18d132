"""A closed topic's summary, computed: opinions per position and per role (aggregate queries), and the
NLP clusters of its opinions with their key terms, size, the most representative opinion of each, a few
sentences copied verbatim from the members (extractive: `nlp.explain`, never generated text) and, when
the summary is built again (an opinion hidden meanwhile), how each cluster changed since the last build."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db.models import Count

from nlp import MODEL_VERSION
from nlp.analyzer import get_analyzer
from nlp.cluster import TopicClusterer
from nlp.explain import cluster_summaries

from .choices import POSITION_ORDER, ParticipantRole, Position
from .models import Opinion, TopicPage, TopicSummary

#: At most this many clusters per topic: a summary, not a taxonomy.
MAX_CLUSTERS = 6


def _counts(qs, field: str, choices) -> list[dict]:
    found = dict(qs.order_by().values_list(field).annotate(n=Count("pk")))
    return [{"key": str(value), "label": str(label), "count": found.get(value, 0)} for value, label in choices]


def _tokenizer():
    return get_analyzer(getattr(settings, "IDEAS_NLP_ANALYZER", None)).tokens


def _previous(clusters: list[dict] | None) -> list[dict]:
    """A previous build's clusters as `nlp.explain.ClusterSummary` dicts (those built before member ids
    were kept cannot be compared: none)."""
    return [
        {"cluster": n, "size": c["size"], "member_ids": c["member_ids"]}
        for n, c in enumerate(clusters or [])
        if c.get("member_ids")
    ]


def opinion_clusters(
    opinions: list[Opinion], *, tokenizer=None, n_sentences: int = 2, previous: list[dict] | None = None
) -> list[dict]:
    """Clusters of `opinions` (their public texts), largest first: key terms, size, the member closest
    to the cluster's centre (`opinion_id`), up to `n_sentences` sentences copied from members, the
    members' ids (`member_ids`) and, against `previous` (an earlier build's clusters), `change` (new,
    grown, shrunk, same) and `previous_size`."""
    texts = [o.body_public for o in opinions]
    if not texts:
        return []
    ids = [o.pk for o in opinions]
    tokenizer = tokenizer or _tokenizer()
    if len(texts) < 3:
        labels = np.zeros(len(texts), dtype=int)
        clusterer = TopicClusterer(1, tokenizer=tokenizer, random_state=0).fit(texts)
    else:
        clusterer = TopicClusterer(
            None, tokenizer=tokenizer, random_state=0, max_clusters=min(MAX_CLUSTERS, len(texts) - 1)
        ).fit(texts)
        labels = clusterer.labels_
    Z = clusterer.embedding_
    summaries = cluster_summaries(
        texts,
        labels,
        Z if Z.size else None,
        ids=ids,
        label_terms=clusterer.cluster_terms_ or None,
        tokenizer=tokenizer,
        n_sentences=n_sentences,
        previous=_previous(previous),
    )
    out = []
    for s in summaries:
        members = np.flatnonzero(labels == s.cluster)
        if Z.size:
            centre = Z[members].mean(axis=0)
            best = int(members[int(np.argmax(Z[members] @ centre))])
        else:
            best = int(members[0])
        sentences = []
        for sentence in s.representative_sentences:
            owner = next((ids[i] for i in members if sentence in texts[i]), None)
            if owner is not None:  # verbatim by construction; never keep one that is not
                sentences.append({"text": sentence, "opinion_id": owner})
        out.append(
            {
                "terms": list(s.label_terms),
                "size": int(s.size),
                "opinion_id": ids[best],
                "sentences": sentences,
                "member_ids": [int(i) for i in s.member_ids],
                "change": s.change,
                "previous_size": s.previous_size,
            }
        )
    return sorted(out, key=lambda c: (-c["size"], c["opinion_id"]))


def topic_summary_data(*, topic: TopicPage, tokenizer=None) -> dict:
    """Everything the summary shows except staff's conclusion (which is on the page); `compared` when an
    earlier build's clusters were there to compare with."""
    qs = Opinion.objects.public().top_level().filter(topic=topic)
    opinions = list(qs.only("pk", "body_public").order_by("pk"))
    earlier = TopicSummary.objects.filter(topic=topic).values_list("data", flat=True).first() or {}
    previous = _previous(earlier.get("clusters"))
    return {
        "total": len(opinions),
        "replies": Opinion.objects.public().filter(topic=topic, parent__isnull=False).count(),
        "positions": _counts(qs, "position", [(p.value, p.label) for p in POSITION_ORDER]),
        "roles": _counts(qs, "author_role", ParticipantRole.choices),
        "clusters": opinion_clusters(opinions, tokenizer=tokenizer, previous=earlier.get("clusters")),
        "compared": bool(previous),
        "model_version": MODEL_VERSION,
    }


__all__ = ["Position", "opinion_clusters", "topic_summary_data"]
