"""A generator of many realistic ideas for load tests (`manage.py load_fake_ideas`).

Texts are read at run time from the development data (`../shared/data/dev/*.csv`: real petitions,
never copied into the repository) and fall back to the demo ideas recombined sentence by sentence
when that folder is missing. Rows are written in bulk, around the services, like an import: the
command then runs what makes such rows whole (`search_index_rebuild`, `support_counts_reconcile`).
"""

from __future__ import annotations

import csv
import os
import random
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from ideas.choices import District, IdeaStatus, TargetGroup
from ideas.models import ContestPage, Idea, IdeaTag, Support, User
from ideas.search import analyse_title, analyse_tokens
from nlp.text import join_title_content


def dev_data_folder() -> Path:
    """`$IDEAS_DEV_DATA`, else `shared/data/dev` beside the checkout (or beside its parent folder)."""
    if os.environ.get("IDEAS_DEV_DATA"):
        return Path(os.environ["IDEAS_DEV_DATA"])
    base = Path(settings.BASE_DIR).resolve()
    for parent in (base.parent, base.parent.parent):
        if (parent / "shared" / "data" / "dev").is_dir():
            return parent / "shared" / "data" / "dev"
    return base.parent / "shared" / "data" / "dev"


_SENTENCE_RE = re.compile(r"(?<=[.!?다요])\s+")
_WORD_RE = re.compile(r"[가-힣]{2,6}")
STATUSES = [
    (IdeaStatus.SUBMITTED, 50),
    (IdeaStatus.SCREENING, 20),
    (IdeaStatus.REVIEWING, 15),
    (IdeaStatus.SELECTED, 2),
    (IdeaStatus.NOT_SELECTED, 8),
    (IdeaStatus.REJECTED, 3),
    (IdeaStatus.WITHDRAWN, 2),
]


def source_texts(folder: Path | None = None, limit: int = 8000) -> list[tuple[str, str]]:
    """(title, body) pairs: the development CSVs if present, else the demo ideas recombined."""
    folder = folder or dev_data_folder()
    pairs: list[tuple[str, str]] = []
    csv.field_size_limit(10**8)
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                title, body = (row.get("title") or "").strip(), (row.get("content") or "").strip()
                if len(title) >= 4 and len(body) >= 40:
                    pairs.append((title[:100], body[:5000]))
                if len(pairs) >= limit:
                    return pairs
    if pairs:
        return pairs
    from .demo.data import IDEAS

    rng = random.Random(7)
    sentences = [s for idea in IDEAS for s in _SENTENCE_RE.split(idea[3]) if s]
    titles = [idea[1] for idea in IDEAS]
    for _ in range(2000):
        body = " ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(3, 8))))
        pairs.append((f"{rng.choice(titles)} {rng.choice(titles).split()[-1]}"[:100], body[:5000]))
    return pairs


def _summary(body: str) -> str:
    first = _SENTENCE_RE.split(body, maxsplit=1)[0]
    return first[:300]


def _weighted(rng: random.Random, choices) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def load_fake_ideas(
    *,
    n: int,
    supports_per_idea: float = 3.0,
    tags_per_idea: int = 3,
    seed: int = 0,
    batch_size: int = 2000,
    analyse: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Insert `n` ideas (spread over the live contests, mostly the latest), their authors, tags and
    about `supports_per_idea` supports each; with `analyse`, their search tokens too (the vectors and
    the counts are left to `update_index` and `reconcile_counts`). Returns the numbers written."""
    say = progress or (lambda _msg: None)
    rng = random.Random(seed)
    run = secrets.token_hex(2)
    contests = list(ContestPage.objects.live().order_by("-submission_opens_at"))
    if not contests:
        raise ValueError("공모전이 없습니다. 먼저 manage.py load_demo를 실행하세요.")
    texts = source_texts()
    say(f"텍스트 {len(texts)}개")
    tracks = {c.pk: list(c.tracks.values_list("pk", flat=True)) or [None] for c in contests}

    n_users = max(200, n // 8)
    users = [
        User(
            email=f"load-{run}-{i}@fake.invalid",
            username=f"load-{run}-{i}@fake.invalid",
            display_name=f"시민{i}",
            password="!",  # noqa: S106 - an unusable password
            privacy_consent_version=settings.PRIVACY_NOTICE_VERSION,
        )
        for i in range(n_users)
    ]
    User.objects.bulk_create(users, batch_size=batch_size)
    user_ids = list(User.objects.filter(email__startswith=f"load-{run}-").values_list("pk", flat=True))
    say(f"회원 {len(user_ids)}명")

    # Texts repeat across ideas: each is analysed once, the first time it is used (what update_index
    # would do per row, at a fraction of the time).
    analysed: dict[int, tuple[str, str]] = {}

    def analysis_of(k: int) -> tuple[str, str]:
        if k not in analysed:
            title, body = texts[k]
            analysed[k] = (
                " ".join(analyse_tokens(join_title_content(title, f"{_summary(body)}\n{body}")))[:20000],
                analyse_title(title) or "-",
            )
        return analysed[k]

    now = timezone.now()
    vocabulary: set[str] = set()
    idea_ids: list[int] = []
    districts, groups = District.values, TargetGroup.values
    for start in range(0, n, batch_size):
        batch = []
        for i in range(start, min(n, start + batch_size)):
            k = rng.randrange(len(texts))
            title, body = texts[k]
            tokens, title_tokens = analysis_of(k) if analyse else ("", "")
            contest = contests[0] if rng.random() < 0.8 else rng.choice(contests)
            status = _weighted(rng, STATUSES)
            published = None if rng.random() < 0.05 else now - timedelta(seconds=rng.randint(0, 90 * 86400))
            summary = _summary(body)
            batch.append(
                Idea(
                    contest=contest,
                    author_id=rng.choice(user_ids),
                    reference=f"L{run}-{i:07d}",
                    title=title,
                    summary=summary,
                    body=body,
                    title_public=title,
                    summary_public=summary,
                    body_public=body,
                    track_id=rng.choice(tracks[contest.pk]),
                    target_group=rng.choice(groups),
                    district=rng.choice(districts),
                    expected_jobs=rng.randint(1, 500),
                    status=status,
                    published_at=published,
                    withdrawn_at=now if status == IdeaStatus.WITHDRAWN else None,
                    search_tokens=tokens,
                    search_title=title_tokens,
                )
            )
            vocabulary.update(_WORD_RE.findall(title))
        with transaction.atomic():
            Idea.objects.bulk_create(batch, batch_size=batch_size)
        say(f"아이디어 {min(n, start + batch_size)}/{n}")
    idea_ids = list(Idea.objects.filter(reference__startswith=f"L{run}-").order_by("pk").values_list("pk", flat=True))

    words = sorted(vocabulary)[:3000] or ["일자리"]
    Tag.objects.bulk_create([Tag(name=w, slug=w) for w in words], ignore_conflicts=True, batch_size=batch_size)
    tag_ids = list(Tag.objects.filter(name__in=words).values_list("pk", flat=True))
    tagged = 0
    for chunk in _chunks(idea_ids, batch_size):
        rows = [
            IdeaTag(content_object_id=pk, tag_id=t, source=IdeaTag.Source.MACHINE, confidence=0.5)
            for pk in chunk
            for t in rng.sample(tag_ids, k=min(tags_per_idea, len(tag_ids)))
        ]
        IdeaTag.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
        tagged += len(rows)
    say(f"태그 {tagged}개")

    # Supports: a few ideas are popular (Pareto), most have a handful.
    total = int(n * supports_per_idea)
    weights = [rng.paretovariate(1.2) for _ in idea_ids]
    made = 0
    for _ in range(0, total, batch_size * 5):
        picks = rng.choices(idea_ids, weights=weights, k=min(batch_size * 5, total - made))
        rows = [Support(idea_id=pk, user_id=rng.choice(user_ids)) for pk in picks]
        Support.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
        made += len(rows)
    say(f"공감 {made}개 (중복 제외 전)")
    return {"users": len(user_ids), "ideas": len(idea_ids), "tags": tagged, "supports": made}


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
