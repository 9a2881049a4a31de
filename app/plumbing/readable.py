"""Figures as a person reads them in a document: money with its currency and separators, percentages
with one decimal, counts with their noun, codes by their label, and tables whose numbers line up.

Reports and the agenda write Markdown through this; their JSON keeps the exact values. Numbers are
written the way ``KAM_LOCALE`` writes them (Babel's CLDR data): ``$1,234,567`` in en_US,
``1.234.567 €`` in de_DE.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from starlette.requests import Request

from app.glossary import label

Number = Decimal | Fraction | float | int | str
_ONE_DECIMAL = Decimal("0.001")  # a share of 1 shown as a percentage with one decimal


@dataclass(frozen=True)
class Column:
    """A table column: its heading, and whether its cells are figures (right-aligned)."""

    heading: str
    figure: bool = False


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


@dataclass(frozen=True)
class Readable:
    locale: str = "en_US"
    currency: str = "USD"

    @cached_property
    def _money_pattern(self) -> str:
        """The locale's currency pattern without decimals: a manager reads whole amounts."""
        pattern: str = Locale.parse(self.locale).currency_formats["standard"].pattern
        return pattern.split(";")[0].replace(".00", "")

    def money(self, value: Number | None) -> str:
        if value is None:
            return "-"
        whole = _decimal(value).quantize(Decimal(1), ROUND_HALF_UP)
        return format_currency(
            whole, self.currency, format=self._money_pattern, locale=self.locale, currency_digits=False
        )

    @cached_property
    def _percent_pattern(self) -> str:
        """The locale's percent pattern with one decimal: ``#,##0.0%`` in en_US, ``#,##0.0 %`` in de_DE."""
        pattern: str = Locale.parse(self.locale).percent_formats[None].pattern
        return re.sub(r"0(?=[^0#]*%)", "0.0", pattern.split(";")[0], count=1)

    def money_scale(self, values: Iterable[Number]) -> tuple[int, str]:
        """How a chart's axis counts money: in units, thousands or millions, from its largest value."""
        top = max((abs(_decimal(value)) for value in values), default=Decimal(0))
        if top >= 10_000_000:
            return 1_000_000, f"{self.currency} millions"
        if top >= 10_000:
            return 1_000, f"{self.currency} thousands"
        return 1, self.currency

    def number(self, value: Number | None, decimals: int = 0) -> str:
        if value is None:
            return "-"
        step = Decimal(1).scaleb(-decimals)
        rounded = _decimal(value).quantize(step, ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(rounded, format=pattern, locale=self.locale)

    def share(self, value: Number | None) -> str:
        """A share of one (0.4667) as a percentage with one decimal: 46.7%."""
        if value is None:
            return "-"
        rounded = _decimal(value).quantize(_ONE_DECIMAL, ROUND_HALF_UP)
        return format_percent(rounded, format=self._percent_pattern, locale=self.locale)

    def percent(self, value: Number | None) -> str:
        """A percentage already out of 100 (86.67) with one decimal: 86.7%."""
        return "-" if value is None else self.share(_decimal(value) / 100)

    def count(self, number: int, noun: str, plural: str | None = None) -> str:
        """``1 review``, ``2 reviews``, ``1,204 opportunities``."""
        word = noun if number == 1 else plural or f"{noun}s"
        return f"{self.number(number)} {word}"

    @staticmethod
    def label(kind: str, value: str | None) -> str:
        return label(kind, value)


def cell(value: object) -> str:
    """Text safe in a Markdown table cell; nothing is a dash."""
    if value is None or value == "":
        return "-"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table: figures right-aligned, so their digits line up."""
    lines = [
        "| " + " | ".join(column.heading for column in columns) + " |",
        "|" + "|".join("---:" if column.figure else "---" for column in columns) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def readable_for(request: Request) -> Readable:
    """The service's way of writing figures (``KAM_LOCALE``, ``KAM_CURRENCY``), made once at start."""
    readable: Readable = request.app.state.readable
    return readable
