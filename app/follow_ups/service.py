"""Follow-ups: listing them with how late each is, and keeping them on purpose (done, dropped, or
named by the interaction that keeps them)."""

import uuid
from datetime import datetime

from app.account_records.service import AccountScopedService
from app.follow_ups.repository import FollowUpRepository, PromisedFollowUp
from app.follow_ups.schemas import FollowUpListQuery, FollowUpRead, FollowUpUpdate
from app.models import FollowUp, Interaction
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.errors import InvalidFields, NotFound
from app.rules.health import days_between


class FollowUpService(AccountScopedService[FollowUp]):
    repository_class = FollowUpRepository
    records: FollowUpRepository

    async def page(self, query: FollowUpListQuery) -> tuple[list[FollowUpRead], str | None]:
        rows, next_cursor = await self.records.page_of(query, self.accounts.now)
        return [self.read(row) for row in rows], next_cursor

    async def one(self, follow_up_id: uuid.UUID) -> FollowUpRead:
        row = await self.records.one(follow_up_id)
        if row is None:
            raise NotFound(f"No follow-up with id {follow_up_id}.")
        return self.read(row)

    async def update(
        self, follow_up_id: uuid.UUID, data: FollowUpUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> FollowUpRead:
        follow_up = await self.get_for_write(follow_up_id, expected)
        if "status" in data.model_fields_set and data.status != follow_up.status:
            follow_up.status = data.status
            follow_up.kept_by_interaction_id = None
            reopened = data.status == "open"
            follow_up.done_at = None if reopened else now
            follow_up.done_by = None if reopened else self.accounts.principal.user_id
            await self.records.save(follow_up)
        return await self.one(follow_up_id)

    async def promise(self, interaction: Interaction) -> None:
        """The follow-up an interaction promises (its ``next_contact_at``), kept in step with it: made
        when it is set, moved with it, gone when it is cleared while still open."""
        held = await self.records.of_interaction(interaction.id)
        due = interaction.next_contact_at
        if due is None:
            if held is not None and held.status == "open":
                await self.records.delete(held)
            return
        if held is None:
            await self.records.save(
                FollowUp(account_id=interaction.account_id, interaction_id=interaction.id, due_at=due)
            )
        elif held.due_at != due:
            held.due_at = due
            await self.records.save(held)

    async def keep(self, interaction: Interaction, follow_up_ids: list[uuid.UUID]) -> None:
        """Mark done the follow-ups an interaction names as kept: open ones of its own account."""
        if not follow_up_ids:
            return
        found = await self.records.open_of_account(interaction.account_id, follow_up_ids)
        for index, follow_up_id in enumerate(follow_up_ids):
            if follow_up_id not in found:
                raise InvalidFields.one(
                    ["body", "keeps_follow_up_ids", index],
                    f"no open follow-up of account {interaction.account_id} with id {follow_up_id}",
                )
        for follow_up in found.values():
            follow_up.status = "done"
            follow_up.done_at = interaction.occurred_at
            follow_up.done_by = self.accounts.principal.user_id
            follow_up.kept_by_interaction_id = interaction.id
            await self.records.save(follow_up)

    def read(self, row: PromisedFollowUp) -> FollowUpRead:
        now = self.accounts.now
        still_open = row.status == "open"
        return FollowUpRead(
            id=row.id,
            version=row.version,
            interaction_id=row.interaction_id,
            account_id=row.account_id,
            account_name=row.account_name,
            owner_id=row.owner_id,
            promised_at=row.promised_at,
            due_at=row.due_at,
            type=row.type,
            next_steps=row.next_steps,
            status=row.status,
            done_at=row.done_at,
            done_by=row.done_by,
            kept_by_interaction_id=row.kept_by_interaction_id,
            days_late=max(0, days_between(row.due_at, now)) if still_open else 0,
            overdue=still_open and row.due_at < now,
        )
