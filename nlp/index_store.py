"""Persisted similarity-index builds: one directory per build under a root, and a ``CURRENT`` file naming
the one to use. No Django here.

A background refit :func:`publish`-es a build (written atomically by :meth:`SimilarityIndex.save`, then
``CURRENT`` replaced atomically); every process :func:`load_current`-s it memory-mapped instead of
building its own index, and adds the few items changed since on top. Older builds are removed, except
the previous one (a process may be switching over from it).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .index_build import IndexBuilder
from .similar import IndexFormatError, SimilarityIndex, _hashes, term_hash

__all__ = ["HashedIdf", "current_name", "load_current", "phrase_idf_arrays", "publish", "publish_build"]

logger = logging.getLogger(__name__)

CURRENT = "CURRENT"
_KEEP = 2


def current_name(root: str | os.PathLike) -> str | None:
    """The name of the build ``CURRENT`` points to under ``root``, or None (no build yet)."""
    try:
        name = (Path(root) / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def publish(
    index: SimilarityIndex,
    root: str | os.PathLike,
    *,
    meta: dict | None = None,
    extras: dict[str, np.ndarray] | None = None,
) -> Path:
    """Save ``index`` as a new build under ``root`` and make it the current one; returns its directory."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    name = _build_name()
    path = index.save(root / name, meta=meta, extras=extras)
    _make_current(root, name)
    return path


def publish_build(
    builder: IndexBuilder,
    root: str | os.PathLike,
    *,
    meta: dict | None = None,
    extras: dict[str, np.ndarray] | None = None,
    progress=None,
) -> Path:
    """Finish a streamed build (:meth:`IndexBuilder.finish`, made with ``root`` as its work directory) as a
    new build under ``root`` and make it the current one, as :func:`publish`; returns its directory."""
    root = Path(root)
    name = _build_name()
    path = builder.finish(root / name, meta=meta, extras=extras, progress=progress)
    _make_current(root, name)
    return path


def _build_name() -> str:
    return f"build-{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def _make_current(root: Path, name: str) -> None:
    """Point ``CURRENT`` at ``name`` (atomically) and remove older builds but the previous one."""
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=root)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(name)
    os.replace(tmp, root / CURRENT)
    builds = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("build-"))
    for old in builds[:-_KEEP]:
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    remove_abandoned_work(root)


#: A streamed build's work directory (``.build-*``) untouched for this long was left by a build that
#: was killed (a running one writes to it every chunk; a 1,000,000-item build takes about an hour).
ABANDONED_AFTER = 24 * 3600


def remove_abandoned_work(root: str | os.PathLike, *, older_than: float = ABANDONED_AFTER) -> list[str]:
    """Remove the work directories of killed builds under ``root`` (a 1,000,000-item one holds ~3 GB):
    those whose newest entry is older than ``older_than`` seconds. Returns the names removed."""
    root = Path(root)
    limit = time.time() - older_than
    removed = []
    for work in root.glob(".build-*"):
        if not work.is_dir():
            continue
        try:
            newest = max([work.stat().st_mtime, *(p.stat().st_mtime for p in work.rglob("*"))])
        except FileNotFoundError:  # being finished or removed right now
            continue
        if newest < limit:
            shutil.rmtree(work, ignore_errors=True)
            removed.append(work.name)
            logger.warning("Removed the work directory of an abandoned index build: %s/%s", root, work.name)
    return removed


def load_current(root: str | os.PathLike, *, analyzer: object = None) -> tuple[str, SimilarityIndex] | None:
    """``(name, index)`` of the current build under ``root``, memory-mapped; None when there is none or it
    cannot be used (missing, corrupt, another format or model version: logged; the caller builds)."""
    name = current_name(root)
    if name is None:
        return None
    try:
        return name, SimilarityIndex.load(Path(root) / name, analyzer=analyzer)
    except IndexFormatError as exc:
        logger.warning("Persisted similarity index %s/%s is unusable (%s); building instead", root, name, exc)
        return None


def phrase_idf_arrays(idf: Mapping[str, float]) -> dict[str, np.ndarray]:
    """:func:`nlp.tags.phrase_idf`'s dictionary as sorted hash and value arrays (for ``extras``)."""
    phrases = [p for p in idf if p != "__n_docs__"]
    hashes = _hashes(phrases)
    values = np.fromiter((idf[p] for p in phrases), dtype=np.float64, count=len(phrases))
    order = np.argsort(hashes)
    return {
        "phrase_hash": hashes[order],
        "phrase_idf": values[order],
        "phrase_docs": np.asarray([idf.get("__n_docs__", 0.0)]),
    }


class HashedIdf(Mapping):
    """A read-only ``{phrase: idf}`` over :func:`phrase_idf_arrays` (memory-mapped), what
    :func:`nlp.tags.extract_tags` takes as ``corpus_idf``."""

    def __init__(self, hashes: np.ndarray, values: np.ndarray, n_docs: float) -> None:
        self._hashes, self._values, self._n_docs = hashes, values, float(n_docs)

    @classmethod
    def from_extras(cls, extras: Mapping[str, np.ndarray]) -> HashedIdf | None:
        """From a loaded build's ``extras_``; None when the build carries no phrase IDF."""
        if "phrase_hash" not in extras:
            return None
        return cls(extras["phrase_hash"], extras["phrase_idf"], float(extras["phrase_docs"][0]))

    def __getitem__(self, phrase: str) -> float:
        if phrase == "__n_docs__":
            return self._n_docs
        h = np.uint64(term_hash(phrase))
        i = int(np.searchsorted(self._hashes, h))
        if i < len(self._hashes) and self._hashes[i] == h:
            return float(self._values[i])
        raise KeyError(phrase)

    def __len__(self) -> int:
        return len(self._hashes) + 1

    def __iter__(self) -> Iterator[str]:  # the phrases themselves are not kept, only their hashes
        raise TypeError("HashedIdf keeps hashes only; look phrases up with get()")

    def __bool__(self) -> bool:
        return True
