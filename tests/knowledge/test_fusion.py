"""Reciprocal rank fusion: invariants (hypothesis) and the constant's effect."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.fusion import reciprocal_rank_fusion

rankings = st.lists(st.integers(min_value=0, max_value=40), unique=True, max_size=25)


@given(rankings, rankings)
def test_fused_order_is_a_permutation_of_the_union(dense: list[int], bm25: list[int]) -> None:
    fused = [item for item, _ in reciprocal_rank_fusion([dense, bm25])]
    assert sorted(fused) == sorted(set(dense) | set(bm25))


@given(rankings, rankings, st.integers(min_value=100, max_value=200))
def test_an_item_first_in_both_lists_is_first(dense: list[int], bm25: list[int], top: int) -> None:
    fused = reciprocal_rank_fusion([[top, *dense], [top, *bm25]])
    assert fused[0][0] == top


@given(rankings, rankings)
def test_scores_never_increase_down_the_list(dense: list[int], bm25: list[int]) -> None:
    scores = [score for _, score in reciprocal_rank_fusion([dense, bm25])]
    assert scores == sorted(scores, reverse=True)


@given(rankings)
def test_one_ranking_comes_back_in_its_own_order(ranking: list[int]) -> None:
    assert [item for item, _ in reciprocal_rank_fusion([ranking])] == ranking


@given(rankings, rankings)
def test_equal_weights_make_the_order_of_the_lists_irrelevant_to_scores(
    dense: list[int], bm25: list[int]
) -> None:
    assert dict(reciprocal_rank_fusion([dense, bm25])) == dict(reciprocal_rank_fusion([bm25, dense]))


def test_agreement_beats_a_single_first_place() -> None:
    # "b" is second in both lists; "a" and "c" each top one list and are missing from the other.
    fused = reciprocal_rank_fusion([["a", "b"], ["c", "b"]], k=60)
    assert fused[0][0] == "b"


def test_a_repeated_item_counts_at_its_first_position_only() -> None:
    assert reciprocal_rank_fusion([["a", "a"]], k=1) == [("a", 0.5)]


@pytest.mark.parametrize(("k", "weights"), [(0, None), (-1, None), (60, [1.0])])
def test_bad_arguments_are_refused(k: float, weights: list[float] | None) -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], k=k, weights=weights)
