"""Aggregation against hand-computed examples (no database)."""

import math

import pytest

from moderation.review.aggregate import (
    NORMALISED,
    RAW,
    Sheet,
    aggregate,
    krippendorff_alpha_interval,
    reviewer_zscores,
    sheet_total,
)

SEOUL = {"fit": 30, "creativity": 20, "feasibility": 30, "effect": 20}


def test_sheet_total_weights_the_seoul_rubric_on_a_100_point_scale():
    # 100 · (30·8 + 20·6 + 30·7 + 20·9) / (100 · 10) = 75
    assert sheet_total({"fit": 8, "creativity": 6, "feasibility": 7, "effect": 9}, SEOUL, 10) == pytest.approx(75.0)


def test_sheet_total_refuses_a_missing_criterion():
    with pytest.raises(ValueError):
        sheet_total({"fit": 8}, SEOUL, 10)


def test_zscores_are_within_each_reviewers_own_sheets():
    z = reviewer_zscores(
        [("m", "e1", 80.0), ("m", "e2", 70.0), ("solo", "e1", 50.0), ("flat", "e1", 60), ("flat", "e2", 60)]
    )
    assert z[("m", "e1")] == pytest.approx(1.0)
    assert z[("m", "e2")] == pytest.approx(-1.0)
    assert z[("solo", "e1")] == 0.0  # one sheet says nothing about harshness
    assert z[("flat", "e1")] == z[("flat", "e2")] == 0.0


def _harsh_panel(h_shift: int = 0):
    """L is lenient, H harsh, M moderate; one criterion so total = 10 · value.

    L: E2=10 E3=9 E4=8 → 100 90 80 (z +1.2247 0 −1.2247)
    H: E1=6  E3=4 E4=2 →  60 40 20 (z +1.2247 0 −1.2247)
    M: E1=8  E2=7      →  80 70    (z +1 −1)
    raw:  E1 70, E2 85, E3 65, E4 50   → E2 E1 E3 E4
    z:    E1 1.1124, E2 0.1124, E3 0, E4 −1.2247 → E1 E2 E3 E4
    """
    scores = {
        ("L", "E2"): 10,
        ("L", "E3"): 9,
        ("L", "E4"): 8,
        ("H", "E1"): 6 + h_shift,
        ("H", "E3"): 4 + h_shift,
        ("H", "E4"): 2 + h_shift,
        ("M", "E1"): 8,
        ("M", "E2"): 7,
    }
    return [Sheet(r, e, {"q": v}) for (r, e), v in scores.items()]


def test_a_harsh_reviewer_changes_the_raw_ranking_but_not_the_normalised_one():
    raw = aggregate(sheets=_harsh_panel(), weights={"q": 1}, scale_max=10, method=RAW)
    norm = aggregate(sheets=_harsh_panel(), weights={"q": 1}, scale_max=10, method=NORMALISED)
    assert [r.entry for r in raw.entries] == ["E2", "E1", "E3", "E4"]
    assert [r.entry for r in norm.entries] == ["E1", "E2", "E3", "E4"]
    by = {r.entry: r for r in norm.entries}
    assert by["E1"].raw_mean == pytest.approx(70.0)
    assert by["E2"].raw_mean == pytest.approx(85.0)
    assert by["E1"].z_mean == pytest.approx((math.sqrt(1.5) + 1) / 2)
    assert by["E2"].z_mean == pytest.approx((math.sqrt(1.5) - 1) / 2)
    assert by["E3"].z_mean == pytest.approx(0.0)
    assert by["E4"].spread == pytest.approx(60.0)
    assert by["E4"].disagreement and not by["E1"].disagreement  # 20 < 25 ≤ 60
    assert [r.rank for r in norm.entries] == [1, 2, 3, 4]


def test_making_the_harsh_reviewer_lenient_leaves_the_normalised_ranking_unchanged():
    harsh = aggregate(sheets=_harsh_panel(), weights={"q": 1}, scale_max=10, method=NORMALISED)
    lenient = aggregate(sheets=_harsh_panel(h_shift=4), weights={"q": 1}, scale_max=10, method=NORMALISED)
    assert [r.entry for r in harsh.entries] == [r.entry for r in lenient.entries]
    assert [round(r.z_mean, 9) for r in harsh.entries] == [round(r.z_mean, 9) for r in lenient.entries]
    raw_lenient = aggregate(sheets=_harsh_panel(h_shift=4), weights={"q": 1}, scale_max=10, method=RAW)
    assert [r.entry for r in raw_lenient.entries][0] == "E1"


def test_krippendorff_alpha_interval_matches_a_hand_computed_example():
    # values 1,2 | 3,3: within = 2/(2−1) = 2; all ordered pairs Σδ² = 22; α = 1 − 3·2/22 = 8/11
    assert krippendorff_alpha_interval({"a": [1, 2], "b": [3, 3]}) == pytest.approx(8 / 11)


def test_krippendorff_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert krippendorff_alpha_interval({"a": [1, 1], "b": [5, 5, 5], "c": [9]}) == pytest.approx(1.0)
    assert krippendorff_alpha_interval({"a": [4, 4], "b": [4, 4]}) is None
    assert krippendorff_alpha_interval({"a": [4]}) is None


def test_entries_without_sheets_are_listed_unranked_after_the_ranked_ones():
    result = aggregate(sheets=_harsh_panel(), weights={"q": 1}, scale_max=10, entries=["E9"])
    assert result.entries[-1].entry == "E9" and result.entries[-1].rank is None
    assert result.alpha is not None
