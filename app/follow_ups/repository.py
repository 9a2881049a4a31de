"""All SQL of follow-ups: reading them with their promise and account, through the accounts' visibility."""

import uuid
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, Select, select

from app.account_facts.repository import open_follow_ups
from app.account_records.repository import ScopedRepository
from app.follow_ups.schemas import FollowUpListQuery
from app.models import Account, FollowUp, Interaction
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page

BY_DUE_DATE = SortKey(FollowUp.due_at, "datetime")
_COLUMNS = (
    FollowUp.id,
    FollowUp.version,
    FollowUp.interaction_id,
    FollowUp.account_id,
    Account.name.label("account_name"),
    Account.owner_id,
    Interaction.occurred_at.label("promised_at"),
    FollowUp.due_at,
    Interaction.type,
    Interaction.next_steps,
    FollowUp.status,
    FollowUp.done_at,
    FollowUp.done_by,
    FollowUp.kept_by_interaction_id,
)


class PromisedFollowUp(Protocol):
    """A follow-up with its promise (the interaction that made it) and its account: a row of ``_COLUMNS``."""

    id: uuid.UUID
    version: int
    interaction_id: uuid.UUID
    account_id: uuid.UUID
    account_name: str
    owner_id: uuid.UUID | None
    promised_at: datetime
    due_at: datetime
    type: str
    next_steps: str | None
    status: str
    done_at: datetime | None
    done_by: uuid.UUID | None
    kept_by_interaction_id: uuid.UUID | None


class FollowUpRepository(ScopedRepository[FollowUp]):
    model = FollowUp
    noun = "follow-up"

    def _with_promise(self) -> Select[Any]:
        columns: Select[Any] = select(*_COLUMNS)  # type: ignore[assignment]
        return self.visible(columns.join(Interaction, Interaction.id == FollowUp.interaction_id))

    def follow_up_conditions(self, query: FollowUpListQuery, now: datetime) -> list[ColumnElement[bool]]:
        conditions = [] if query.status == "any" else [FollowUp.status == query.status]
        if query.owner_id is not None:
            conditions.append(Account.owner_id == query.owner_id)
        if query.account_id is not None:
            conditions.append(FollowUp.account_id == query.account_id)
        else:
            conditions.append(Account.archived_at.is_(None))
        if query.due_before is not None:
            conditions.append(FollowUp.due_at < query.due_before)
        if query.overdue is not None:
            due = FollowUp.due_at < now
            conditions.append(due if query.overdue else ~due)
        return conditions

    async def page_of(self, query: FollowUpListQuery, now: datetime) -> tuple[list[PromisedFollowUp], str | None]:
        """A page of follow-ups, the earliest due first."""
        page = PageRequest.of(query, "due_at")
        statement = self._with_promise().where(*self.follow_up_conditions(query, now))
        await count_matching(self.session, statement, page.count)
        rows = list((await self.session.execute(apply_keyset(statement, page, BY_DUE_DATE, FollowUp.id))).all())
        found, next_cursor = split_page(rows, page, BY_DUE_DATE)
        return cast(list[PromisedFollowUp], found), next_cursor

    async def one(self, follow_up_id: uuid.UUID) -> PromisedFollowUp | None:
        statement = self._with_promise().where(FollowUp.id == follow_up_id)
        return cast(PromisedFollowUp | None, (await self.session.execute(statement)).one_or_none())

    async def open_of_account(self, account_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, FollowUp]:
        """Of these follow-ups, the open ones of this account, locked: an interaction keeping them."""
        statement = (
            select(FollowUp)
            .where(FollowUp.id.in_(ids), FollowUp.account_id == account_id, open_follow_ups())
            .order_by(FollowUp.id)
            .with_for_update()
        )
        return {follow_up.id: follow_up for follow_up in (await self.session.execute(statement)).scalars()}

    async def of_interaction(self, interaction_id: uuid.UUID) -> FollowUp | None:
        statement = select(FollowUp).where(FollowUp.interaction_id == interaction_id).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()
