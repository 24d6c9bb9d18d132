"""The calibration harness (`benchmarks.calibration_variants`): its classifier is the shipped one, its rules
do what they say, and the whole report runs (the dev data is not needed)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.calibration_variants import (
    FoldKeepingClassifier,
    novelty,
    report,
    task_rows,
    wilson_lower,
    wilson_threshold,
)
from benchmarks.common import Task
from nlp.calibration import NO_THRESHOLD, precision_threshold
from nlp.classify import TrackClassifier

from .conftest import IDEAS, split_tokenizer
from .conftest import THIRD_LABELLED as HALF
from .conftest import TRIPLED_TEXTS as TEXTS


def test_the_fold_keeping_classifier_is_exactly_the_shipped_one_and_keeps_three_folds():
    shipped = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    kept = FoldKeepingClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    assert np.array_equal(shipped.predict_proba(TEXTS), kept.predict_proba(TEXTS))
    assert kept.temperatures_ == shipped.temperatures_ and kept.cv_accuracy_ == shipped.cv_accuracy_
    assert len(kept.fold_models_) == 3
    n_labelled = sum(t is not None for t in HALF) + 3  # and one seed row per track
    assert kept.oof_["scores"].shape == (n_labelled, 3) and len(kept.oof_["far"]) == n_labelled
    agree = kept.agreement(TEXTS)
    assert agree.dtype == bool and agree.shape == (len(TEXTS),) and agree.any()


def test_wilson_lower_bound_of_known_proportions():
    assert wilson_lower(10, 10) == pytest.approx(1 / (1 + 1.645**2 / 10))  # all right: n / (n + z²)
    assert wilson_lower(0, 10) == pytest.approx(0.0, abs=1e-12)
    # the bound tightens towards the proportion as the sample grows
    assert wilson_lower(9, 10) < wilson_lower(90, 100) < wilson_lower(900, 1000) < 0.9


def test_wilson_threshold_needs_enough_right_rows_above_it():
    conf = np.linspace(1.0, 0.01, 100)
    # 10 right rows on top: 10/10 gives a bound of 0.79, under 0.9 — no threshold.
    assert wilson_threshold(conf, [1] * 10 + [0] * 90) == NO_THRESHOLD
    # 60 right rows on top: the bound at 60/60 is 0.957; adding wrong rows lowers it.
    t = wilson_threshold(conf, [1] * 60 + [0] * 40)
    above = conf >= t
    assert 60 <= above.sum() < 64
    assert precision_threshold(conf, [1] * 60 + [0] * 40, 0.9) < t


@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0, allow_nan=False), st.booleans()), min_size=1, max_size=80))
def test_wilson_threshold_is_never_below_the_point_estimate(rows):
    conf = [c for c, _ in rows]
    correct = [ok for _, ok in rows]
    assert wilson_threshold(conf, correct) >= precision_threshold(conf, correct, 0.9)


def test_novelty_of_a_labelled_row_is_zero_and_of_an_unseen_row_one():
    XL = sp.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]))
    yl = np.array(["a", "b"], dtype=object)
    V = sp.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 0, 0, 1.0], [0, 0, 0, 0]]))
    n = novelty(V, XL, yl, np.array(["a", "b"], dtype=object), np.array(["a", "a", "b"], dtype=object))
    assert list(n["unknown"]) == [0.0, 1.0, 1.0]
    assert n["far"] == pytest.approx([0.0, 1.0, 1.0])
    assert n["off_centroid"] == pytest.approx([0.0, 1.0, 1.0])


class _Tokens:
    """What ``task_rows`` needs of the token cache."""

    def warm(self, texts):
        pass

    def __call__(self, text):
        return split_tokenizer(text)


def test_task_rows_and_the_cross_source_report_run_end_to_end():
    rows = [{"id": f"{i}", "title": t, "content": c, "category": tr} for i, (_, t, c, tr) in enumerate(IDEAS * 3)]
    labelled = [{**r, "track": r["category"]} for r in rows[::3]]
    inputs = [r for i, r in enumerate(rows) if i % 3]
    task = Task("synthetic", labelled, inputs, {r["id"]: r["category"] for r in inputs})
    r = task_rows(task, _Tokens())
    assert len(r["correct"]) == len(inputs) and set(np.unique(r["agree"])) <= {0.0, 1.0}
    assert ((0 <= r["conf_exact"]) & (r["conf_exact"] <= 1)).all() and len(r["oof_correct"]) == len(labelled) + 3
    text = report("few", {"bluehouse": [r, r], "gwanghwamun": [r, r]}, [10, 11], min_count=1)
    for name in ("platt+agree", "oof+far", "wilson + agree", "oof-wilson"):
        assert f"| {name} |" in text
