"""A KAM's stars from weighted process indicators: the default weights and thresholds, exact at the
boundaries, indicators that do not apply left out, targets scoring full."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES, KamScorecard, ScorecardIndicator
from app.rules.scorecard import percent, rate_kam, shown

SCORECARD = DEFAULT_RULES.kam_scorecard
CODES = ("reviews_on_time", "follow_ups_kept", "decision_makers_engaged", "plans_active", "visit_frequency_met")


def everywhere(value):
    return dict.fromkeys(CODES, None if value is None else Fraction(value))


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
    rating = rate_kam(
        {**everywhere("0"), "reviews_on_time": Fraction(100), "follow_ups_kept": Fraction(100)}, SCORECARD
    )
    assert (rating.weighted_percent, rating.stars) == (55, 2)


def test_an_indicator_that_does_not_apply_leaves_its_weight_to_the_others():
    values = {**everywhere("80"), "decision_makers_engaged": None, "plans_active": None}
    rating = rate_kam(values, SCORECARD)
    assert (rating.weighted_percent, rating.stars) == (80, 4)
    assert rate_kam(everywhere(None), SCORECARD).stars is None


def test_a_target_scores_full_at_the_target_and_never_above():
    scorecard = SCORECARD.model_copy(
        update={"reviews_on_time": ScorecardIndicator(weight=Decimal(30), target_percent=Decimal(80))}
    )
    rating = rate_kam({**everywhere(None), "reviews_on_time": Fraction(72)}, scorecard)
    assert rating.indicators[0].score == Decimal(90)
    assert rate_kam({**everywhere(None), "reviews_on_time": Fraction(95)}, scorecard).indicators[0].score == 100


def test_the_exact_figure_decides_not_the_rounded_one():
    # 17,999 of 20,000 reviews on time: 89.995 %, which is shown 90.00 (half up) but is not 90.
    values = {**everywhere(None), "reviews_on_time": percent(17999, 20000)}
    rating = rate_kam(values, SCORECARD)
    assert (rating.stars, rating.weighted_percent, shown(rating.weighted_percent)) == (
        4,
        Fraction("89.995"),
        Decimal("90.00"),
    )


def test_thirds_weigh_exactly_forty_two_stars():
    # 1 of 3 reviews on time, no follow-ups, 1 of 3 decision makers, 2 of 3 plans, 1 of 3 visits:
    # (30 x 100/3 + 20 x 100/3 + 15 x 200/3 + 10 x 100/3) / 75 = 40 exactly, which rounded thirds miss.
    values = {
        "reviews_on_time": percent(1, 3),
        "follow_ups_kept": percent(0, 0),
        "decision_makers_engaged": percent(1, 3),
        "plans_active": percent(2, 3),
        "visit_frequency_met": percent(1, 3),
    }
    rating = rate_kam(values, SCORECARD)
    assert (rating.weighted_percent, rating.stars, shown(rating.weighted_percent)) == (40, 2, Decimal("40.00"))


@pytest.mark.parametrize(
    ("value", "figure"),
    [
        (Fraction(1, 3) * 100, "33.33"),
        (Fraction(2, 3) * 100, "66.67"),
        (Fraction("0.005"), "0.01"),
        (Fraction("2.675"), "2.68"),
    ],
)
def test_shown_figures_round_half_up(value, figure):
    assert shown(value) == Decimal(figure)


@given(st.lists(st.fractions(0, 100), min_size=5, max_size=5), st.integers(0, 4), st.fractions(0, 100))
def test_a_better_indicator_never_lowers_the_stars(values, index, better):
    before = dict(zip(CODES, values, strict=True))
    after = {**before, CODES[index]: max(before[CODES[index]], better)}
    assert rate_kam(after, SCORECARD).stars >= rate_kam(before, SCORECARD).stars


def test_the_scorecard_refuses_thresholds_out_of_order():
    with pytest.raises(ValueError, match="fall from five"):
        KamScorecard.model_validate({"stars": {"five": 70, "four": 75, "three": 60, "two": 40}})
