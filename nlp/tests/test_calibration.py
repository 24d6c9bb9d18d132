import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.calibration import (
    NEEDS_REVIEW,
    NO_THRESHOLD,
    expected_calibration_error,
    precision_threshold,
    reliability_bins,
    review_label,
)
from nlp.classify import CALIBRATIONS, REVIEW_THRESHOLD, TrackClassifier

from .conftest import IDEAS, split_tokenizer

TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]
TRACKS = [tr for *_, tr in IDEAS]

confidences = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=0, max_size=60)


def test_ece_of_known_inputs():
    # Two bins: 0.2 claimed and right half the time (gap 0.3), 0.9 claimed and always right (gap 0.1).
    conf = [0.2, 0.2, 0.9, 0.9]
    correct = [1, 0, 1, 1]
    assert expected_calibration_error(conf, correct) == pytest.approx(0.5 * 0.3 + 0.5 * 0.1)
    # Perfectly calibrated bins: 0.75 claimed, 3 of 4 right.
    assert expected_calibration_error([0.75] * 4, [1, 1, 1, 0]) == pytest.approx(0.0)
    # Confident and always wrong: the error is the confidence.
    assert expected_calibration_error([0.95, 0.95], [0, 0]) == pytest.approx(0.95)
    assert expected_calibration_error([], []) == 0.0


def test_ece_rejects_confidences_outside_zero_one_and_length_mismatch():
    with pytest.raises(ValueError):
        expected_calibration_error([1.2], [1])
    with pytest.raises(ValueError):
        expected_calibration_error([0.5, 0.5], [1])


def test_reliability_bins_cover_every_row_once_and_put_one_in_the_last_bin():
    conf = [0.0, 0.05, 0.1, 0.55, 0.99, 1.0]
    bins = reliability_bins(conf, [0, 0, 1, 1, 1, 0])
    assert len(bins) == 10 and sum(b.count for b in bins) == len(conf)
    assert bins[0].count == 2 and bins[1].count == 1 and bins[9].count == 2
    assert bins[9].accuracy == pytest.approx(0.5) and bins[9].mean_confidence == pytest.approx(0.995)
    assert bins[3].count == 0 and bins[3].accuracy is None


def test_precision_threshold_is_the_lowest_confidence_with_enough_precision_above_it():
    conf = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5]
    correct = [1, 1, 1, 0, 1, 0]
    # >= 0.8: 3/3; >= 0.7: 3/4; >= 0.6: 4/5 = 0.8; >= 0.5: 4/6.
    assert precision_threshold(conf, correct, 0.9) == pytest.approx(0.8)
    assert precision_threshold(conf, correct, 0.8) == pytest.approx(0.6)
    assert precision_threshold(conf, correct, 0.9, min_count=4) == NO_THRESHOLD
    # Ties count together: both 0.7 rows are above a threshold of 0.7 (2 of 3 right there).
    assert precision_threshold([0.9, 0.7, 0.7], [1, 1, 0], 0.6) == pytest.approx(0.7)
    assert precision_threshold([0.9, 0.7, 0.7], [1, 1, 0], 0.7) == pytest.approx(0.9)
    assert precision_threshold([], [], 0.9) == NO_THRESHOLD
    assert NO_THRESHOLD > 1.0


@settings(deadline=None)  # no wall-clock limit: the machine may be busy
@given(
    st.lists(st.tuples(st.floats(0.0, 1.0, allow_nan=False), st.booleans()), min_size=1, max_size=60),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.integers(1, 10),
)
def test_precision_threshold_is_monotone_and_keeps_its_promise(rows, p1, p2, min_count):
    conf = [c for c, _ in rows]
    correct = [ok for _, ok in rows]
    low, high = sorted((p1, p2))
    t_low = precision_threshold(conf, correct, low, min_count=min_count)
    t_high = precision_threshold(conf, correct, high, min_count=min_count)
    assert t_high >= t_low
    assert precision_threshold(conf, correct, high, min_count=min_count + 1) >= t_high
    above = np.asarray(conf) >= t_high
    if t_high < NO_THRESHOLD:
        assert above.sum() >= min_count
        assert np.asarray(correct, dtype=float)[above].mean() >= high
    else:
        assert not above.any()


@settings(deadline=None)  # no wall-clock limit: the machine may be busy
@given(confidences, st.floats(0.0, 1.0))
def test_ece_is_between_zero_and_one(conf, p):
    rng = np.random.default_rng(len(conf))
    correct = rng.random(len(conf)) < p
    assert 0.0 <= expected_calibration_error(conf, correct) <= 1.0


@settings(deadline=None)  # no wall-clock limit: the machine may be busy
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_review_label_reads_needs_review_below_the_threshold(confidence, threshold):
    label = review_label("일자리", confidence, threshold)
    assert label == (NEEDS_REVIEW if confidence < threshold else "일자리")


def test_review_label_without_a_confidence_needs_review():
    assert review_label("일자리", None, 0.5) == NEEDS_REVIEW == "확인 필요"


def test_classifier_uses_the_fixed_review_threshold_and_can_switch_calibration():
    labels = [tr if i % 2 == 0 else None for i, tr in enumerate(TRACKS)]
    clf = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, labels)
    assert clf.review_threshold_ == pytest.approx(REVIEW_THRESHOLD)
    assert set(clf.temperatures_) == set(CALIBRATIONS)
    for method in CALIBRATIONS:
        P = clf.predict_proba(TEXTS, calibration=method)
        assert np.allclose(P.sum(axis=1), 1.0)
    folds = TrackClassifier(split_tokenizer, calibration="folds", random_state=0).fit(TEXTS, labels)
    assert np.allclose(folds.predict_proba(TEXTS), clf.predict_proba(TEXTS, calibration="folds"))
    scores = [s for _, s in clf.predict_with_score(TEXTS)]
    assert all(clf.needs_review(s) == (s < REVIEW_THRESHOLD) for s in scores)
    with pytest.raises(ValueError, match="calibration"):
        TrackClassifier(split_tokenizer, calibration="isotonic").fit(TEXTS, labels)


def _many_labels():
    """Two thirds of the texts labelled (more than the batch: no self-training), two labels wrong so that
    the held-out fold rows are not all right."""
    texts = [f"{t} {c}" for _, t, c, _ in IDEAS] * 3
    labels = [tr if i % 3 else None for i, tr in enumerate(TRACKS * 3)]
    labels[1], labels[14] = "환경", "교통"
    return texts, labels


def test_novelty_calibration_keeps_the_ranking_and_the_batch_mean_of_large():
    texts, labels = _many_labels()
    clf = TrackClassifier(split_tokenizer, calibration="novelty", random_state=0).fit(texts, labels)
    assert clf.novelty_ is not None and len(clf.novelty_) == 3
    batch = [x for x, t in zip(texts, labels, strict=True) if t is None]
    novelty, large = clf.predict_proba(batch), clf.predict_proba(batch, calibration="large")
    assert np.allclose(novelty.sum(axis=1), 1.0)
    # a per-text temperature: every text's tracks in the same order, only the confidence moves
    assert (np.argsort(-novelty, axis=1) == np.argsort(-large, axis=1)).all()
    assert not np.allclose(novelty.max(axis=1), large.max(axis=1))
    assert novelty.max(axis=1).mean() == pytest.approx(large.max(axis=1).mean(), abs=1e-4)
    assert [s for _, s in clf.predict_with_score(batch)] == pytest.approx(list(novelty.max(axis=1)))


def test_novelty_calibration_is_exact_while_the_classifier_self_trains():
    labels = [tr if i % 2 == 0 else None for i, tr in enumerate(TRACKS)]
    texts = TEXTS + [f"{t} 다시" for t in TEXTS]  # the unlabelled texts outnumber the labelled ones
    labels = labels + [None] * len(TEXTS)
    clf = TrackClassifier(split_tokenizer, calibration="novelty", random_state=0).fit(texts, labels)
    assert clf.novelty_ is None
    assert np.allclose(clf.predict_proba(texts), clf.predict_proba(texts, calibration="exact"))


def test_softmax_with_a_given_top_probability_per_row():
    from nlp.classify import _softmax_with_top

    S = np.array([[2.0, 1.0, -1.0], [0.0, 3.0, 1.0], [1.0, 1.0, 0.0]])
    P = _softmax_with_top(S, np.array([0.5, 0.9, 0.2]))
    assert np.allclose(P.sum(axis=1), 1.0)
    assert P[0].max() == pytest.approx(0.5, abs=1e-6) and P[1].max() == pytest.approx(0.9, abs=1e-6)
    assert P[2].max() == pytest.approx(1 / 3, abs=1e-4)  # under 1/3 is out of a softmax's reach: clipped
    assert (P.argmax(axis=1)[:2] == [0, 1]).all() and P[0, 1] > P[0, 2] and P[1, 2] > P[1, 0]


def test_novelty_is_fitted_only_for_a_classifier_calibrated_by_it():
    texts, labels = _many_labels()
    clf = TrackClassifier(split_tokenizer, calibration="large", random_state=0).fit(texts, labels)
    assert clf.novelty_ is None
    assert np.allclose(clf.predict_proba(texts, calibration="novelty"), clf.predict_proba(texts, calibration="exact"))
