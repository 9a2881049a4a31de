"""All SQL of plans, their objectives and their actions."""

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError

from app.account_records.repository import ScopedRepository
from app.models import Action, Objective, Plan
from app.models.base import UNDATED, UNDATED_VALUE
from app.plans.schemas import ActionListQuery, ObjectiveListQuery, PlanListQuery
from app.plumbing.errors import WrittenAtOnce
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page

SORT_KEYS = {
    "period_start": SortKey(Plan.period_start, "date"),
    "created_at": SortKey(Plan.created_at, "datetime"),
    "updated_at": SortKey(Plan.updated_at, "datetime"),
}


OBJECTIVE_SORT_KEYS = {
    "created_at": SortKey(Objective.created_at, "datetime"),
    "updated_at": SortKey(Objective.updated_at, "datetime"),
}
ACTION_SORT_KEYS = {
    # Undated actions last: they sort under the day after the last date the service takes.
    "due_date": SortKey(func.coalesce(Action.due_date, UNDATED), "date", attribute="due_date", if_null=UNDATED_VALUE),
    "updated_at": SortKey(Action.updated_at, "datetime"),
}

# An objective or an action: what hangs under a plan.
Child = TypeVar("Child", Objective, Action)


class PlanRepository(ScopedRepository[Plan]):
    model = Plan
    noun = "plan"
    sort_keys = SORT_KEYS

    def conditions(self, query: PlanListQuery) -> list[ColumnElement[bool]]:
        conditions = []
        if query.status is not None:
            conditions.append(Plan.status == query.status)
        if query.kind is not None:
            conditions.append(Plan.kind == query.kind)
        if query.updated_since is not None:
            conditions.append(Plan.updated_at >= query.updated_since)
        return conditions

    async def objectives_of(self, plan_id: uuid.UUID) -> Sequence[Objective]:
        statement = select(Objective).where(Objective.plan_id == plan_id).order_by(Objective.created_at, Objective.id)
        return (await self.session.execute(statement)).scalars().all()

    async def actions_of(self, plan_id: uuid.UUID) -> Sequence[Action]:
        statement = select(Action).where(Action.plan_id == plan_id).order_by(Action.due_date.nulls_last(), Action.id)
        return (await self.session.execute(statement)).scalars().all()

    async def objectives_page(
        self, plan_id: uuid.UUID, query: ObjectiveListQuery
    ) -> tuple[list[Objective], str | None]:
        return await self._children_page(Objective, OBJECTIVE_SORT_KEYS, plan_id, query)

    async def actions_page(self, plan_id: uuid.UUID, query: ActionListQuery) -> tuple[list[Action], str | None]:
        return await self._children_page(Action, ACTION_SORT_KEYS, plan_id, query)

    async def _children_page(
        self,
        model: type[Child],
        keys: dict[str, SortKey],
        plan_id: uuid.UUID,
        query: ObjectiveListQuery | ActionListQuery,
    ) -> tuple[list[Child], str | None]:
        page = PageRequest.of(query, query.sort)
        statement = select(model).where(model.plan_id == plan_id)
        if query.updated_since is not None:
            statement = statement.where(model.updated_at >= query.updated_since)
        key = keys[page.field]
        await count_matching(self.session, statement, page.count)
        rows = (await self.session.execute(apply_keyset(statement, page, key, model.id))).scalars().all()
        return split_page(rows, page, key)

    async def activate(self, plan: Plan) -> Plan:
        """Make the plan the account's active one, archiving the one active before."""
        await self.session.execute(
            update(Plan)
            .where(Plan.account_id == plan.account_id, Plan.status == "active", Plan.id != plan.id)
            .values(status="archived", version=Plan.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        plan.status = "active"
        try:
            return await self.save(plan)
        except IntegrityError as error:
            # The partial unique index on active plans: another request activated one meanwhile.
            raise WrittenAtOnce("Another plan of this account was activated at the same time; try again.") from error

    async def child(self, model: type[Child], plan_id: uuid.UUID, child_id: uuid.UUID) -> Child | None:
        """An objective or action of the plan, locked for a write."""
        statement = select(model).where(model.id == child_id, model.plan_id == plan_id).with_for_update()
        found: Child | None = (await self.session.execute(statement)).scalar_one_or_none()
        return found

    async def has_objective(self, plan_id: uuid.UUID, objective_id: uuid.UUID) -> bool:
        statement = select(Objective.id).where(Objective.id == objective_id, Objective.plan_id == plan_id)
        return (await self.session.execute(statement)).first() is not None

    async def action_titles_of(self, objective_id: uuid.UUID) -> Sequence[str]:
        statement = select(Action.title).where(Action.objective_id == objective_id)
        return (await self.session.execute(statement)).scalars().all()

    async def save_child(self, child: Child) -> Child:
        self.session.add(child)
        await self.session.flush()
        return child

    async def delete_child(self, child: Objective | Action) -> None:
        await self.session.delete(child)
        await self.session.flush()
