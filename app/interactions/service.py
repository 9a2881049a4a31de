"""Interaction use cases: who took part must be people of the same account; nothing in the future."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.account_records.service import AccountScopedService
from app.accounts.service import AccountService
from app.follow_ups.service import FollowUpService
from app.interactions.repository import InteractionRepository
from app.interactions.schemas import InteractionCreate, InteractionUpdate
from app.models import Interaction
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.dates import refuse_future
from app.plumbing.errors import InvalidFields


class InteractionService(AccountScopedService[Interaction]):
    repository_class = InteractionRepository
    records: InteractionRepository

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        super().__init__(session, accounts)
        self.follow_ups = FollowUpService(session, accounts)

    async def create(self, data: InteractionCreate, now: datetime) -> Interaction:
        await self.account_for_write(data.account_id)
        refuse_future(data.occurred_at, now, "occurred_at")
        _refuse_a_promise_before(data.occurred_at, data.next_contact_at)
        await self._check_contacts(data.account_id, data.contact_ids)
        fields = data.model_dump(exclude={"keeps_follow_up_ids"})
        interaction = Interaction(**{**fields, "contact_ids": list(dict.fromkeys(data.contact_ids))})
        interaction = await self.records.save(interaction)
        await self.follow_ups.keep(interaction, list(dict.fromkeys(data.keeps_follow_up_ids)))
        if interaction.next_contact_at is not None:
            await self.follow_ups.promise(interaction)
        return interaction

    async def update(
        self, interaction_id: uuid.UUID, data: InteractionUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Interaction:
        interaction = await self.get_for_write(interaction_id, expected)
        changes = data.model_dump(exclude_unset=True)
        refuse_future(changes.get("occurred_at"), now, "occurred_at")
        if "contact_ids" in changes:
            await self._check_contacts(interaction.account_id, changes["contact_ids"])
            changes["contact_ids"] = list(dict.fromkeys(changes["contact_ids"]))
        _refuse_a_promise_before(
            changes.get("occurred_at", interaction.occurred_at),
            changes.get("next_contact_at", interaction.next_contact_at),
        )
        for field, value in changes.items():
            setattr(interaction, field, value)
        interaction = await self.records.save(interaction)
        if "next_contact_at" in changes:  # only a promise that moved touches its follow-up
            await self.follow_ups.promise(interaction)
        return interaction

    async def delete(self, interaction_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.records.delete(await self.get_for_write(interaction_id, expected))

    async def _check_contacts(self, account_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]) -> None:
        if not contact_ids:
            return
        found = await self.records.contacts_of_account(account_id, contact_ids)
        errors = [index for index, contact_id in enumerate(contact_ids) if contact_id not in found]
        if errors:
            raise InvalidFields.one(
                ["body", "contact_ids", errors[0]], f"not a contact of account {account_id}: {contact_ids[errors[0]]}"
            )


def _refuse_a_promise_before(occurred_at: datetime, next_contact_at: datetime | None) -> None:
    # A follow-up is promised by the interaction: it cannot fall due before the interaction took place.
    if next_contact_at is not None and next_contact_at < occurred_at:
        raise InvalidFields.one(["body", "next_contact_at"], "a follow-up cannot be due before the interaction itself")
