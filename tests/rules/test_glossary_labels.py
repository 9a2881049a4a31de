"""Every value of every named set has a label for people, and no label names a value that is not."""

from app.glossary import LABELS, NAMED_VALUE_SETS, label


def test_every_named_value_set_is_labelled_whole():
    assert set(LABELS) == set(NAMED_VALUE_SETS)
    for name, values in NAMED_VALUE_SETS.items():
        assert tuple(LABELS[name]) == values, name
        assert all(text and text[0].isupper() for text in LABELS[name].values()), name


def test_a_label_is_found_by_set_and_value():
    assert label("Stage", "needs_analysis") == "Needs analysis"
    assert label("SignalCode", "no_decision_maker_engaged") == "No decision maker engaged"
    assert label("Stage", None) == "-"
