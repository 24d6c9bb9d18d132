"""Fitted models saved by the refit and loaded by every process, by name. No Django.

Fitting a model of a corpus (the track classifier, the routing model) reads and analyses every item
(minutes at 100,000 items), so a process must not fit its own after each start, nor after each new item.
The refit :func:`save`-s the one it fitted under the corpus's index directory as ``<name>.pickle``
(written to a temporary file and renamed, so a reader never sees half a file); every process
:func:`load`-s it, checking :func:`stamp` (the file's mtime and size) to see when the refit saved another.

Two things in a fitted model are not pickled with it:

- **the analyser** (a Mecab tagger cannot be pickled, and it is built once per process): an
  :class:`nlp.analyzer.Analyzer`, or one of its bound methods (``analyzer.tokens`` given as a tokenizer),
  is saved as a reference and :func:`load` puts the process's own ``analyzer`` back in its place;
- **a** :class:`nlp.similar.SimilarityIndex` (the routing model's neighbours) is written with
  :meth:`SimilarityIndex.save` to a directory beside the file (``<name>-<save>-<n>/``) and loaded
  memory-mapped, so processes share its pages and loading costs milliseconds, not a copy per process.
  The directories of the current and the previous save are kept (a process may be loading the
  previous one); older ones are removed by the next save.

:func:`load` returns None for a missing or broken file, or one of another format or model version
(logged): the caller fits its own then, as without one. Only files the refit wrote are loaded (pickle):
the directory is the site's own.
"""

from __future__ import annotations

import inspect
import logging
import os
import pickle
import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from . import MODEL_VERSION
from .analyzer import Analyzer, as_analyzer
from .similar import IndexFormatError, SimilarityIndex

__all__ = ["CLASSIFIER", "ROUTER", "file_name", "load", "save", "stamp"]

logger = logging.getLogger(__name__)

#: The names the adapter saves its models under: the track classifier, the routing model.
CLASSIFIER = "classifier"
ROUTER = "router"

_FORMAT = 2  # 1: the classifier alone, its tokenizer set to None (refused: the refit saves it again)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Saves whose index directories are kept (the current one and the one before).
_KEEP = 2


def file_name(name: str) -> str:
    """The file a model named ``name`` is saved in (``classifier`` → ``classifier.pickle``)."""
    if not _NAME.match(name):
        raise ValueError(f"모델 이름은 영문 소문자, 숫자, _ 입니다: {name!r}")
    return f"{name}.pickle"


class _Pickler(pickle.Pickler):
    """Leaves the analyser out (a reference in its place) and writes each similarity index to a
    directory of its own under ``root``."""

    def __init__(self, file, root: Path, prefix: str) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.root, self.prefix, self.written = root, prefix, []

    def persistent_id(self, obj):
        if isinstance(obj, Analyzer):
            return ("analyzer", None)
        if inspect.ismethod(obj) and isinstance(obj.__self__, Analyzer):
            return ("analyzer", obj.__func__.__name__)
        if isinstance(obj, SimilarityIndex):
            if len(obj) != len(obj.ids_):  # removed rows would be left out and shift the positions
                raise ValueError("삭제된 항목이 있는 색인은 저장하지 않습니다: 다시 학습한 모델을 저장하세요")
            directory = f"{self.prefix}-{len(self.written)}"
            obj.save(self.root / directory, meta={"model": self.prefix})
            self.written.append(directory)
            return ("index", directory)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, root: Path, analyzer: Analyzer) -> None:
        super().__init__(file)
        self.root, self.analyzer = root, analyzer

    def persistent_load(self, pid):
        kind, arg = pid
        if kind == "analyzer":
            return self.analyzer if arg is None else getattr(self.analyzer, arg)
        if kind == "index":
            return SimilarityIndex.load(self.root / arg, analyzer=self.analyzer)
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def save(model: object, root: str | os.PathLike, *, name: str, meta: Mapping | None = None) -> Path:
    """Write ``model`` (fitted) under ``root`` as ``<name>.pickle``, atomically, with ``meta`` (what the
    loader checks or needs besides the model); returns the path. The analyser is left out and each
    similarity index written beside it (see the module's docstring)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / file_name(name)
    prefix = f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    payload = {"format": _FORMAT, "model_version": MODEL_VERSION, "name": name, "meta": dict(meta or {})}
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=root)
    pickler = None
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)  # the header, read first by load()
            pickler = _Pickler(f, root, prefix)
            pickler.dump(model)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        for directory in pickler.written if pickler is not None else ():
            shutil.rmtree(root / directory, ignore_errors=True)
        raise
    _remove_old(root, name)
    return path


def _remove_old(root: Path, name: str) -> None:
    """Remove the index directories of ``name``'s saves but the last :data:`_KEEP`."""
    pattern = re.compile(rf"^{name}-(\d{{8}}T\d{{12}}-[0-9a-f]{{8}})-\d+$")
    saves: dict[str, list[Path]] = {}
    for p in root.iterdir():
        m = pattern.match(p.name)
        if m and p.is_dir():
            saves.setdefault(m.group(1), []).append(p)
    for key in sorted(saves)[:-_KEEP]:
        for p in saves[key]:
            shutil.rmtree(p, ignore_errors=True)


def stamp(root: str | os.PathLike, *, name: str) -> tuple[int, int] | None:
    """``(mtime_ns, size)`` of the saved model ``name`` under ``root`` (changes when the refit saves a new
    one), or None when there is none: a cheap check before :func:`load`."""
    try:
        st = (Path(root) / file_name(name)).stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def load(root: str | os.PathLike, *, name: str, analyzer: object = None) -> tuple[object, dict] | None:
    """The model ``name`` saved under ``root``, with ``analyzer`` (:func:`nlp.analyzer.as_analyzer`: the
    process's own) put back wherever the saved one was, and its ``meta``; None when there is none, it
    cannot be read, or it was saved by another format or model version (logged)."""
    root = Path(root)
    path = root / file_name(name)
    try:
        with path.open("rb") as f:
            head = pickle.load(f)  # noqa: S301 - the refit's own file in the site's own directory
            if not isinstance(head, dict) or head.get("format") != _FORMAT:
                logger.warning("Saved model %s is of another format; not used", path)
                return None
            if head.get("model_version") != MODEL_VERSION or head.get("name") != name:
                logger.warning("Saved model %s is of another version (%s); not used", path, head.get("model_version"))
                return None
            model = _Unpickler(f, root, as_analyzer(analyzer)).load()
    except FileNotFoundError:
        return None
    except IndexFormatError:
        logger.warning("Saved model %s: its index is damaged; not used", path, exc_info=True)
        return None
    except Exception:  # noqa: BLE001 - a broken file: the caller fits its own, as without one
        logger.exception("Saved model %s cannot be read", path)
        return None
    return model, head["meta"]
