"""All SQL of interactions."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from app.account_records.repository import ScopedRepository
from app.interactions.schemas import InteractionListQuery
from app.models import Contact, Interaction
from app.plumbing.pagination import SortKey

SORT_KEYS = {
    "occurred_at": SortKey(Interaction.occurred_at, "datetime"),
    "created_at": SortKey(Interaction.created_at, "datetime"),
    "updated_at": SortKey(Interaction.updated_at, "datetime"),
}


class InteractionRepository(ScopedRepository[Interaction]):
    model = Interaction
    noun = "interaction"
    unique_messages = {"uq_interactions_external_id": "Another interaction already has external_id {external_id!r}."}
    sort_keys = SORT_KEYS

    def conditions(self, query: InteractionListQuery) -> list[ColumnElement[bool]]:
        equal_to = {
            Interaction.external_id: query.external_id,
            Interaction.type: query.type,
            Interaction.purpose: query.purpose,
        }
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

    async def contacts_of_account(self, account_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these contacts belong to the account."""
        statement = select(Contact.id).where(Contact.id.in_(contact_ids), Contact.account_id == account_id)
        return set((await self.session.execute(statement)).scalars())
