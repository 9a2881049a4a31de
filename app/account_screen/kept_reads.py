"""What each account's screen last read of its records, kept by the process with the count of their
writes it was read at (app/account_screen/versions.py): while the count holds, the screen's
statement leaves those records unread and the kept ones stand for them."""

from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from app.accounts.kept_fields import KEPT_ACCOUNTS


@dataclass(frozen=True, slots=True)
class KeptRead:
    version: int
    columns: Mapping[str, Any]


class KeptReads:
    """The kept reads, by account and the parts asked for; bounded, the screens read least recently
    forgotten first."""

    def __init__(self, size: int = KEPT_ACCOUNTS) -> None:
        self.size = size
        self._kept: OrderedDict[Any, KeptRead] = OrderedDict()

    def get(self, key: Any) -> KeptRead | None:
        return self._kept.get(key)

    def columns(
        self, key: Any, kept: KeptRead | None, version: int, record: Mapping[str, Any], names: Collection[str]
    ) -> Mapping[str, Any]:
        """Columns ``names`` of the screen ``key`` as last read: ``kept`` (what ``get`` gave before the
        statement ran) if ``record`` was read at its count, ``version``, when the statement left them
        unread; else ``record``'s own, kept from now on. Shared: read them, never change them."""
        if kept is None or kept.version != version:
            kept = KeptRead(version, {name: record[name] for name in names})
        self._kept[key] = kept
        self._kept.move_to_end(key)
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return kept.columns
