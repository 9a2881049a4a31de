"""Interaction use cases: who took part must be people of the same account; nothing in the future."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select

from app.accounts.scoped import AccountScoped
from app.interactions.schemas import InteractionCreate, InteractionListQuery, InteractionUpdate
from app.kit.concurrency import ExpectedVersion
from app.kit.errors import InvalidFields
from app.kit.pagination import PageRequest, SortKey
from app.models import Contact, Interaction

# Clocks of clients and servers disagree a little; a record a few minutes "ahead" is not the future.
CLOCK_SKEW = timedelta(minutes=5)

SORT_KEYS = {
    "occurred_at": SortKey(Interaction.occurred_at, "datetime"),
    "created_at": SortKey(Interaction.created_at, "datetime"),
    "updated_at": SortKey(Interaction.updated_at, "datetime"),
}


def not_in_future(value: datetime | None, now: datetime, field: str) -> None:
    if value is not None and value > now + CLOCK_SKEW:
        raise InvalidFields.one(["body", field], f"{field} is in the future; record what has happened")


def _conditions(query: InteractionListQuery) -> list[ColumnElement[bool]]:
    equal_to = {Interaction.type: query.type, Interaction.purpose: query.purpose}
    conditions = [column == value for column, value in equal_to.items() if value is not None]
    if query.contact_id is not None:
        conditions.append(Interaction.contact_ids.contains([query.contact_id]))
    if query.occurred_from is not None:
        conditions.append(Interaction.occurred_at >= query.occurred_from)
    if query.occurred_to is not None:
        conditions.append(Interaction.occurred_at < query.occurred_to)
    if query.updated_since is not None:
        conditions.append(Interaction.updated_at >= query.updated_since)
    return conditions


class InteractionService(AccountScoped[Interaction]):
    model = Interaction
    noun = "interaction"
    unique_messages = {"uq_interactions_external_id": "Another interaction already has external_id {external_id!r}."}

    async def list_page(self, query: InteractionListQuery) -> tuple[list[Interaction], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(_conditions(query), page, SORT_KEYS[page.field], account_id=query.account_id)

    async def create(self, data: InteractionCreate, now: datetime) -> Interaction:
        await self.account_for_write(data.account_id)
        not_in_future(data.occurred_at, now, "occurred_at")
        await self._check_contacts(data.account_id, data.contact_ids)
        interaction = Interaction(**{**data.model_dump(), "contact_ids": list(dict.fromkeys(data.contact_ids))})
        return await self.flush(interaction)

    async def update(
        self, interaction_id: uuid.UUID, data: InteractionUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Interaction:
        interaction = await self.get_for_write(interaction_id, expected)
        changes = data.model_dump(exclude_unset=True)
        self.required(changes, ["type", "occurred_at", "contact_ids"])
        not_in_future(changes.get("occurred_at"), now, "occurred_at")
        if "contact_ids" in changes:
            await self._check_contacts(interaction.account_id, changes["contact_ids"])
            changes["contact_ids"] = list(dict.fromkeys(changes["contact_ids"]))
        for field, value in changes.items():
            setattr(interaction, field, value)
        return await self.flush(interaction)

    async def delete(self, interaction_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.session.delete(await self.get_for_write(interaction_id, expected))
        await self.session.flush()

    async def _check_contacts(self, account_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]) -> None:
        if not contact_ids:
            return
        statement = select(Contact.id).where(Contact.id.in_(contact_ids), Contact.account_id == account_id)
        found = set((await self.session.execute(statement)).scalars())
        errors = [index for index, contact_id in enumerate(contact_ids) if contact_id not in found]
        if errors:
            raise InvalidFields.one(
                ["body", "contact_ids", errors[0]], f"not a contact of account {account_id}: {contact_ids[errors[0]]}"
            )
