"""Property-based tests of the pure assignment algorithm: coverage, balance, no conflicts, seeds, and
an expert on every entry that can have one.

Each guarantee is a `check_*` function over any implementation of `assign`, so the same checks run
against the real one (they must hold) and against deliberately broken variants (hypothesis must find
a counterexample: the checks can fail)."""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from moderation.review import assignment as algo
from moderation.review.assignment import assign, keeps_expert, normalise_organisation, pick_replacement


@st.composite
def problems(draw, with_conflicts=True, max_entries=30, max_reviewers=10):
    n_entries = draw(st.integers(0, max_entries))
    n_reviewers = draw(st.integers(1, max_reviewers))
    k = draw(st.integers(1, 5))
    entries = list(range(1000, 1000 + n_entries))
    reviewers = list(range(1, n_reviewers + 1))
    conflicts = set()
    if with_conflicts and entries:
        pairs = st.tuples(st.sampled_from(reviewers), st.sampled_from(entries))
        conflicts = draw(st.sets(pairs, max_size=n_entries * n_reviewers // 2))
    seed = draw(st.integers(0, 2**31 - 1))
    return entries, reviewers, k, conflicts, seed


@st.composite
def expert_problems(draw, with_conflicts=True, **size):
    """A problem plus, per entry, the reviewers whose expertise matches it (often few or none: the
    scarce expert is the hard case)."""
    entries, reviewers, k, conflicts, seed = draw(problems(with_conflicts=with_conflicts, **size))
    experts = {e: draw(st.sets(st.sampled_from(reviewers), max_size=3)) for e in entries}
    return entries, reviewers, k, conflicts, seed, experts


def check_expert_on_every_entry_that_can_have_one(assign_fn, problem) -> None:
    entries, reviewers, k, conflicts, seed, experts = problem
    result = assign_fn(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed, experts=experts)
    for e in entries:
        free_experts = {r for r in experts[e] if (r, e) not in conflicts}
        if free_experts:
            assert free_experts & set(result.by_entry[e]), (e, result.by_entry[e], free_experts)


def check_coverage_without_conflicts(assign_fn, problem) -> None:
    entries, reviewers, k, conflicts, seed, experts = problem
    result = assign_fn(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed, experts=experts)
    for e in entries:
        chosen = result.by_entry[e]
        eligible = [r for r in reviewers if (r, e) not in conflicts]
        assert len(chosen) == len(set(chosen)) == min(k, len(eligible))
        assert not any((r, e) in conflicts for r in chosen)
        assert result.short.get(e, 0) == k - len(chosen)


def check_no_admissible_move_evens_the_loads(assign_fn, problem) -> None:
    """Balance as tight as the constraints allow: no single move of one assignment to a reviewer
    carrying two fewer entries keeps the entry conflict-free and with its expert."""
    entries, reviewers, k, conflicts, seed, experts = problem
    result = assign_fn(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed, experts=experts)
    loads = result.loads(reviewers)
    for e, chosen in result.by_entry.items():
        wanted = frozenset(r for r in experts[e] if (r, e) not in conflicts)
        for hi in chosen:
            for lo in reviewers:
                if lo not in chosen and (lo, e) not in conflicts and keeps_expert(list(chosen), wanted, hi, lo):
                    assert loads[lo] + 2 > loads[hi], (e, hi, lo, loads)


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


# ---- expertise ------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(expert_problems())
def test_every_entry_gets_a_conflict_free_expert_when_one_exists(problem):
    check_expert_on_every_entry_that_can_have_one(assign, problem)


@settings(max_examples=60, deadline=None)
@given(expert_problems())
def test_with_experts_coverage_and_conflicts_still_hold(problem):
    check_coverage_without_conflicts(assign, problem)


@settings(max_examples=60, deadline=None)
@given(expert_problems())
def test_with_experts_no_admissible_single_move_could_improve_the_balance(problem):
    check_no_admissible_move_evens_the_loads(assign, problem)


@settings(max_examples=60, deadline=None)
@given(expert_problems(with_conflicts=False))
def test_when_every_entry_has_an_expert_to_spare_loads_stay_within_one(problem):
    """With every reviewer an expert of every entry the expertise costs no balance at all."""
    entries, reviewers, k, _c, seed, _experts = problem
    everyone = {e: set(reviewers) for e in entries}
    loads = assign(entries=entries, reviewers=reviewers, k=k, seed=seed, experts=everyone).loads(reviewers)
    assert max(loads.values()) - min(loads.values()) <= 1


@settings(max_examples=40, deadline=None)
@given(expert_problems(), st.randoms(use_true_random=False))
def test_with_experts_the_same_seed_reproduces_the_assignment_whatever_the_input_order(problem, rnd):
    entries, reviewers, k, conflicts, seed, experts = problem
    first = assign(entries=entries, reviewers=reviewers, k=k, conflicts=conflicts, seed=seed, experts=experts)
    shuffled_e, shuffled_r = entries[:], reviewers[:]
    rnd.shuffle(shuffled_e)
    rnd.shuffle(shuffled_r)
    shuffled_x = {e: list(v)[::-1] for e, v in reversed(list(experts.items()))}
    again = assign(
        entries=shuffled_e, reviewers=shuffled_r, k=k, conflicts=list(conflicts), seed=seed, experts=shuffled_x
    )
    assert again == first


def test_without_experts_the_draw_is_the_one_recorded_before_expertise_existed():
    """Seeds recorded on existing panels replay to the same assignment when no expertise is known."""
    entries, reviewers = list(range(30)), list(range(8))
    assert assign(entries=entries, reviewers=reviewers, k=3, seed=11, experts={}) == assign(
        entries=entries, reviewers=reviewers, k=3, seed=11
    )


# ---- the checks can fail: deliberately broken variants -----------------------------------------------


def _ignores_experts(**kw):
    """Broken: today's algorithm, blind to expertise."""
    kw.pop("experts", None)
    return assign(**kw)


def _repair_takes_the_last_expert_away(**kw):
    """Broken: experts picked first, but the balancing pass may move an entry's only expert off it."""
    original = algo.keeps_expert
    algo.keeps_expert = lambda *a: True
    try:
        return assign(**kw)
    finally:
        algo.keeps_expert = original


def _never_rebalances(**kw):
    """Broken: experts first and no repair pass at all."""
    original = algo._repair
    algo._repair = lambda *a: None
    try:
        return assign(**kw)
    finally:
        algo._repair = original


def _fails(check, variant):
    def broken(problem):
        try:
            check(variant, problem)
        except AssertionError:
            return True
        return False

    return broken


@pytest.mark.parametrize(
    ("check", "variant"),
    [
        (check_expert_on_every_entry_that_can_have_one, _ignores_experts),
        (check_expert_on_every_entry_that_can_have_one, _repair_takes_the_last_expert_away),
        (check_no_admissible_move_evens_the_loads, _never_rebalances),
    ],
    ids=["blind-to-expertise", "repair-drops-expert", "no-rebalancing"],
)
def test_the_property_checks_catch_a_broken_assignment(check, variant):
    counterexample = find(
        expert_problems(max_entries=12, max_reviewers=6),
        _fails(check, variant),
        settings=settings(
            max_examples=2000,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert counterexample[0], "a counterexample has entries"
