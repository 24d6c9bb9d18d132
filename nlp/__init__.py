"""Korean NLP core of 일사천리: normalisation, analysis, keyword tags, track classification, topic
clusters, similar ideas and re-post detection. No Django here; the adapter lives in ``nlp.adapter``.

Public API (what the Django adapter and the CLI call)
-----------------------------------------------------
``nlp.text.normalize(text) -> str``
    NFC, whitespace collapsed, zero-width characters and the Blue House admin notice removed.
``nlp.analyzer.get_analyzer(name=None) -> Analyzer``
    Process-wide konlpy analyser (``mecab`` default, ``okt``, ``komoran``; env ``IDEAS_NLP_ANALYZER``),
    built lazily. ``.tokens(text) -> list[str]`` content morphemes (search, TF-IDF), ``.nouns(text)``,
    ``.phrases(text)`` tag candidates. ``nlp.analyzer.as_analyzer(str.split)`` wraps a plain tokenizer.
``nlp.tags.extract_tags(text, *, corpus_idf=None, min_tags=3, max_tags=8, analyzer=None) -> list[Tag]``
    Keyword tags (``Tag.name``, ``Tag.score``) found verbatim in the text; ``nlp.tags.phrase_idf`` builds
    ``corpus_idf``.
``nlp.classify.TrackClassifier(tokenizer=None, *, seeds=None, C=1.0, self_training_rounds=3, ...)``
    ``fit(texts, tracks)`` (``None`` = unlabelled, used for self-training), ``predict``,
    ``predict_proba``, ``predict_with_score`` → (track, calibrated confidence in [0, 1]).
    ``calibration`` (one of ``nlp.classify.CALIBRATIONS``, default ``"novelty"``: ``"exact"`` while it
    self-trains, with many labels the confidence shrunk by the text's distance to its track) turns scores into
    confidences; ``review_threshold_`` is ``nlp.classify.REVIEW_THRESHOLD`` unless given (chosen by
    ``benchmarks.calibration`` on a fitting source); ``needs_review(score)`` is ``score <
    review_threshold_``, and the site then shows ``nlp.classify.NEEDS_REVIEW`` (``"확인 필요"``).
``nlp.calibration``: ``expected_calibration_error``, ``reliability_bins``, ``precision_threshold`` (the
    lowest confidence with held-out precision ≥ a target above it), ``review_label(track, score, t)``.
``nlp.cluster.TopicClusterer(n_clusters=None, *, tokenizer=None, random_state=None, ...)``
    ``fit(texts, hint_labels=None)`` → ``labels_`` and ``cluster_labels_`` (``{0: "청년 · 창업 · 지원"}``).
``nlp.similar.SimilarityIndex(analyzer=None, ...)``
    ``fit(ids, texts)``, ``add(ids, texts)``, ``query(text, k=5, exclude_id=None) -> [(id, score)]``,
    ``find_duplicate(text, exclude_id=...) -> (id, score) | None``.
``nlp.triage.triage(inputs, labelled, n_clusters=None, *, analyzer=None, random_state=0) -> list[dict]``
    The whole triage (what ``python -m nlp triage`` runs): inputs are dicts with ``id``, ``title``,
    ``content``; labelled also ``track``. Each result carries ``model_version`` and ``track_score``.
    Each row also carries ``needs_review`` (``track_score`` under the run's review threshold) and
    ``suggestion`` (the track, or ``"확인 필요"`` when it needs review; the CLI's last column).
``nlp.triage.triage_report(inputs, labelled, n_clusters=None, *, ..., previous_clusters=None) -> TriageReport``
    The same run with ``.rows`` (what ``triage`` returns), ``.clusters`` (one ``ClusterSummary`` per
    cluster) and ``.review_threshold``.
``nlp.explain.cluster_summaries(texts, labels, vectors=None, *, ids=None, tracks=None, label_terms=None,
previous=None) -> list[ClusterSummary]``
    Per cluster: ``label_terms``/``label``, 2–3 ``representative_sentences`` copied verbatim from its
    members (TextRank), ``size``, ``tracks`` (``Counter``) and ``change`` since ``previous`` (``"new"``,
    ``"grown"``, ``"shrunk"``, ``"same"``; ``to_dict``/``from_dict`` for JSON storage).
``nlp.route.RouteSuggester(tokenizer=None, *, k=20, neighbour_weight, prior_weight, linear_weight, pooling, ...)``
    ``fit(texts, routes, tracks=None, *, prior=None)`` (``None`` route = not routed yet), ``suggest(text,
    track=None, n=3) -> [(route, confidence)]``, ``predict_proba``, ``component_proba``: departments
    suggested from the nearest routed texts, a track → route prior and a linear model on the routes.

Every automatic output records :data:`MODEL_VERSION` and a confidence.
"""

# 0.2.0: few-label fits use the tokens alone (no bigrams) and the solver tolerance 1e-3; the streamed index
# build. Persisted indexes and saved classifiers of another version are refused and rebuilt by the refit.
__version__ = "0.2.0"

#: Name and version recorded with every automatic output.
MODEL_VERSION = f"ilsa-nlp-{__version__}"
