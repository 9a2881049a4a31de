"""A KAM's stars from weighted process indicators: the default weights and thresholds, exact at the
boundaries, indicators that do not apply left out, targets scoring full."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES, KamScorecard, ScorecardIndicator
from app.rules.scorecard import percent, rate_kam

SCORECARD = DEFAULT_RULES.kam_scorecard
CODES = ("reviews_on_time", "follow_ups_kept", "decision_makers_engaged", "plans_active", "visit_frequency_met")


def everywhere(value):
    return dict.fromkeys(CODES, None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        ("100", 5),
        ("90", 5),
        ("89.99", 4),
        ("75", 4),
        ("74.99", 3),
        ("60", 3),
        ("59.99", 2),
        ("40", 2),
        ("39.99", 1),
        ("0", 1),
    ],
)
def test_the_stars_at_their_thresholds(value, stars):
    assert rate_kam(everywhere(value), SCORECARD).stars == stars


def test_the_weights_are_30_25_20_15_10():
    # Reviews and follow-ups perfect, the rest nothing: 55 %.
    rating = rate_kam({**everywhere("0"), "reviews_on_time": Decimal(100), "follow_ups_kept": Decimal(100)}, SCORECARD)
    assert (rating.weighted_percent, rating.stars) == (Decimal("55.00"), 2)


def test_an_indicator_that_does_not_apply_leaves_its_weight_to_the_others():
    values = {**everywhere("80"), "decision_makers_engaged": None, "plans_active": None}
    rating = rate_kam(values, SCORECARD)
    assert (rating.weighted_percent, rating.stars) == (Decimal("80.00"), 4)
    assert rate_kam(everywhere(None), SCORECARD).stars is None


def test_a_target_scores_full_at_the_target_and_never_above():
    scorecard = SCORECARD.model_copy(
        update={"reviews_on_time": ScorecardIndicator(weight=Decimal(30), target_percent=Decimal(80))}
    )
    rating = rate_kam({**everywhere(None), "reviews_on_time": Decimal(72)}, scorecard)
    assert rating.indicators[0].score == Decimal(90)
    assert rate_kam({**everywhere(None), "reviews_on_time": Decimal(95)}, scorecard).indicators[0].score == 100


def test_the_exact_figure_decides_not_the_rounded_one():
    # 17,999 of 20,000 reviews on time: 89.995 %, which rounds to 90.00 but is not 90.
    values = {**everywhere(None), "reviews_on_time": percent(17999, 20000)}
    rating = rate_kam(values, SCORECARD)
    assert (rating.stars, rating.weighted_percent) == (4, Decimal("89.99"))


@given(
    st.lists(st.decimals(0, 100, places=2), min_size=5, max_size=5), st.integers(0, 4), st.decimals(0, 100, places=2)
)
def test_a_better_indicator_never_lowers_the_stars(values, index, better):
    before = dict(zip(CODES, values, strict=True))
    after = {**before, CODES[index]: max(before[CODES[index]], better)}
    assert rate_kam(after, SCORECARD).stars >= rate_kam(before, SCORECARD).stars


def test_the_scorecard_refuses_thresholds_out_of_order():
    with pytest.raises(ValueError, match="fall from five"):
        KamScorecard.model_validate({"stars": {"five": 70, "four": 75, "three": 60, "two": 40}})
