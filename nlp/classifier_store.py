"""A fitted :class:`~nlp.classify.TrackClassifier` saved by the refit and loaded by every process. No Django.

Fitting the track classifier reads and analyses every item of a corpus (minutes at 100,000 ideas), so
a process must not fit its own after each start, nor after each new item. The refit saves the one it
fitted (:func:`save`, written to a temporary file and renamed, so a reader never sees half a file);
processes :func:`load` it with their own tokenizer (the analyser is not saved: it is rebuilt per
process). The file holds the classifier and ``meta`` (model version, the labels' seed texts it learned
from); :func:`load` refuses a file of another model version and returns None for a missing or broken one.
Only files the refit wrote are loaded (pickle): the directory is the site's own.
"""

from __future__ import annotations

import copy
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from . import MODEL_VERSION
from .classify import TrackClassifier

__all__ = ["FILE_NAME", "load", "save", "stamp"]

logger = logging.getLogger(__name__)

FILE_NAME = "classifier.pickle"
_FORMAT = 1


def save(classifier: TrackClassifier, root: str | os.PathLike, *, meta: Mapping | None = None) -> Path:
    """Write ``classifier`` (fitted) under ``root`` as :data:`FILE_NAME`, atomically; returns the path.
    The tokenizers are left out (a bound analyser cannot be pickled); :func:`load` puts one back."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    clf = copy.copy(classifier)
    clf.tokenizer = None
    vectorizer = copy.copy(classifier.vectorizer_)
    own = getattr(vectorizer.tokenizer, "__module__", "") == "nlp.classify"  # the placeholder of an empty corpus
    vectorizer.tokenizer = vectorizer.tokenizer if own else None
    clf.vectorizer_ = vectorizer
    payload = {"format": _FORMAT, "model_version": MODEL_VERSION, "meta": dict(meta or {}), "classifier": clf}
    fd, tmp = tempfile.mkstemp(prefix=".classifier-", dir=root)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, root / FILE_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return root / FILE_NAME


def stamp(root: str | os.PathLike) -> tuple[int, int] | None:
    """``(mtime_ns, size)`` of the saved classifier under ``root`` (changes when the refit saves a new
    one), or None when there is none: a cheap check before :func:`load`."""
    try:
        st = (Path(root) / FILE_NAME).stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def load(root: str | os.PathLike, *, tokenizer: Callable[[str], Sequence[str]]) -> tuple[TrackClassifier, dict] | None:
    """The classifier saved under ``root`` with ``tokenizer`` put back, and its ``meta``; None when there
    is none, it cannot be read, or it was saved by another format or model version (logged)."""
    path = Path(root) / FILE_NAME
    try:
        with path.open("rb") as f:
            payload = pickle.load(f)  # noqa: S301 - the refit's own file in the site's own directory
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a broken file: the caller fits its own, as without one
        logger.exception("Saved classifier %s cannot be read", path)
        return None
    if payload.get("format") != _FORMAT or payload.get("model_version") != MODEL_VERSION:
        logger.warning("Saved classifier %s is of another version (%s); not used", path, payload.get("model_version"))
        return None
    clf = payload["classifier"]
    clf.tokenizer = tokenizer
    if clf.vectorizer_.tokenizer is None:
        clf.vectorizer_.tokenizer = tokenizer
    return clf, payload["meta"]
