"""Schema building blocks shared by every resource."""

import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

# PostgreSQL text cannot hold NUL characters; refusing them here turns a would-be 500 into a 422.
NO_NUL_PATTERN = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0) -> StringConstraints:
    """The constraints of a text field, for ``Annotated[str, text(200)]``: trimmed, bounded, no NUL."""
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN
    )


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**options: Any) -> Any:
    """A PATCH field that may be left out but not set to null: the contract says so (not nullable,
    no default), and a null is a 422 naming it."""
    return Field(default=None, json_schema_extra=_without_default, **options)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    # Fields sent only when the request asks for them (``include``); every other field is always sent.
    sent_when_asked: ClassVar[frozenset[str]] = frozenset()


class WriteModel(BaseModel):
    """Request bodies refuse unknown fields, so a misspelt field is an error, not silently dropped,
    and text PostgreSQL cannot store anywhere in them (NUL characters, lone surrogates; in keys and
    nested values too)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_unstorable(cls, data: Any) -> Any:
        found = unstorable_location(data)
        if found is not None:
            where, error_type, message = found
            # The error handler appends ``location`` to the body's loc, so the 422 names the field.
            raise PydanticCustomError(error_type, message, {"location": where})
        return data


NUL_ERROR_TYPE = "string_nul"
SURROGATE_ERROR_TYPE = "string_unicode"
UNSTORABLE_ERROR_TYPES = frozenset({NUL_ERROR_TYPE, SURROGATE_ERROR_TYPE})

# A lone surrogate (JSON's "\ud800" escape alone) is no character: it has no UTF-8 form, so
# PostgreSQL cannot store it nor can a response echo it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unstorable(text_: str) -> tuple[str, str] | None:
    if "\x00" in text_:
        return NUL_ERROR_TYPE, "text may not contain NUL characters"
    if not text_.isascii() and _SURROGATE.search(text_):
        return SURROGATE_ERROR_TYPE, "text may not contain a lone surrogate (\\ud800 to \\udfff)"
    return None


def _all_storable(value: Any) -> bool:
    """Whether every text in a JSON value (keys and values) can be stored: the quick pass a body of a
    thousand items takes, which says where only when something cannot."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and _SURROGATE.search(item)):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def is_storable(text_: str) -> bool:
    return _unstorable(text_) is None


def unstorable_location(value: Any) -> tuple[list[str | int], str, str] | None:
    """Where in a JSON value text PostgreSQL cannot store is (keys and values), with the error's type
    and message; None when there is none. Iterative: bodies may nest deeply."""
    if _all_storable(value):
        return None
    pending: list[tuple[list[str | int], Any]] = [([], value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            problem = _unstorable(item)
            if problem is not None:
                return (path, *problem)
            continue
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        for key, child in children:
            here = [*path, key]
            if isinstance(key, str):
                problem = _unstorable(key)
                if problem is not None:
                    return (here, *problem)
            pending.append((here, child))
    return None


MONEY_PATTERN = r"^[0-9]{1,16}(\.[0-9]{1,2})?$"


def _money_text(value: Any) -> Any:
    # Decimals come from the service's own rows; clients send text, never a number a float could round.
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ValueError('money is written as a string, such as "1250000.00", never as a number')
    if not re.fullmatch(MONEY_PATTERN, value):
        raise ValueError('money is digits with at most two decimals, such as "1250000.00"')
    return value


def money_text(value: Decimal) -> str:
    """An amount as the contract writes it: text with two decimals."""
    return f"{value:.2f}"


def optional_money_text(value: Decimal | None) -> str | None:
    """As ``money_text``, for an amount that may be missing."""
    return None if value is None else money_text(value)


# Money: a decimal with at most two places, written as a JSON string ("1250000.00") in and out, so no
# client rounds it through a float; the deployment's currency is in /v1/meta.
Money = Annotated[
    Decimal,
    BeforeValidator(_money_text),
    Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(money_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "examples": ["1250000.00"],
            "description": "An amount in the deployment's currency (`/v1/meta`), at most two decimals.",
        }
    ),
]


MONEY_TOTAL_PATTERN = r"^[0-9]+\.[0-9]{2}$"

# A sum (or mean) of amounts: as many digits as the records give it, so a report over any number of
# records at the largest amount a client may write never overflows; read only, always two decimals.
MoneyTotal = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    PlainSerializer(money_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_TOTAL_PATTERN,
            "examples": ["19999999999999999.98"],
            "description": "A total in the deployment's currency (`/v1/meta`): as many digits as needed, two decimals.",
        }
    ),
]


SIGNED_MONEY_TOTAL_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"

# A difference of totals (a gap to a target, a margin): a total that may fall below zero.
SignedMoneyTotal = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    PlainSerializer(money_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": SIGNED_MONEY_TOTAL_PATTERN,
            "examples": ["-125000.00"],
            "description": "A difference in the deployment's currency (`/v1/meta`), below zero when short.",
        }
    ),
]
