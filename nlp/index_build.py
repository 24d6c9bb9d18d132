"""A streaming, two-pass build of a persisted :class:`~nlp.similar.SimilarityIndex`. No Django here.

:meth:`SimilarityIndex.fit` holds every item's token and bigram lists and the unpruned TF-IDF matrix at
once (3 GB at 100,000 items). :class:`IndexBuilder` is fed the corpus chunk by chunk instead:

* pass 1 (:meth:`IndexBuilder.add`): each chunk's features (tokens and bigrams) are counted against a
  chunk-local vocabulary, hashed (:func:`~nlp.similar.term_hash`, only the chunk's distinct features) and
  written as a small count matrix to a temporary file; the document frequencies are accumulated in
  sorted 64-bit hash arrays (no dictionary of strings); the whitespace-free texts, title keys and ids
  go straight into the final arrays on disk;
* pass 2 (:meth:`IndexBuilder.finish`): the IDF (the same ``min_df`` and smoothed, sublinear semantics as
  ``fit``), then every chunk is vectorised, pruned to ``max_terms`` and appended to a row file; the
  feature-major block :meth:`SimilarityIndex.load` reads is written band by band of features.

Memory is bounded by the chunk, the vocabulary arrays (about 30 bytes per distinct feature) and one band
of the transposition, not by the corpus. A feature's column is its rank of first appearance in the
corpus, which is the order of the entries in a row of ``fit``'s matrix, so pruning keeps the same
features on ties and a loaded build answers every query exactly as the fitted index (the tests check it).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.lib import format as npy_format
from sklearn.preprocessing import normalize as l2_normalize

from nlp import MODEL_VERSION
from nlp.analyzer import as_analyzer
from nlp.similar import INDEX_FORMAT, SimilarityIndex, _prune_rows, title_key, with_bigrams
from nlp.similar import _hashes as hashes_of
from nlp.text import normalize, squash

__all__ = ["HashCounter", "IndexBuilder", "hashes_of", "phrase_idf_from_counts"]

logger = logging.getLogger(__name__)

#: Entries of the feature-major block assembled in memory at once while transposing (about 28 bytes each).
BAND_ENTRIES = 16_000_000


class HashCounter:
    """Counts of 64-bit hashes kept as sorted arrays, with the rank at which each hash was first seen:
    the bounded form of a ``Counter`` of strings (document frequencies, title and phrase counts)."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)
        self.ranks = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.hashes)

    def update(self, hashes: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Add ``counts`` (default 1 each) to ``hashes``; hashes not seen before get the next ranks in the
        order of their first appearance in ``hashes``."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        if counts is None:
            counts = np.ones(len(hashes), dtype=np.int64)
        if not len(hashes):
            return
        uniq, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=counts, minlength=len(uniq)).astype(np.int64)
        pos = np.searchsorted(self.hashes, uniq)
        found = np.zeros(len(uniq), dtype=bool)
        inside = pos < len(self.hashes)
        found[inside] = self.hashes[pos[inside]] == uniq[inside]
        self.counts[pos[found]] += summed[found]
        new = ~found
        if new.any():
            # ranks in the order of first appearance within ``hashes``
            by_first = np.argsort(first[new], kind="stable")
            ranks = np.empty(int(new.sum()), dtype=np.int64)
            ranks[by_first] = len(self.hashes) + np.arange(len(ranks))
            at = pos[new]
            self.hashes = np.insert(self.hashes, at, uniq[new])
            self.counts = np.insert(self.counts, at, summed[new])
            self.ranks = np.insert(self.ranks, at, ranks)

    def find(self, hashes: np.ndarray) -> np.ndarray:
        """Positions of ``hashes`` in :attr:`hashes` (-1 when absent)."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        if not len(self.hashes):
            return np.full(len(hashes), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where(self.hashes[pos] == hashes, pos, -1)


class _NpyWriter:
    """A 1-d ``.npy`` file written by appending: the header (128 bytes for any length) is rewritten with
    the final shape on :meth:`close`."""

    def __init__(self, path: Path, dtype) -> None:
        self.path, self.dtype, self.n = path, np.dtype(dtype), 0
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._header_len = self._header(0)

    def _header(self, n: int) -> int:
        self._fh.seek(0)
        header = {"descr": npy_format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": (n,)}
        npy_format.write_array_header_1_0(self._fh, header)
        return self._fh.tell()

    def append(self, values) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        self._fh.write(values.tobytes())
        self.n += len(values)

    def close(self) -> None:
        end = self._fh.tell()
        if self._header(self.n) != self._header_len:  # never: the header is padded to 128 bytes
            raise RuntimeError(f"npy header of {self.path} changed size")
        self._fh.seek(end)
        self._fh.close()


def _write(path: Path, array: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def _count(docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, sp.csr_matrix]:
    """The distinct features of ``docs`` (tokens and bigrams) as hashes, in order of first appearance,
    and the documents' count matrix over them (canonical CSR)."""
    vocab: dict[str, int] = {}
    setdefault = vocab.setdefault
    indptr, cols = [0], []
    for tokens in docs:
        cols.extend([setdefault(t, len(vocab)) for t in with_bigrams(tokens)])
        indptr.append(len(cols))
    X = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.int32), np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(docs), len(vocab)),
    )
    X.sum_duplicates()
    return hashes_of(vocab), X


class IndexBuilder:
    """Builds what :meth:`SimilarityIndex.save` writes, streamed: :meth:`add` the corpus in chunks (pass 1),
    then :meth:`finish` (pass 2) writes the build to its directory (atomically renamed into place).

    ``params`` is an unfitted :class:`SimilarityIndex` whose parameters (``analyzer``, ``min_df``,
    ``max_terms``…) the build uses; ``work_dir`` is where the build is assembled (a temporary
    directory made there, on the filesystem of the final directory so the rename is atomic).
    ``columns`` names extra per-item int64 arrays given with every chunk (e.g. each item's change stamp),
    stored as ``extras_`` of the loaded build. :meth:`SimilarityIndex.load` of the result answers exactly
    as ``params.fit`` over the concatenated chunks would.
    """

    def __init__(
        self,
        params: SimilarityIndex,
        work_dir: str | os.PathLike,
        *,
        columns: Sequence[str] = (),
        band_entries: int = BAND_ENTRIES,
    ) -> None:
        self.params = params
        self.analyzer_ = as_analyzer(params.analyzer)
        self.band_entries = band_entries
        work_dir = Path(work_dir)
        work_dir.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".build-", dir=work_dir))
        self.tmp = self.dir / "pass1"
        self.tmp.mkdir()
        self.n_items = 0
        self._chunks: list[int] = []  # items per chunk
        self._features = HashCounter()  # document frequency of every feature
        self._titles = HashCounter()
        self._ids: list = []
        self._int_ids = True
        self._texts = _NpyWriter(self.dir / "texts.npy", np.uint8)
        self._text_offsets = _NpyWriter(self.dir / "text_offsets.npy", np.int64)
        self._titles_blob = _NpyWriter(self.dir / "titles.npy", np.uint8)
        self._title_offsets = _NpyWriter(self.dir / "title_offsets.npy", np.int64)
        self._text_offsets.append([0])
        self._title_offsets.append([0])
        self._columns = {name: _NpyWriter(self.dir / f"extra_{name}.npy", np.int64) for name in columns}
        self._done = False

    # -- pass 1 -----------------------------------------------------------------------------------
    def add(
        self,
        ids: Sequence[object],
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]] | None = None,
        titles: Sequence[object] | None = None,
        columns: dict[str, Sequence[int]] | None = None,
    ) -> None:
        """Pass 1 over one chunk: ``ids``, ``texts``, the analyser's ``tokens`` (computed when None) and
        ``titles`` as :meth:`SimilarityIndex.fit` takes them, and a value per item of each named column."""
        if self._done:
            raise ValueError("IndexBuilder.finish() 이후에는 추가할 수 없습니다")
        n = len(ids)
        if len(texts) != n:
            raise ValueError("ids 와 texts 의 길이가 다릅니다")
        if titles is not None and len(titles) != n:
            raise ValueError("ids 와 titles 의 길이가 다릅니다")
        if set(columns or {}) != set(self._columns):
            raise ValueError(f"열이 맞지 않습니다: {sorted(columns or {})} != {sorted(self._columns)}")
        if not n:
            return
        if tokens is None:
            tokens = [self.analyzer_.tokens(normalize(t)) for t in texts]
        hashes, X = _count(tokens)
        self._features.update(hashes, np.bincount(X.indices, minlength=len(hashes)))
        k = len(self._chunks)
        _write(self.tmp / f"{k}_hash.npy", hashes)
        _write(self.tmp / f"{k}_indptr.npy", X.indptr)
        _write(self.tmp / f"{k}_indices.npy", X.indices)
        _write(self.tmp / f"{k}_counts.npy", X.data)
        self._chunks.append(n)
        self._ids.append(list(ids))
        self._int_ids = self._int_ids and all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in ids)
        self._append_strings(self._texts, self._text_offsets, (squash(normalize(t)) for t in texts))
        keys = [title_key(t) for t in titles] if titles is not None else [""] * n
        self._append_strings(self._titles_blob, self._title_offsets, keys)
        self._titles.update(hashes_of(k for k in keys if k))
        for name, values in (columns or {}).items():
            if len(values) != n:
                raise ValueError(f"열 {name} 의 길이가 다릅니다")
            self._columns[name].append(values)
        self.n_items += n

    @staticmethod
    def _append_strings(blob: _NpyWriter, offsets: _NpyWriter, values) -> None:
        encoded = [v.encode("utf-8") for v in values]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        offsets.append(blob.n + np.cumsum(lengths))
        blob.append(np.frombuffer(b"".join(encoded), dtype=np.uint8))

    # -- pass 2 -----------------------------------------------------------------------------------
    def _vocabulary(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        """``(term_hash, term_col, idf, col_of, sublinear)``: the kept features' sorted hashes and columns,
        the IDF per column, the column of every feature seen in pass 1 (-1: under ``min_df``), as
        ``TfidfVectorizer(min_df=…, sublinear_tf=True)`` in ``fit`` (columns in first-appearance order)."""
        n, feats = self.n_items, self._features
        min_df = self.params.min_df if n >= 2 * self.params.min_df else 1
        keep = feats.counts >= min_df
        if not keep.any():  # fit's placeholder: one feature no document has, IDF 1, no sublinear tf
            return hashes_of(["<empty>"]), np.zeros(1, np.int32), np.ones(1, np.float32), np.full(len(feats), -1), False
        by_rank = np.argsort(feats.ranks, kind="stable")
        kept = by_rank[keep[by_rank]]  # positions of the kept features, by first appearance
        col_of = np.full(len(feats), -1, dtype=np.int64)
        col_of[kept] = np.arange(len(kept))
        # sklearn's TfidfTransformer.fit, in float32 like it: idf = ln((1 + n) / (1 + df)) + 1
        df = feats.counts[kept].astype(np.float32)
        df += 1.0
        idf = np.full_like(df, fill_value=n + 1, dtype=np.float32)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        return feats.hashes[keep], col_of[keep].astype(np.int32), idf, col_of, True

    def _rows(self, k: int, col_of: np.ndarray, idf: np.ndarray, sublinear: bool) -> sp.csr_matrix:
        """Chunk ``k``'s pruned, L2-normalised TF-IDF rows (what ``fit`` computes for those items)."""
        hashes = np.load(self.tmp / f"{k}_hash.npy")
        indptr = np.load(self.tmp / f"{k}_indptr.npy")
        local = np.load(self.tmp / f"{k}_indices.npy")
        counts = np.load(self.tmp / f"{k}_counts.npy")
        cols = col_of[self._features.find(hashes)][local]
        known = cols >= 0
        rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))[known]
        new_indptr = np.zeros(len(indptr), dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(indptr) - 1), out=new_indptr[1:])
        X = sp.csr_matrix(
            (counts[known].astype(np.float32), cols[known].astype(np.int32), new_indptr),
            shape=(len(indptr) - 1, len(idf)),
        )
        X.sort_indices()  # fit's rows list features by first appearance in the corpus: their column order
        if sublinear:
            np.log(X.data, X.data)
            X.data += 1.0
        X.data *= idf[X.indices]
        X = l2_normalize(X, norm="l2", copy=False)
        return _prune_rows(X, self.params.max_terms)

    def finish(
        self,
        directory: str | os.PathLike,
        *,
        meta: dict | None = None,
        extras: dict[str, np.ndarray] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """Pass 2: vectorise, prune and write every chunk, then rename the build to ``directory`` (which must
        not exist). ``meta`` and ``extras`` as in :meth:`SimilarityIndex.save`; ``progress(done, total)``
        is called after each chunk with the items vectorised. Returns ``directory``."""
        directory = Path(directory)
        if directory.exists():
            raise FileExistsError(f"{directory} 이(가) 이미 있습니다")
        if self._done:
            raise ValueError("IndexBuilder.finish() 는 한 번만 부를 수 있습니다")
        if not self.n_items:
            self.abort()
            raise ValueError("색인할 항목이 없습니다")
        self._done = True
        try:
            return self._finish(directory, meta, extras, progress)
        except BaseException:
            self.abort()
            raise

    def _finish(self, directory, meta, extras, progress) -> Path:
        for writer in (self._texts, self._text_offsets, self._titles_blob, self._title_offsets):
            writer.close()
        for writer in self._columns.values():
            writer.close()
        n = self.n_items
        term_hash, term_col, idf, col_of, sublinear = self._vocabulary()
        n_features = len(idf)
        self._features = _Found(self._features)  # counts and ranks no longer needed
        # vectorise chunk by chunk into row files; count the entries of every feature
        per_feature = np.zeros(n_features, dtype=np.int64)
        row_files = []
        done = 0
        for k, size in enumerate(self._chunks):
            X = self._rows(k, col_of, idf, sublinear)
            per_feature += np.bincount(X.indices, minlength=n_features)
            base = self.tmp / f"{k}_rows"
            _write(base.with_suffix(".indptr.npy"), X.indptr.astype(np.int64))
            _write(base.with_suffix(".indices.npy"), X.indices.astype(np.int32))
            _write(base.with_suffix(".data.npy"), X.data.astype(np.float32))
            row_files.append(base)
            for suffix in ("indptr", "indices", "counts", "hash"):
                (self.tmp / f"{k}_{suffix}.npy").unlink()
            done += size
            if progress is not None:
                progress(done, n)
        del col_of
        nnz = int(per_feature.sum())
        index_dtype = np.int32 if nnz < 2**31 and n < 2**31 else np.int64
        indptr = np.zeros(n_features + 1, dtype=np.int64)
        np.cumsum(per_feature, out=indptr[1:])
        del per_feature
        _write(self.dir / "block_indptr.npy", indptr.astype(index_dtype))
        self._transpose(row_files, indptr, index_dtype)
        shutil.rmtree(self.tmp)
        _write(self.dir / "idf.npy", idf)
        _write(self.dir / "term_hash.npy", term_hash)
        _write(self.dir / "term_col.npy", term_col)
        titles = self._titles
        _write(self.dir / "title_hash.npy", titles.hashes)
        _write(self.dir / "title_count.npy", titles.counts)
        for name, array in (extras or {}).items():
            _write(self.dir / f"extra_{name}.npy", np.asarray(array))
        ids = [i for chunk in self._ids for i in chunk]
        if self._int_ids:
            ids_array = np.asarray(ids, dtype=np.int64)
            del ids
            _write(self.dir / "ids.npy", ids_array)
            _write(self.dir / "id_order.npy", np.argsort(ids_array, kind="stable"))
        else:
            (self.dir / "ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
        p = self.params
        header = {
            "format": INDEX_FORMAT,
            "model_version": MODEL_VERSION,
            "params": {
                "min_df": p.min_df,
                "max_terms": p.max_terms,
                "query_terms": p.query_terms,
                "dup_threshold": p.dup_threshold,
                "dup_candidates": p.dup_candidates,
            },
            "sublinear_tf": sublinear,
            "n_items": n,
            "n_features": n_features,
            "n_docs": n,
            "int_ids": self._int_ids,
            "sizes": {f.stem: f.stat().st_size for f in sorted(self.dir.glob("*.npy"))},
            "meta": meta or {},
        }
        (self.dir / "index.json").write_text(json.dumps(header, ensure_ascii=False), encoding="utf-8")
        directory.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.dir, directory)
        logger.info("Similarity index of %d items, %d features, %d entries built in %s", n, n_features, nnz, directory)
        return directory

    def _transpose(self, row_files: list[Path], indptr: np.ndarray, index_dtype) -> None:
        """Write the feature-major block (``block_indices``: item positions ascending within a feature,
        ``block_data``) from the row files, one band of features at a time."""
        indices = _NpyWriter(self.dir / "block_indices.npy", index_dtype)
        data = _NpyWriter(self.dir / "block_data.npy", np.float32)
        n_features = len(indptr) - 1
        lo = 0
        while lo < n_features:
            # the largest band from ``lo`` holding at most band_entries entries (at least one feature)
            hi = int(np.searchsorted(indptr, indptr[lo] + self.band_entries, side="right")) - 1
            hi = min(max(hi, lo + 1), n_features)
            band_cols, band_rows, band_data = [], [], []
            start = 0
            for base in row_files:
                cols = np.load(base.with_suffix(".indices.npy"))
                row_ptr = np.load(base.with_suffix(".indptr.npy"))
                inside = (cols >= lo) & (cols < hi)
                if inside.any():
                    rows = np.repeat(np.arange(start, start + len(row_ptr) - 1, dtype=np.int64), np.diff(row_ptr))
                    band_cols.append(cols[inside])
                    band_rows.append(rows[inside])
                    band_data.append(np.load(base.with_suffix(".data.npy"))[inside])
                start += len(row_ptr) - 1
            if band_cols:
                cols = np.concatenate(band_cols)
                order = np.argsort(cols, kind="stable")  # rows stay ascending within a feature
                indices.append(np.concatenate(band_rows)[order])
                data.append(np.concatenate(band_data)[order])
            lo = hi
        indices.close()
        data.close()
        if indices.n != int(indptr[-1]):
            raise RuntimeError("색인 블록의 항목 수가 맞지 않습니다")

    def abort(self) -> None:
        """Remove everything this build wrote (an unfinished build is never renamed into place)."""
        self._done = True
        for writer in (
            self._texts,
            self._text_offsets,
            self._titles_blob,
            self._title_offsets,
            *self._columns.values(),
        ):
            if not writer._fh.closed:
                writer._fh.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class _Found:
    """Only the hashes of a :class:`HashCounter` (lookups in pass 2)."""

    def __init__(self, counter: HashCounter) -> None:
        self.hashes = counter.hashes
        self._counter = counter
        counter.counts = counter.ranks = None

    def find(self, hashes: np.ndarray) -> np.ndarray:
        return self._counter.find(hashes)


def phrase_idf_from_counts(counter: HashCounter, n_docs: int) -> dict[str, np.ndarray]:
    """:func:`nlp.index_store.phrase_idf_arrays` from hashed phrase document frequencies (the same values
    as :func:`nlp.tags.phrase_idf`: ``ln((1 + n) / (1 + df)) + 1``)."""
    values, inverse = np.unique(counter.counts, return_inverse=True)
    idf = np.asarray([math.log((1 + n_docs) / (1 + int(c))) + 1.0 for c in values], dtype=np.float64)
    return {
        "phrase_hash": counter.hashes.copy(),
        "phrase_idf": idf[inverse.ravel()],
        "phrase_docs": np.asarray([float(n_docs)]),
    }
