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
- **every large array** (a numeric :class:`numpy.ndarray` of at least :data:`ARRAY_MIN_BYTES`: the
  linear model's ``coef_``, the vectorizer's ``idf_``/``keys_``, the centroids) is written as ``.npy`` to
  a directory of its own beside the file (``<name>-<save>-<n>/``) and loaded memory-mapped read-only
  (``np.load(mmap_mode="r")``): processes share its pages instead of each holding a copy, and loading
  reads only the small pickle. A model must not write into its fitted arrays in place (a read-only array
  raises); small arrays stay in the pickle.

The directories of the current and the previous save are kept (a process may be loading the previous
one); older ones are removed by the next save.

:func:`load` returns None for a missing or broken file, or one of another format or model version
or whose index or arrays are missing or damaged (logged): the caller fits its own then, as without one. Only files the refit wrote are loaded (pickle):
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

import numpy as np

from . import MODEL_VERSION
from .analyzer import Analyzer, as_analyzer
from .similar import IndexFormatError, SimilarityIndex

__all__ = ["ARRAY_MIN_BYTES", "CLASSIFIER", "ArrayError", "ROUTER", "file_name", "load", "save", "stamp"]

logger = logging.getLogger(__name__)

#: The names the adapter saves its models under: the track classifier, the routing model.
CLASSIFIER = "classifier"
ROUTER = "router"

#: An array of at least this many bytes is saved beside the pickle and loaded memory-mapped.
ARRAY_MIN_BYTES = 1 << 20

# 1: the classifier alone, its tokenizer set to None (refused: the process fits its own until the refit
# saves it again); 2: every array inside the pickle (still read: the same objects, only not mapped, so a
# deployment does not leave every process fitting its own until the next refit); 3: large arrays beside it
_FORMAT = 3
_READABLE = (2, 3)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Saves whose index directories are kept (the current one and the one before).
_KEEP = 2


def file_name(name: str) -> str:
    """The file a model named ``name`` is saved in (``classifier`` → ``classifier.pickle``)."""
    if not _NAME.match(name):
        raise ValueError(f"모델 이름은 영문 소문자, 숫자, _ 입니다: {name!r}")
    return f"{name}.pickle"


class ArrayError(ValueError):
    """A saved model's array file is missing, truncated or not the array the pickle names."""


class _Pickler(pickle.Pickler):
    """Leaves the analyser out (a reference in its place), writes each similarity index to a directory
    of its own under ``root`` and each large array to one directory of ``.npy`` files under ``root``."""

    def __init__(self, file, root: Path, prefix: str, array_min_bytes: int) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.root, self.prefix, self.written = root, prefix, []
        self.array_min_bytes = max(1, int(array_min_bytes))
        self.arrays_dir: str | None = None
        self.arrays: dict[int, tuple] = {}  # id(array) -> its reference (an array met twice is saved once)

    def _array_id(self, obj: np.ndarray) -> tuple:
        pid = self.arrays.get(id(obj))
        if pid is None:
            if self.arrays_dir is None:
                self.arrays_dir = f"{self.prefix}-{len(self.written)}"
                (self.root / self.arrays_dir).mkdir()
                self.written.append(self.arrays_dir)
            file = f"a{len(self.arrays)}.npy"
            np.save(self.root / self.arrays_dir / file, obj, allow_pickle=False)  # keeps C/Fortran order
            pid = ("array", self.arrays_dir, file, obj.dtype.str, obj.shape)
            self.arrays[id(obj)] = pid
        return pid

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
        if (
            type(obj) in (np.ndarray, np.memmap)  # not a subclass whose class the file would lose
            and obj.nbytes >= self.array_min_bytes
            and not obj.dtype.hasobject
        ):
            return self._array_id(obj)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, root: Path, analyzer: Analyzer) -> None:
        super().__init__(file)
        self.root, self.analyzer = root, analyzer
        self.arrays: dict[tuple, np.memmap] = {}  # an array saved once for two references is one again

    def persistent_load(self, pid):
        kind, arg, *rest = pid
        if kind == "analyzer":
            return self.analyzer if arg is None else getattr(self.analyzer, arg)
        if kind == "index":
            return SimilarityIndex.load(self.root / arg, analyzer=self.analyzer)
        if kind == "array":
            file, dtype, shape = rest
            if (arg, file) not in self.arrays:
                self.arrays[arg, file] = _load_array(self.root / arg / file, np.dtype(dtype), tuple(shape))
            return self.arrays[arg, file]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def _load_array(path: Path, dtype: np.dtype, shape: tuple) -> np.memmap:
    """The array saved at ``path``, memory-mapped read-only; :class:`ArrayError` when the file is
    missing, cannot be read or is not of ``dtype`` and ``shape``."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:  # missing, truncated (shorter than its header says), not .npy
        raise ArrayError(f"배열 파일을 읽을 수 없습니다: {path.name}: {exc}") from exc
    if array.dtype != dtype or array.shape != shape:
        raise ArrayError(f"배열 파일이 저장된 배열과 다릅니다: {path.name}")
    return array


def save(
    model: object,
    root: str | os.PathLike,
    *,
    name: str,
    meta: Mapping | None = None,
    array_min_bytes: int | None = None,
) -> Path:
    """Write ``model`` (fitted) under ``root`` as ``<name>.pickle``, atomically, with ``meta`` (what the
    loader checks or needs besides the model); returns the path. The analyser is left out, each
    similarity index and each numeric array of at least ``array_min_bytes`` (default
    :data:`ARRAY_MIN_BYTES`) written beside it (see the module's docstring)."""
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
            pickler = _Pickler(f, root, prefix, ARRAY_MIN_BYTES if array_min_bytes is None else array_min_bytes)
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
    """Remove the index and array directories of ``name``'s saves but the last :data:`_KEEP`."""
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
            if not isinstance(head, dict) or head.get("format") not in _READABLE:
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
    except ArrayError:
        logger.warning("Saved model %s: its arrays are missing or damaged; not used", path, exc_info=True)
        return None
    except Exception:  # noqa: BLE001 - a broken file: the caller fits its own, as without one
        logger.exception("Saved model %s cannot be read", path)
        return None
    return model, head["meta"]
