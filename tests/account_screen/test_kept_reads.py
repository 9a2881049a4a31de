"""The records each account's screen read, kept by the process at the count of writes read with them."""

from app.account_screen.kept_reads import KeptReads


def _row(contacts):
    return {"contacts": contacts}


def test_the_records_read_are_kept_and_stand_for_the_next_read_at_the_same_count():
    reads = KeptReads()
    assert reads.get("a") is None
    first = reads.columns("a", None, 3, _row(["Ann"]), ["contacts"])
    assert first == {"contacts": ["Ann"]}
    kept = reads.get("a")
    # Read at the kept count, the statement left the records unread (null): the kept ones stand.
    assert reads.columns("a", kept, 3, _row(None), ["contacts"]) is first
    # The count moved: the records read stand, and are kept from now on.
    moved = reads.columns("a", kept, 4, _row(["Ann", "Bo"]), ["contacts"])
    assert moved == {"contacts": ["Ann", "Bo"]} and reads.get("a").version == 4


def test_the_screens_read_least_recently_are_forgotten_first():
    reads = KeptReads(size=2)
    for key in ("a", "b"):
        reads.columns(key, None, 1, _row([key]), ["contacts"])
    reads.columns("a", reads.get("a"), 1, _row(None), ["contacts"])
    reads.columns("c", None, 1, _row(["c"]), ["contacts"])
    assert [reads.get(key) is not None for key in ("a", "b", "c")] == [True, False, True]
