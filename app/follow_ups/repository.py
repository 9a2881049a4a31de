"""All SQL of follow-ups: promised follow-ups not yet kept, through their accounts' visibility."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select

from app.facts.repository import open_follow_ups
from app.follow_ups.schemas import FollowUpListQuery
from app.kit.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.models import Account, Interaction
from app.scoped.repository import ScopedRepository

BY_DUE_DATE = SortKey(Interaction.next_contact_at, "datetime")
_COLUMNS = (
    Interaction.id,
    Interaction.id.label("interaction_id"),
    Interaction.account_id,
    Account.name.label("account_name"),
    Account.owner_id,
    Interaction.occurred_at.label("promised_at"),
    Interaction.next_contact_at,
    Interaction.type,
    Interaction.next_steps,
)


class FollowUpRepository(ScopedRepository[Interaction]):
    model = Interaction
    noun = "follow-up"

    def follow_up_conditions(self, query: FollowUpListQuery, now: datetime) -> list[ColumnElement[bool]]:
        conditions = [open_follow_ups()]
        if query.owner_id is not None:
            conditions.append(Account.owner_id == query.owner_id)
        if query.account_id is not None:
            conditions.append(Interaction.account_id == query.account_id)
        else:
            conditions.append(Account.archived_at.is_(None))
        if query.due_before is not None:
            conditions.append(Interaction.next_contact_at < query.due_before)
        if query.overdue is not None:
            due = Interaction.next_contact_at < now
            conditions.append(due if query.overdue else ~due)
        return conditions

    async def open_page(self, query: FollowUpListQuery, now: datetime) -> tuple[list[Row[Any]], str | None]:
        """A page of open follow-ups, the earliest due first."""
        page = PageRequest("next_contact_at", query.limit, query.cursor)
        columns: Select[Any] = select(*_COLUMNS)  # type: ignore[assignment]
        statement = self.visible(columns).where(*self.follow_up_conditions(query, now))
        rows = list((await self.session.execute(apply_keyset(statement, page, BY_DUE_DATE, Interaction.id))).all())
        return split_page(rows, page, BY_DUE_DATE)
