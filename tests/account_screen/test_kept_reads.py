"""The records each account's screen read, kept by the process at the count of writes read with them."""

from app.account_screen.kept_reads import KeptReads


def _row(version, contacts):
    return {"screen__version": version, "contacts": contacts}


def test_the_records_read_are_kept_and_stand_for_the_next_read_at_the_same_count():
    reads = KeptReads()
    assert reads.get("a") is None
    first = reads.columns("a", None, _row(3, ["Ann"]), "screen__version", ["contacts"])
    assert first == {"contacts": ["Ann"]}
    kept = reads.get("a")
    # Read at the kept count, the statement left the records unread (null): the kept ones stand.
    assert reads.columns("a", kept, _row(3, None), "screen__version", ["contacts"]) is first
    # The count moved: the records read stand, and are kept from now on.
    moved = reads.columns("a", kept, _row(4, ["Ann", "Bo"]), "screen__version", ["contacts"])
    assert moved == {"contacts": ["Ann", "Bo"]} and reads.get("a").version == 4


def test_the_screens_read_least_recently_are_forgotten_first():
    reads = KeptReads(size=2)
    for key in ("a", "b"):
        reads.columns(key, None, _row(1, [key]), "screen__version", ["contacts"])
    reads.columns("a", reads.get("a"), _row(1, None), "screen__version", ["contacts"])
    reads.columns("c", None, _row(1, ["c"]), "screen__version", ["contacts"])
    assert [reads.get(key) is not None for key in ("a", "b", "c")] == [True, False, True]
