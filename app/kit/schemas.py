"""Schema building blocks shared by every resource."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

# PostgreSQL text cannot hold NUL characters; refusing them here turns a would-be 500 into a 422.
_NO_NUL = r"^[^\x00]*$"


def text_field(max_length: int, *, min_length: int = 0) -> type[str]:
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=_NO_NUL),
    ]


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WriteModel(BaseModel):
    """Request bodies refuse unknown fields, so a misspelt field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# Money: a decimal with at most two places, written as a JSON string ("1250000.00") so no client
# rounds it through a float; the deployment's currency is in /v1/meta.
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
]
