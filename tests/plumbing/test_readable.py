"""Figures as people read them: exact inputs, rounded half up once, written the locale's way."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.plumbing.readable import Column, Readable, table

US = Readable("en_US", "USD")


def test_money_has_its_currency_and_separators_in_whole_units():
    assert US.money("124354168.00") == "$124,354,168"
    assert US.money(Decimal("0.50")) == "$1"  # half up, as every figure of the rules
    assert US.money(Decimal("-1500.49")) == "-$1,500"
    assert US.money(None) == "-"
    assert Readable("de_DE", "EUR").money(1234567) == "1.234.567\xa0€"


def test_percentages_have_one_decimal_however_they_come():
    assert US.share(0.4667) == "46.7%"
    assert US.share(Fraction(1, 3)) == "33.3%"
    assert US.percent(86.67) == "86.7%"
    assert US.percent(5.7) == "5.7%"
    assert US.percent(3.99) == "4.0%"
    assert US.share(Decimal("0.0005")) == "0.1%"  # 0.05 % rounds half up to 0.1 %
    assert US.percent(None) == "-"


def test_counts_say_their_noun_in_the_right_number():
    assert US.count(1, "review") == "1 review"
    assert US.count(0, "review") == "0 reviews"
    assert US.count(1204, "opportunity", "opportunities") == "1,204 opportunities"


def test_a_chart_axis_counts_money_in_units_thousands_or_millions():
    assert US.money_scale([950, 9_999]) == (1, "USD")
    assert US.money_scale([10_000, 5]) == (1_000, "USD thousands")
    assert US.money_scale([Decimal("12500000.00")]) == (1_000_000, "USD millions")


def test_figures_are_right_aligned_in_a_table():
    assert table([Column("Tier"), Column("Revenue", True)], [["Key", "$1"]]) == [
        "| Tier | Revenue |",
        "|---|---:|",
        "| Key | $1 |",
    ]


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_money_rounds_to_the_nearest_unit(value):
    shown = US.money(value)
    digits = Decimal(shown.replace("$", "").replace(",", ""))
    assert abs(digits - value) <= Decimal("0.5")
