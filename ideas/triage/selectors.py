"""Read side of the triage screen: ideas grouped by topic cluster, duplicate candidates side by
side, and when the models last ran.

Blind by construction: the querysets defer the author and the raw texts, so only the masked public
copies (``title_public``, ``summary_public``, ``body_public``) and the reference reach a template.
Each selector runs a fixed number of queries, whatever the number of ideas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.urls import reverse

from nlp.services import cluster_snapshot_latest, snapshot_clusters

from ..analysis import CORPUS, idea_quotable_queryset
from ..choices import IdeaStatus
from ..models import Idea, IdeaTag, PolicyTrack

#: Never loaded on the triage screen: the author and the unmasked texts.
PRIVATE_FIELDS = ("author", "title", "summary", "body", "search_tokens", "submission_token", "official_answer")


@dataclass(frozen=True)
class ClusterSentence:
    """A representative sentence, copied verbatim from the idea ``reference`` (linked by ``url``)."""

    text: str
    reference: str
    url: str


@dataclass(frozen=True)
class ClusterExplanation:
    """What the latest refit's snapshot says about a cluster (`nlp.services`): key ``terms``, 2–3
    ``sentences``, ``size`` at the refit, its top ``tracks`` as ``(name, count)``, and ``change`` since the
    refit before (``"new"``, ``"grown"``, ``"shrunk"``, ``"same"``, ``""`` on the first refit) with ``delta``
    (the change in size) and the snapshot's time ``at``."""

    terms: list[str]
    sentences: list[ClusterSentence]
    size: int
    tracks: list[tuple[str, int]]
    change: str
    delta: int
    at: datetime

    @property
    def magnitude(self) -> int:
        """The change in size without its sign (the badge says 증가 or 감소)."""
        return abs(self.delta)


@dataclass(frozen=True)
class TriageCluster:
    """One topic cluster: ``id`` (None for ideas not clustered yet), its label, ``size`` (every live
    idea in it, filters aside), the ``ideas`` that pass the filters and, once a refit has described it,
    its ``explained`` summary."""

    id: int | None
    label: str
    size: int
    ideas: list[Idea] = field(default_factory=list)
    explained: ClusterExplanation | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """An original idea and the ideas that look like re-posts of it (best score first)."""

    original: Idea
    duplicates: list[Idea]

    @property
    def best_score(self) -> float:
        return max((d.duplicate_score or 0.0) for d in self.duplicates)


def triage_base(*, contest: int | None = None) -> QuerySet[Idea]:
    """Live ideas (not withdrawn, not merged) of one contest or all, without private fields."""
    qs = Idea.objects.exclude(status=IdeaStatus.WITHDRAWN).filter(merged_into__isnull=True)
    if contest is not None:
        qs = qs.filter(contest_id=contest)
    return qs


def triage_clusters(
    *,
    contest: int | None = None,
    track: int | None = None,
    min_conf: float | None = None,
    max_conf: float | None = None,
    unconfirmed_only: bool = False,
    cluster: int | None = None,
    limit: int | None = None,
) -> list[TriageCluster]:
    """Ideas to triage, grouped by cluster (largest first, unclustered last).

    Filters: ``contest`` and ``track`` (the *suggested* track) are primary keys; ``min_conf``
    (inclusive) and ``max_conf`` (exclusive) bound the suggestion's confidence in [0, 1];
    ``unconfirmed_only`` keeps ideas whose track no staff member confirmed; ``cluster`` one cluster.
    Within a cluster the least confident suggestions come first. Each idea carries
    ``triage_tags`` (its IdeaTag rows with their tag, most confident first). Three queries.
    """
    base = triage_base(contest=contest)
    qs = base
    if track is not None:
        qs = qs.filter(suggested_track_id=track)
    if min_conf is not None:
        qs = qs.filter(suggested_track_score__gte=min_conf)
    if max_conf is not None:
        qs = qs.filter(suggested_track_score__lt=max_conf)
    if unconfirmed_only:
        qs = qs.filter(track_confirmed=False)
    if cluster is not None:
        qs = qs.filter(cluster=cluster)
    tags = IdeaTag.objects.select_related("tag").order_by(F("confidence").desc(nulls_last=True), "tag__name")
    qs = (
        qs.defer(*PRIVATE_FIELDS)
        .select_related("track", "suggested_track")
        .prefetch_related(Prefetch("tagged_items", queryset=tags, to_attr="triage_tags"))
        .order_by("cluster", F("suggested_track_score").asc(nulls_first=True), "reference")
    )
    if limit is not None:
        qs = qs[:limit]
    ideas = list(qs)

    sizes: dict[int | None, int] = {}
    labels: dict[int | None, str] = {}
    for row in base.order_by().values("cluster", "cluster_label").annotate(n=Count("id")):
        sizes[row["cluster"]] = sizes.get(row["cluster"], 0) + row["n"]
        labels.setdefault(row["cluster"], row["cluster_label"])
        if row["cluster_label"] and not labels[row["cluster"]]:
            labels[row["cluster"]] = row["cluster_label"]

    groups: dict[int | None, list[Idea]] = {}
    for idea in ideas:
        groups.setdefault(idea.cluster, []).append(idea)
    clusters = [
        TriageCluster(id=cid, label=labels.get(cid, ""), size=sizes.get(cid, len(members)), ideas=members)
        for cid, members in groups.items()
    ]
    clusters.sort(key=lambda c: (c.id is None, -c.size, c.id if c.id is not None else 0))
    return clusters


#: Tracks shown per cluster header.
TOP_TRACKS = 3


def triage_cluster_explanations() -> dict[int, ClusterExplanation]:
    """``{cluster id: ClusterExplanation}`` from the ideas corpus's latest snapshot (empty before the
    first refit). A sentence is shown only while the idea it came from may still be quoted (live, not
    hidden, not rejected): one that was hidden since the refit drops out. Three queries, whatever the
    number of clusters."""
    snapshot = cluster_snapshot_latest(corpus=CORPUS)
    if snapshot is None:
        return {}
    clusters = snapshot_clusters(snapshot)
    owners = {owner for c in clusters for _text, owner in c.sentences}
    references = dict(idea_quotable_queryset().filter(pk__in=owners).values_list("pk", "reference")) if owners else {}
    names = dict(PolicyTrack.objects.values_list("slug", "name"))
    out = {}
    for c in clusters:
        sentences = [
            ClusterSentence(
                text=text,
                reference=references[owner],
                url=reverse("ideas:idea-detail", kwargs={"reference": references[owner]}),
            )
            for text, owner in c.sentences
            if owner in references
        ]
        out[c.id] = ClusterExplanation(
            terms=c.terms,
            sentences=sentences,
            size=c.size,
            tracks=[(names.get(slug, slug), n) for slug, n in c.tracks[:TOP_TRACKS]],
            change=c.change,
            delta=c.delta,
            at=snapshot.created_at,
        )
    return out


def triage_clusters_explained(*, clusters: list[TriageCluster]) -> list[TriageCluster]:
    """``clusters`` with their ``explained`` summary from the latest refit (:func:`triage_cluster_explanations`).
    Three queries."""
    explanations = triage_cluster_explanations()
    return [replace(c, explained=explanations.get(c.id)) if c.id is not None else c for c in clusters]


def triage_cluster_choices(*, contest: int | None = None) -> list[tuple[int, str, int]]:
    """(cluster id, label, size) of every cluster, for the filter. One query."""
    out: dict[int, tuple[str, int]] = {}
    rows = (
        triage_base(contest=contest)
        .filter(cluster__isnull=False)
        .order_by()
        .values("cluster", "cluster_label")
        .annotate(n=Count("id"))
    )
    for row in rows:
        label, n = out.get(row["cluster"], ("", 0))
        out[row["cluster"]] = (label or row["cluster_label"], n + row["n"])
    return sorted(((cid, label, n) for cid, (label, n) in out.items()), key=lambda c: c[0])


def triage_model_state() -> dict:
    """When ideas were last analysed and by which model version: ``{"analysed_at", "nlp_version",
    "analysed", "pending"}``. Two queries."""
    agg = triage_base().aggregate(
        last=Max("analysed_at"),
        analysed=Count("id", filter=Q(analysed_at__isnull=False)),
        pending=Count("id", filter=Q(analysed_at__isnull=True)),
    )
    last = agg.pop("last")
    version = triage_base().filter(analysed_at=last).values_list("nlp_version", flat=True).first() if last else ""
    return {**agg, "analysed_at": last, "nlp_version": version or ""}


def triage_duplicate_groups(*, contest: int | None = None) -> list[DuplicateGroup]:
    """Live ideas suspected to re-post an earlier one, grouped under that original (strongest
    groups first). Each duplicate carries ``pending_case_id``: its screening case waiting in the
    moderation queue, if any (merging happens there). Two queries."""
    from moderation.choices import ScreeningStatus
    from moderation.models import ScreeningCase

    private_original = tuple(f"duplicate_of__{f}" for f in PRIVATE_FIELDS)
    rows = list(
        triage_base(contest=contest)
        .filter(duplicate_of__isnull=False)
        .defer(*PRIVATE_FIELDS, *private_original)
        .select_related("duplicate_of")
        .order_by(F("duplicate_score").desc(nulls_last=True), "reference")
    )
    cases = (
        dict(
            ScreeningCase.objects.filter(
                content_type=ContentType.objects.get_for_model(Idea),
                object_id__in=[r.pk for r in rows],
                status=ScreeningStatus.PENDING,
            ).values_list("object_id", "pk")
        )
        if rows
        else {}
    )
    groups: dict[int, DuplicateGroup] = {}
    for r in rows:
        r.pending_case_id = cases.get(r.pk)
        group = groups.get(r.duplicate_of_id)
        if group is None:
            groups[r.duplicate_of_id] = DuplicateGroup(original=r.duplicate_of, duplicates=[r])
        else:
            group.duplicates.append(r)
    return sorted(groups.values(), key=lambda g: -g.best_score)
