import pytest
from pydantic import ValidationError

from app.rules.document import DEFAULT_RULES, RulesDocument


def document(**changes):
    return {**DEFAULT_RULES.model_dump(mode="json", exclude={"version"}), **changes}


def test_the_defaults_are_the_product_numbers():
    rules = DEFAULT_RULES.model_dump(mode="json")
    assert [(c["key"], c["weight"]) for c in rules["criteria"]] == [
        ("revenue_potential", 30),
        ("profitability", 20),
        ("relationship", 20),
        ("strategic_fit", 15),
        ("influence", 15),
    ]
    assert rules["tier_thresholds"] == {"key": 75, "mid": 50}
    assert rules["cadence_days"] == {"semiannual": 180, "quarterly": 90, "monthly": 30, "biweekly": 14, "weekly": 7}
    assert rules["base_cadence"] == {"key": "monthly", "mid": "quarterly", "small": "semiannual", "none": "quarterly"}
    assert rules["cadence_adjustments"] == {"large_team_size": 5, "high_value_revenue": "1000000.00"}


def criteria(n):
    return [{"key": f"c{i}", "label": f"C{i}", "weight": 1} for i in range(n)]


@pytest.mark.parametrize("n", [3, 8])
def test_three_to_eight_criteria_are_accepted(n):
    assert len(RulesDocument.model_validate(document(criteria=criteria(n))).criteria) == n


@pytest.mark.parametrize(
    "changes",
    [
        {"criteria": criteria(2)},
        {"criteria": criteria(9)},
        {"criteria": [*criteria(3), {"key": "c0", "label": "again", "weight": 1}]},
        {"criteria": [{"key": "a", "label": "A", "weight": 0}, *criteria(3)]},
        {"criteria": [{"key": "a", "label": "A", "weight": -5}, *criteria(3)]},
        {"criteria": [{"key": "Not A Key", "label": "A", "weight": 1}, *criteria(3)]},
        {"tier_thresholds": {"key": 50, "mid": 50}},
        {"tier_thresholds": {"key": 40, "mid": 60}},
        {"tier_thresholds": {"key": 101, "mid": 60}},
        {"cadence_days": {"semiannual": 180, "quarterly": 90, "monthly": 90, "biweekly": 14, "weekly": 7}},
        {"base_cadence": {"key": "daily", "mid": "quarterly", "small": "semiannual", "none": "quarterly"}},
        {"cadence_adjustments": {"large_team_size": 0, "high_value_revenue": "1000000.00"}},
        {"unexpected": True},
    ],
)
def test_invalid_documents_are_refused(changes):
    with pytest.raises(ValidationError):
        RulesDocument.model_validate(document(**changes))
