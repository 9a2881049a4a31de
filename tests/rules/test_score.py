from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES, Criterion
from app.rules.score import compute_score

CRITERIA = DEFAULT_RULES.criteria
KEYS = [criterion.key for criterion in CRITERIA]
values = st.integers(min_value=1, max_value=10)
full_scores = st.fixed_dictionaries({key: values for key in KEYS})


def test_the_weighted_score_of_the_product_example_is_77():
    scores = {"revenue_potential": 8, "profitability": 8, "relationship": 8, "strategic_fit": 7, "influence": 7}
    assert compute_score(scores, CRITERIA).score == Decimal("77.0")


def test_all_sixes_score_60():
    assert compute_score(dict.fromkeys(KEYS, 6), CRITERIA).score == Decimal("60.0")


def test_a_missing_criterion_means_no_score_and_names_every_missing_one_in_criteria_order():
    result = compute_score({"profitability": 5, "strategic_fit": 9}, CRITERIA)
    assert result.score is None
    assert result.missing_criteria == ("revenue_potential", "relationship", "influence")


def test_values_for_keys_that_are_not_criteria_are_ignored():
    scores = {**dict.fromkeys(KEYS, 5), "retired_criterion": 10}
    assert compute_score(scores, CRITERIA).score == Decimal("50.0")


def test_rounding_is_half_up_to_one_place():
    criteria = [
        Criterion(key="a", label="A", weight=Decimal(1)),
        Criterion(key="b", label="B", weight=Decimal(1)),
        Criterion(key="c", label="C", weight=Decimal(38)),
    ]
    # 10 x (2 + 3 + 38 x 8) / 40 = 77.25 exactly: half up gives 77.3 where banker's rounding gives 77.2.
    assert compute_score({"a": 2, "b": 3, "c": 8}, criteria).score == Decimal("77.3")


@given(full_scores)
def test_a_complete_score_lies_between_10_and_100_with_one_decimal(scores):
    score = compute_score(scores, CRITERIA).score
    assert Decimal(10) <= score <= Decimal(100)
    assert score == score.quantize(Decimal("0.1"))


@given(st.integers(min_value=1, max_value=10))
def test_equal_values_score_ten_times_the_value(value):
    assert compute_score(dict.fromkeys(KEYS, value), CRITERIA).score == Decimal(10 * value)


@given(full_scores, st.sampled_from(KEYS))
def test_raising_one_value_never_lowers_the_score(scores, key):
    raised = {**scores, key: min(scores[key] + 1, 10)}
    assert compute_score(raised, CRITERIA).score >= compute_score(scores, CRITERIA).score
