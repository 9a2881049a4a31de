"""Request fields every batch of records under an account shares."""

import uuid
from typing import Annotated, Self

from pydantic import Field, model_validator

from app.plumbing.schemas import WriteModel, text

ExternalId = Annotated[str, text(200, min_length=1)]


class AccountReference(WriteModel):
    """A batch item names its account by id or by the key a CRM knows it by: one of the two."""

    account_id: uuid.UUID | None = Field(default=None, description="The account; or give account_external_id.")
    account_external_id: ExternalId | None = Field(
        default=None, description="The account's external_id; or give account_id."
    )

    @model_validator(mode="after")
    def _one_account(self) -> Self:
        if (self.account_id is None) == (self.account_external_id is None):
            raise ValueError("name the account by account_id or by account_external_id: one of the two")
        return self
