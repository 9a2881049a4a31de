"""Plan use cases: one active plan per account, activated only when every objective is SMART."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.scoped import AccountScoped
from app.kit.concurrency import ExpectedVersion
from app.kit.errors import Conflict, FieldError, InvalidFields, NotFound, RuleViolation
from app.kit.pagination import PageRequest, SortKey
from app.models import Action, Objective, Plan
from app.plans.schemas import (
    ActionCreate,
    ActionUpdate,
    ObjectiveCreate,
    ObjectiveUpdate,
    PlanCreate,
    PlanListQuery,
    PlanUpdate,
)
from app.rules.plans import ObjectiveFacts, activation_problems

SORT_KEYS = {
    "period_start": SortKey(Plan.period_start, "date"),
    "created_at": SortKey(Plan.created_at, "datetime"),
    "updated_at": SortKey(Plan.updated_at, "datetime"),
}


@dataclass(frozen=True)
class PlanContents:
    plan: Plan
    objectives: Sequence[Objective]
    actions: Sequence[Action]


def _conditions(query: PlanListQuery) -> list[ColumnElement[bool]]:
    conditions = []
    if query.status is not None:
        conditions.append(Plan.status == query.status)
    if query.updated_since is not None:
        conditions.append(Plan.updated_at >= query.updated_since)
    return conditions


class PlanService(AccountScoped[Plan]):
    model = Plan
    noun = "plan"

    async def list_page(self, query: PlanListQuery) -> tuple[list[Plan], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(_conditions(query), page, SORT_KEYS[page.field], account_id=query.account_id)

    async def contents(self, plan_id: uuid.UUID) -> PlanContents:
        plan = await self.get(plan_id)
        objectives = (
            (
                await self.session.execute(
                    select(Objective).where(Objective.plan_id == plan.id).order_by(Objective.created_at, Objective.id)
                )
            )
            .scalars()
            .all()
        )
        actions = (
            (
                await self.session.execute(
                    select(Action).where(Action.plan_id == plan.id).order_by(Action.due_date.nulls_last(), Action.id)
                )
            )
            .scalars()
            .all()
        )
        return PlanContents(plan, objectives, actions)

    async def create(self, data: PlanCreate) -> Plan:
        await self.account_for_write(data.account_id)
        self._check_period(data.period_start, data.period_end)
        return await self.flush(Plan(**_columns(data), status="draft"))

    async def update(self, plan_id: uuid.UUID, data: PlanUpdate, expected: ExpectedVersion | None) -> Plan:
        plan = await self.get_for_write(plan_id, expected)
        changes = _columns(data, exclude_unset=True)
        self.required(changes, ["name", "period_start", "period_end", "business", "swot", "competitors", "status"])
        for field, value in changes.items():
            setattr(plan, field, value)
        self._check_period(data.period_start or plan.period_start, data.period_end or plan.period_end)
        return await self.flush(plan)

    async def delete(self, plan_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        plan = await self.get_for_write(plan_id, expected)
        if plan.status != "draft":
            raise RuleViolation(f"The plan is {plan.status}; only drafts are deleted, others are archived.")
        await self.session.delete(plan)
        await self.session.flush()

    async def activate(self, plan_id: uuid.UUID, expected: ExpectedVersion | None) -> Plan:
        """Check every objective is SMART, archive the account's active plan, make this one active."""
        plan = await self.get_for_write(plan_id, expected)
        if plan.status == "active":
            return plan
        contents = await self.contents(plan_id)
        if not contents.objectives:
            raise InvalidFields.one(["objectives"], "a plan needs at least one objective to be activated")
        problems = activation_problems([_facts(o) for o in contents.objectives], plan.period_start, self.accounts.rules)
        if problems:
            raise InvalidFields(
                "Objectives that are not SMART: " + "; ".join(f"{p.title!r}: {', '.join(p.reasons)}" for p in problems),
                errors=[
                    FieldError(loc=["objectives", p.objective_id], msg=", ".join(p.reasons), type="not_smart")
                    for p in problems
                ],
            )
        await self.session.execute(
            update(Plan)
            .where(Plan.account_id == plan.account_id, Plan.status == "active", Plan.id != plan.id)
            .values(status="archived", version=Plan.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        plan.status = "active"
        try:
            return await self.flush(plan)
        except IntegrityError as error:
            raise Conflict("Another plan of this account was activated at the same time; try again.") from error

    # --- objectives and actions ---------------------------------------------------------------

    async def objectives(self, plan_id: uuid.UUID) -> Sequence[Objective]:
        return (await self.contents(plan_id)).objectives

    async def actions(self, plan_id: uuid.UUID) -> Sequence[Action]:
        return (await self.contents(plan_id)).actions

    async def add_objective(self, plan_id: uuid.UUID, data: ObjectiveCreate) -> Objective:
        plan = await self.get_for_write(plan_id)
        await self.check_owner(data.owner_id)
        objective = Objective(account_id=plan.account_id, plan_id=plan_id, **data.model_dump())
        self.session.add(objective)
        await self.session.flush()
        return objective

    async def update_objective(self, plan_id: uuid.UUID, objective_id: uuid.UUID, data: ObjectiveUpdate) -> Objective:
        await self.get_for_write(plan_id)
        objective = await self._child(Objective, plan_id, objective_id)
        changes = data.model_dump(exclude_unset=True)
        self.required(changes, ["title", "horizon", "status"])
        await self.check_owner(changes.get("owner_id"))
        for field, value in changes.items():
            setattr(objective, field, value)
        await self.session.flush()
        return objective

    async def delete_objective(self, plan_id: uuid.UUID, objective_id: uuid.UUID) -> None:
        await self.get_for_write(plan_id)
        objective = await self._child(Objective, plan_id, objective_id)
        actions = (
            (await self.session.execute(select(Action.title).where(Action.objective_id == objective.id)))
            .scalars()
            .all()
        )
        if actions:
            raise RuleViolation(f"The objective still has actions ({', '.join(actions)}); move or delete them first.")
        await self.session.delete(objective)
        await self.session.flush()

    async def add_action(self, plan_id: uuid.UUID, data: ActionCreate) -> Action:
        plan = await self.get_for_write(plan_id)
        await self._check_objective(plan_id, data.objective_id)
        await self.check_owner(data.owner_id)
        action = Action(account_id=plan.account_id, plan_id=plan_id, **data.model_dump())
        self.session.add(action)
        await self.session.flush()
        return action

    async def update_action(self, plan_id: uuid.UUID, action_id: uuid.UUID, data: ActionUpdate) -> Action:
        await self.get_for_write(plan_id)
        action = await self._child(Action, plan_id, action_id)
        changes = data.model_dump(exclude_unset=True)
        self.required(changes, ["objective_id", "title", "status"])
        if "objective_id" in changes:
            await self._check_objective(plan_id, changes["objective_id"])
        await self.check_owner(changes.get("owner_id"))
        for field, value in changes.items():
            setattr(action, field, value)
        await self.session.flush()
        return action

    async def delete_action(self, plan_id: uuid.UUID, action_id: uuid.UUID) -> None:
        await self.get_for_write(plan_id)
        await self.session.delete(await self._child(Action, plan_id, action_id))
        await self.session.flush()

    async def _child(self, model: type[Objective] | type[Action], plan_id: uuid.UUID, child_id: uuid.UUID):
        statement = select(model).where(model.id == child_id, model.plan_id == plan_id)
        child = (await self.session.execute(statement)).scalar_one_or_none()
        if child is None:
            raise NotFound(f"No {model.__tablename__[:-1]} with id {child_id} in plan {plan_id}.")
        return child

    async def _check_objective(self, plan_id: uuid.UUID, objective_id: uuid.UUID) -> None:
        statement = select(Objective.id).where(Objective.id == objective_id, Objective.plan_id == plan_id)
        if (await self.session.execute(statement)).first() is None:
            raise InvalidFields.one(["body", "objective_id"], "not an objective of this plan")

    @staticmethod
    def _check_period(start: date, end: date) -> None:
        if end < start:
            raise InvalidFields.one(["body", "period_end"], "the period ends before it starts")


_JSON_COLUMNS = ("business", "swot", "competitors")


def _columns(data: PlanCreate | PlanUpdate, **options: bool) -> dict:
    """Column values of a plan body: dates as dates, the structured sections as JSON documents."""
    values = data.model_dump(**options)
    as_json = data.model_dump(mode="json", **options)
    return {**values, **{field: as_json[field] for field in _JSON_COLUMNS if field in values}}


def _facts(objective: Objective) -> ObjectiveFacts:
    return ObjectiveFacts(
        id=str(objective.id),
        title=objective.title,
        horizon=objective.horizon,
        owner_id=objective.owner_id,
        metric=objective.metric,
        target=objective.target,
        due_date=objective.due_date,
    )
