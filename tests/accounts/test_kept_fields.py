"""An account's fields are kept while they hold: the same row, the same rules, before they lapse."""

from datetime import UTC, datetime, timedelta

from app.accounts.kept_fields import KeptFields
from app.rules.document import DEFAULT_RULES

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
UNTIL = NOW + timedelta(hours=5)


class Builds:
    """A build of an account's fields that counts its calls and lapses at ``until``."""

    def __init__(self, until: datetime | None = UNTIL) -> None:
        self.calls, self.until = 0, until

    def __call__(self) -> tuple[dict, datetime | None]:
        self.calls += 1
        return {"built": self.calls}, self.until


def test_the_same_row_under_the_same_rules_before_the_lapse_is_built_once():
    kept, build = KeptFields(), Builds()
    first = kept.fields("a", (1, "Acme"), DEFAULT_RULES, NOW, build)
    assert kept.fields("a", (1, "Acme"), DEFAULT_RULES, UNTIL - timedelta(microseconds=1), build) is first
    assert build.calls == 1


def test_anything_else_builds_them_again():
    kept, build = KeptFields(), Builds()
    kept.fields("a", (1, "Acme"), DEFAULT_RULES, NOW, build)
    assert kept.fields("a", (2, "Acme"), DEFAULT_RULES, NOW, build) == {"built": 2}  # the row changed
    other_rules = DEFAULT_RULES.model_copy()
    assert kept.fields("a", (2, "Acme"), other_rules, NOW, build) == {"built": 3}  # other rules
    assert kept.fields("a", (2, "Acme"), other_rules, UNTIL, build) == {"built": 4}  # lapsed
    assert kept.fields("a", (2, "Acme"), other_rules, NOW, build) == {"built": 5}  # a clock set back
    assert kept.fields("b", (2, "Acme"), other_rules, NOW, build) == {"built": 6}  # another account


def test_fields_the_clock_never_changes_hold_until_the_row_does():
    kept, build = KeptFields(), Builds(until=None)
    kept.fields("a", (1,), DEFAULT_RULES, NOW, build)
    assert kept.fields("a", (1,), DEFAULT_RULES, NOW + timedelta(days=3650), build) == {"built": 1}


def test_the_accounts_read_least_recently_are_forgotten_first():
    kept, build = KeptFields(size=2), Builds()
    for account in ("a", "b"):
        kept.fields(account, (1,), DEFAULT_RULES, NOW, build)
    kept.fields("a", (1,), DEFAULT_RULES, NOW, build)  # read again: now the most recent
    kept.fields("c", (1,), DEFAULT_RULES, NOW, build)  # "b" is forgotten
    assert build.calls == 3
    kept.fields("a", (1,), DEFAULT_RULES, NOW, build)
    assert build.calls == 3
    kept.fields("b", (1,), DEFAULT_RULES, NOW, build)
    assert build.calls == 4
