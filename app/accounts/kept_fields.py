"""Each account's answer as last built, kept by the process while it still holds.

An account's fields (``account_fields``) are a pure function of its row (with its people and stored
facts), the rules and the clock. Judging and building them is most of what a page of accounts costs,
and a good part of an account's read; both are asked again and again with nothing changed. So the
accounts read plainly (one, its screen, a page) keep their fields beside the row they were built
from, the rules they were built under and the moment they lapse (``shown_view_holds_until``: the
clock alone could change nothing sooner); a row read again equal to the kept one, under the same
rules, before that moment, gets the kept fields. Anything else builds them anew. Bounded: the
accounts read least recently are forgotten first. The account screen keeps its parts the same way,
by account and part, in a keep of their own (app/account_screen/service.py).
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from app.rules.document import RulesConfig

# Accounts kept per process: a few dozen pages of the portfolio, some tens of megabytes.
KEPT_ACCOUNTS = 2_000

# What is kept: an account's fields, or a screen part's JSON.
F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class _Kept(Generic[F]):
    row: Sequence[Any]
    rules: RulesConfig
    made: datetime
    until: datetime | None
    fields: F

    def holds(self, row: Sequence[Any], rules: RulesConfig, now: datetime) -> bool:
        timely = self.made <= now and (self.until is None or now < self.until)
        return timely and self.rules is rules and self.row == row


class KeptFields(Generic[F]):
    """The process's kept fields, by key: an account's id, or an account's id and a part of its
    screen (see the module's docstring)."""

    def __init__(self, size: int = KEPT_ACCOUNTS) -> None:
        self.size = size
        self._kept: OrderedDict[Any, _Kept[F]] = OrderedDict()

    def fields(
        self,
        key: Any,
        row: Sequence[Any],
        rules: RulesConfig,
        now: datetime,
        build: Callable[[], tuple[F, datetime | None]],
    ) -> F:
        """The fields of the account (or part) ``key`` read as ``row`` (every value they are built
        from) under ``rules`` at ``now``: those kept, if they hold; else ``build``'s (the fields and
        the moment they lapse, None for never), kept from now on. The fields given are shared: read
        them, never change them."""
        kept = self._kept.get(key)
        if kept is not None and kept.holds(row, rules, now):
            self._kept.move_to_end(key)
            return kept.fields
        fields, until = build()
        self._kept[key] = _Kept(row, rules, now, until, fields)
        self._kept.move_to_end(key)
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return fields
