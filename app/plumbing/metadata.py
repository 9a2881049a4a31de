"""A CRM's own fields on a record (``metadata``): string keys to string values, kept as the CRM
sends them and never read by the rules. Stripe's limits and way of writing them: up to 50 keys of
up to 40 characters, values of up to 500; a write sets or replaces the keys it names, and a key
sent as null or "" is removed.

A list finds records by them, ``metadata=key:value`` (repeated: every one must hold), or in the
bracket form people write by hand, ``metadata[key]=value``. The contract declares the first: the
generated clients serialize a list of strings alike, while one of them sends an object parameter's
entries as parameters of their own.
"""

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from app.plumbing.errors import InvalidFields

MAX_KEYS = 50
MAX_KEY_LENGTH = 40
MAX_VALUE_LENGTH = 500

# Square brackets would break the bracket form of the filter, a colon its list form.
_KEY_CHARACTERS = r"[^\[\]:\x00-\x1f]"
_KEY = rf"{_KEY_CHARACTERS}{{1,{MAX_KEY_LENGTH}}}"

Key = Annotated[str, StringConstraints(pattern=rf"^{_KEY}$")]
Value = Annotated[str, StringConstraints(max_length=MAX_VALUE_LENGTH)]

_LIMITS = (
    f"Up to {MAX_KEYS} keys of up to {MAX_KEY_LENGTH} characters (no square brackets, no colon), "
    f"string values of up to {MAX_VALUE_LENGTH}."
)


def _keys_by_name(schema: dict[str, Any]) -> None:
    """The keys' pattern as ``propertyNames``, the values' schema as ``additionalProperties``: the
    shape generated clients read as a map of strings (``patternProperties`` they read as no map)."""
    ((pattern, values),) = schema.pop("patternProperties").items()
    schema["propertyNames"] = {"pattern": pattern}
    schema["additionalProperties"] = values


Metadata = Annotated[
    dict[Key, Value | None],
    Field(
        json_schema_extra=_keys_by_name,
        max_length=MAX_KEYS,
        description=f"The CRM's own fields. {_LIMITS} A key given null or an empty string is not kept.",
    ),
]
MetadataChanges = Annotated[
    dict[Key, Value | None],
    Field(
        json_schema_extra=_keys_by_name,
        # A change may remove every key kept and set as many new ones.
        max_length=2 * MAX_KEYS,
        description=f"Sets or replaces the keys named; null or an empty string removes a key; keys left "
        f"out stay. {_LIMITS}",
    ),
]


class _ByFieldName:
    """A record read by a read model's field names: its ``metadata_`` as ``metadata``."""

    def __init__(self, record: object) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return getattr(self._record, "metadata_" if name == "metadata" else name)


MetadataRead = Annotated[dict[str, str], Field(description="The CRM's own fields.")]


class WithMetadata(BaseModel):
    """A read model with a ``metadata`` field (a ``MetadataRead``), read off a record's ``metadata_``
    attribute (``metadata`` is the declarative base's own name) or given by name."""

    @model_validator(mode="before")
    @classmethod
    def _from_record(cls, data: Any) -> Any:
        return _ByFieldName(data) if hasattr(data, "metadata_") else data


def _kept(pairs: Mapping[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in pairs.items() if value}


def _within_limit(kept: dict[str, str]) -> dict[str, str]:
    if len(kept) > MAX_KEYS:
        raise InvalidFields.one(["body", "metadata"], f"would hold {len(kept)} keys; a record keeps up to {MAX_KEYS}")
    return kept


def new(sent: Mapping[str, str | None]) -> dict[str, str]:
    """The metadata a new record keeps."""
    return _kept(sent)


def changed(kept: Mapping[str, str], sent: Mapping[str, str | None]) -> dict[str, str]:
    """The metadata after a change: the keys sent set, replaced or removed, the others as they were."""
    return _within_limit(_kept({**kept, **sent}))


def replacing(kept: Mapping[str, str], sent: Mapping[str, str | None]) -> dict[str, str | None]:
    """The change that makes a record's metadata what ``sent`` says, as a replacement does: the keys
    it leaves out are removed."""
    return {**dict.fromkeys(kept), **sent}


def onto_record(fields: dict[str, Any], kept: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``fields`` (a write's, by field name) with its ``metadata`` as the record keeps it: the whole
    of it for a new record (``kept`` None), else changed from ``kept``."""
    if "metadata" not in fields:
        return fields
    sent = fields.pop("metadata")
    fields["metadata_"] = new(sent) if kept is None else changed(kept, sent)
    return fields


_BRACKETED = re.compile(r"^metadata\[(.*)\]$", re.DOTALL)


def is_bracketed(name: str) -> bool:
    """Whether a query parameter is the bracket form of the metadata filter (``metadata[key]``)."""
    return _BRACKETED.match(name) is not None


_CONDITION = rf"^{_KEY}:[^\x00]{{1,{MAX_VALUE_LENGTH}}}$"


class MetadataFilter(BaseModel):
    """The ``metadata`` filter of a list query (see the module's doc)."""

    metadata: list[Annotated[str, StringConstraints(pattern=_CONDITION)]] = Field(
        default_factory=list,
        max_length=MAX_KEYS,
        description="Records whose metadata holds `key:value` (the value exactly; repeat for more, each "
        "must hold). Also written `metadata[key]=value`.",
    )

    @model_validator(mode="before")
    @classmethod
    def _bracketed(cls, data: Any) -> Any:
        """``metadata[key]=value`` parameters as conditions of the list form."""
        if not isinstance(data, dict):
            return data
        given = data.get("metadata", [])
        conditions = list(given) if isinstance(given, list) else [given]
        rest = {}
        for name, value in data.items():
            match = _BRACKETED.match(name)
            if match is None:
                rest[name] = value
                continue
            if not re.fullmatch(_KEY, match[1]):
                raise PydanticCustomError(
                    "metadata_key",
                    "{name}: a metadata key has 1 to 40 characters, no brackets or colon",
                    {"name": name},
                )
            conditions += [f"{match[1]}:{each}" for each in (value if isinstance(value, list) else [value])]
        if conditions:
            rest["metadata"] = conditions
        return rest

    def metadata_wanted(self) -> dict[str, str]:
        wanted: dict[str, str] = {}
        for condition in self.metadata:
            key, value = condition.split(":", 1)
            if wanted.setdefault(key, value) != value:
                raise InvalidFields.one(["query", "metadata"], f"key {key!r} is given two values")
        return wanted

    def metadata_matches(self, column: InstrumentedAttribute[dict[str, str]]) -> list[ColumnElement[bool]]:
        return holding(column, self.metadata_wanted())


def holding(column: InstrumentedAttribute[dict[str, str]], wanted: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """The filter's SQL: one containment (``@>``), which the metadata's GIN index answers."""
    return [column.contains(wanted)] if wanted else []
