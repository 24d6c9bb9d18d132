"""Property-based tests of the pure assignment algorithm: coverage, balance, no conflicts, seeds."""

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.review.assignment import assign, normalise_organisation, pick_replacement


@st.composite
def problems(draw, with_conflicts=True):
    n_entries = draw(st.integers(0, 30))
    n_reviewers = draw(st.integers(1, 10))
    k = draw(st.integers(1, 5))
    entries = list(range(1000, 1000 + n_entries))
    reviewers = list(range(1, n_reviewers + 1))
    conflicts = set()
    if with_conflicts and entries:
        pairs = st.tuples(st.sampled_from(reviewers), st.sampled_from(entries))
        conflicts = draw(st.sets(pairs, max_size=n_entries * n_reviewers // 2))
    seed = draw(st.integers(0, 2**31 - 1))
    return entries, reviewers, k, conflicts, seed


@settings(max_examples=150, deadline=None)
@given(problems())
def test_every_entry_gets_k_distinct_conflict_free_reviewers_when_enough_exist(problem):
    entries, reviewers, k, conflicts, seed = problem
    result = assign(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed)
    for e in entries:
        chosen = result.by_entry[e]
        eligible = [r for r in reviewers if (r, e) not in conflicts]
        assert len(chosen) == len(set(chosen)) == min(k, len(eligible))
        assert not any((r, e) in conflicts for r in chosen)
        assert result.short.get(e, 0) == k - len(chosen)


@settings(max_examples=150, deadline=None)
@given(problems(with_conflicts=False))
def test_without_conflicts_no_reviewer_carries_more_than_one_entry_above_another(problem):
    entries, reviewers, k, _conflicts, seed = problem
    loads = assign(entries=entries, reviewers=reviewers, k=k, seed=seed).loads(reviewers)
    assert max(loads.values()) - min(loads.values()) <= 1


@settings(max_examples=150, deadline=None)
@given(problems())
def test_with_conflicts_no_single_move_could_improve_the_balance(problem):
    entries, reviewers, k, conflicts, seed = problem
    result = assign(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed)
    loads = result.loads(reviewers)
    for e, chosen in result.by_entry.items():
        for hi in chosen:
            for lo in reviewers:
                if lo not in chosen and (lo, e) not in conflicts:
                    assert loads[lo] + 2 > loads[hi], (e, hi, lo, loads)


@settings(max_examples=80, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_the_same_seed_reproduces_the_assignment_whatever_the_input_order(problem, rnd):
    entries, reviewers, k, conflicts, seed = problem
    first = assign(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed)
    shuffled_e, shuffled_r = entries[:], reviewers[:]
    rnd.shuffle(shuffled_e)
    rnd.shuffle(shuffled_r)
    again = assign(entries=shuffled_e, reviewers=shuffled_r, k=k, conflicts=list(conflicts), seed=seed)
    assert again == first


def test_different_seeds_draw_different_assignments():
    entries, reviewers = list(range(30)), list(range(8))
    draws = {
        tuple(sorted(assign(entries=entries, reviewers=reviewers, k=3, seed=s).by_entry.items())) for s in range(5)
    }
    assert len(draws) > 1


def test_an_entry_everyone_conflicts_with_is_reported_short():
    result = assign(entries=[1, 2], reviewers=["a", "b"], k=2, conflicts={("a", 1), ("b", 1)}, seed=7)
    assert result.by_entry[1] == ()
    assert result.short == {1: 2}


def test_replacement_is_the_least_loaded_candidate():
    assert pick_replacement(candidates=["a", "b", "c"], load={"a": 3, "b": 1, "c": 2}, seed=1) == "b"
    assert pick_replacement(candidates=[], load={}, seed=1) is None


def test_organisation_names_compare_without_legal_form_spacing_or_case():
    assert normalise_organisation("(주) 서울 잡스") == normalise_organisation("서울잡스 주식회사") == "서울잡스"
    assert normalise_organisation("Seoul Jobs Co.") == normalise_organisation("seoul-jobs co")
    assert normalise_organisation("") == normalise_organisation(None) == ""


def test_the_assignment_and_aggregation_cores_import_without_django():
    code = (
        "import sys; import moderation.review.assignment, moderation.review.aggregate; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": "."}, timeout=60)
