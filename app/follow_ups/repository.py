"""All SQL of follow-ups: reading them with their promise and account, through the accounts' visibility."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select

from app.facts.repository import open_follow_ups
from app.follow_ups.schemas import FollowUpListQuery
from app.kit.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.models import Account, FollowUp, Interaction
from app.scoped.repository import ScopedRepository

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

    async def page_of(self, query: FollowUpListQuery, now: datetime) -> tuple[list[Row[Any]], str | None]:
        """A page of follow-ups, the earliest due first."""
        page = PageRequest("due_at", query.limit, query.cursor)
        statement = self._with_promise().where(*self.follow_up_conditions(query, now))
        rows = list((await self.session.execute(apply_keyset(statement, page, BY_DUE_DATE, FollowUp.id))).all())
        return split_page(rows, page, BY_DUE_DATE)

    async def one(self, follow_up_id: uuid.UUID) -> Row[Any] | None:
        return (await self.session.execute(self._with_promise().where(FollowUp.id == follow_up_id))).one_or_none()

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
