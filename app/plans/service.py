"""Plan use cases: one active plan per account, activated only when every objective is SMART."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.account_records.service import AccountScopedService
from app.models import Action, Objective, Plan
from app.plans.repository import Child, PlanRepository
from app.plans.schemas import (
    ActionCreate,
    ActionListQuery,
    ActionRead,
    ActionUpdate,
    ObjectiveCreate,
    ObjectiveListQuery,
    ObjectiveRead,
    ObjectiveUpdate,
    ObjectiveWithProgress,
    PlanCreate,
    PlanDetail,
    PlanRead,
    PlanUpdate,
    Progress,
)
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import FieldError, InvalidFields, NotFound, RuleViolation
from app.rules.plans import ObjectiveFacts, activation_problems, value_progress


class PlanNotDraft(RuleViolation):
    title, slug = "Only a draft plan is deleted", "plan-not-draft"


class ObjectiveHasActions(RuleViolation):
    title, slug = "The objective still has actions", "objective-has-actions"


@dataclass(frozen=True)
class PlanContents:
    plan: Plan
    objectives: Sequence[Objective]
    actions: Sequence[Action]


class PlanService(AccountScopedService[Plan]):
    repository_class = PlanRepository
    records: PlanRepository

    async def detail(self, plan_id: uuid.UUID) -> PlanDetail:
        """The whole plan: its objectives, each with its progress, and its actions."""
        contents = await self.contents(plan_id)
        objectives = []
        for objective in contents.objectives:
            actions = [action for action in contents.actions if action.objective_id == objective.id]
            progress = value_progress(objective.baseline, objective.current, objective.target)
            objectives.append(
                ObjectiveWithProgress.model_validate(
                    {
                        **ObjectiveRead.model_validate(objective).model_dump(),
                        "progress": Progress(
                            actions_done=sum(action.status == "done" for action in actions),
                            actions_total=sum(action.status != "cancelled" for action in actions),
                            value_progress=float(progress) if progress is not None else None,
                        ),
                    }
                )
            )
        return PlanDetail.model_validate(
            {
                **PlanRead.model_validate(contents.plan).model_dump(),
                "objectives": objectives,
                "actions": [ActionRead.model_validate(action) for action in contents.actions],
            }
        )

    async def contents(self, plan_id: uuid.UUID) -> PlanContents:
        plan = await self.get(plan_id)
        return PlanContents(plan, await self.records.objectives_of(plan.id), await self.records.actions_of(plan.id))

    async def create(self, data: PlanCreate) -> PlanDetail:
        await self.account_for_write(data.account_id)
        self._check_period(data.period_start, data.period_end)
        plan = await self.records.save(Plan(**_columns(data), status="draft"))
        return await self.detail(plan.id)

    async def update(self, plan_id: uuid.UUID, data: PlanUpdate, expected: ExpectedVersion | None) -> PlanDetail:
        plan = await self.get_for_write(plan_id, expected)
        changes = _columns(data, exclude_unset=True)
        for field, value in changes.items():
            setattr(plan, field, value)
        self._check_period(data.period_start or plan.period_start, data.period_end or plan.period_end)
        await self.records.save(plan)
        return await self.detail(plan.id)

    async def delete(self, plan_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        plan = await self.get_for_write(plan_id, expected)
        if plan.status != "draft":
            raise PlanNotDraft(f"The plan is {plan.status}; only drafts are deleted, others are archived.")
        await self.records.delete(plan)

    async def activate(self, plan_id: uuid.UUID, expected: ExpectedVersion | None) -> PlanDetail:
        """Check every objective is SMART, archive the account's active plan, make this one active."""
        plan = await self.get_for_write(plan_id, expected)
        if plan.status == "active":
            return await self.detail(plan.id)
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
        await self.records.activate(plan)
        return await self.detail(plan.id)

    # --- objectives and actions ---------------------------------------------------------------

    async def objectives_page(
        self, plan_id: uuid.UUID, query: ObjectiveListQuery
    ) -> tuple[list[Objective], str | None]:
        await self.get(plan_id)
        return await self.records.objectives_page(plan_id, query)

    async def actions_page(self, plan_id: uuid.UUID, query: ActionListQuery) -> tuple[list[Action], str | None]:
        await self.get(plan_id)
        return await self.records.actions_page(plan_id, query)

    async def add_objective(self, plan_id: uuid.UUID, data: ObjectiveCreate) -> Objective:
        plan = await self.get_for_write(plan_id)
        await self.check_owner(data.owner_id)
        objective = Objective(account_id=plan.account_id, plan_id=plan_id, **data.model_dump())
        return await self.records.save_child(objective)

    async def update_objective(
        self, plan_id: uuid.UUID, objective_id: uuid.UUID, data: ObjectiveUpdate, expected: ExpectedVersion | None
    ) -> Objective:
        await self.get_for_write(plan_id)
        objective = await self._child(Objective, plan_id, objective_id, expected)
        changes = data.model_dump(exclude_unset=True)
        await self.check_owner(changes.get("owner_id"))
        for field, value in changes.items():
            setattr(objective, field, value)
        return await self.records.save_child(objective)

    async def delete_objective(
        self, plan_id: uuid.UUID, objective_id: uuid.UUID, expected: ExpectedVersion | None
    ) -> None:
        await self.get_for_write(plan_id)
        objective = await self._child(Objective, plan_id, objective_id, expected)
        actions = await self.records.action_titles_of(objective.id)
        if actions:
            raise ObjectiveHasActions(
                f"The objective still has actions ({', '.join(actions)}); move or delete them first."
            )
        await self.records.delete_child(objective)

    async def add_action(self, plan_id: uuid.UUID, data: ActionCreate) -> Action:
        plan = await self.get_for_write(plan_id)
        await self._check_objective(plan_id, data.objective_id)
        await self.check_owner(data.owner_id)
        action = Action(account_id=plan.account_id, plan_id=plan_id, **data.model_dump())
        return await self.records.save_child(action)

    async def update_action(
        self, plan_id: uuid.UUID, action_id: uuid.UUID, data: ActionUpdate, expected: ExpectedVersion | None
    ) -> Action:
        await self.get_for_write(plan_id)
        action = await self._child(Action, plan_id, action_id, expected)
        changes = data.model_dump(exclude_unset=True)
        if "objective_id" in changes:
            await self._check_objective(plan_id, changes["objective_id"])
        await self.check_owner(changes.get("owner_id"))
        for field, value in changes.items():
            setattr(action, field, value)
        return await self.records.save_child(action)

    async def delete_action(self, plan_id: uuid.UUID, action_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.get_for_write(plan_id)
        await self.records.delete_child(await self._child(Action, plan_id, action_id, expected))

    async def _child(
        self, model: type[Child], plan_id: uuid.UUID, child_id: uuid.UUID, expected: ExpectedVersion | None
    ) -> Child:
        child = await self.records.child(model, plan_id, child_id)
        if child is None:
            raise NotFound(f"No {model.__tablename__[:-1]} with id {child_id} in plan {plan_id}.")
        check_version(expected, child.version)
        return child

    async def _check_objective(self, plan_id: uuid.UUID, objective_id: uuid.UUID) -> None:
        if not await self.records.has_objective(plan_id, objective_id):
            raise InvalidFields.one(["body", "objective_id"], "not an objective of this plan")

    @staticmethod
    def _check_period(start: date, end: date) -> None:
        if end < start:
            raise InvalidFields.one(["body", "period_end"], "the period ends before it starts")


_JSON_COLUMNS = ("business", "swot", "competitors")


def _columns(data: PlanCreate | PlanUpdate, *, exclude_unset: bool = False) -> dict[str, Any]:
    """Column values of a plan body: dates as dates, the structured sections as JSON documents."""
    values = data.model_dump(exclude_unset=exclude_unset)
    as_json = data.model_dump(mode="json", exclude_unset=exclude_unset)
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
