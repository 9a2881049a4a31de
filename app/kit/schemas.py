"""Schema building blocks shared by every resource."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

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
