"""Account use cases: load what the rules need, apply them, write through the repository."""

import uuid
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from types import MappingProxyType
from typing import Any, cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.account_facts.judgement import Judgement
from app.account_facts.repository import AccountFacts, FactsRepository, from_row
from app.accounts.kept_fields import KeptFields
from app.accounts.repository import (
    PLAIN_PAGE_FILTERS,
    SORT_KEYS,
    AccountFilters,
    AccountRepository,
    PlainAccountRepository,
    ViewFilter,
    facts_stored,
    page_position,
    view_inputs,
    view_row,
)
from app.accounts.schemas import (
    AccountCreate,
    AccountListQuery,
    AccountRead,
    AccountUpdate,
    AccountUpsert,
    SignalFigures,
    TierDecisionCreate,
)
from app.auth import policy
from app.auth.principal import PlainCaller, Principal
from app.auth.repository import CallerKind
from app.glossary import BatchOutcome
from app.models import Account, TierChange
from app.plumbing import metadata
from app.plumbing.batch import Prepared, Written
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import (
    AccountArchived,
    DuplicateExternalId,
    FieldError,
    InvalidFields,
    NotFound,
    RuleViolation,
)
from app.plumbing.pagination import ListQuery, PageRequest, decode_cursor, given, split_page
from app.plumbing.plain_rows import AttributeRow, Columns, PlainStatement
from app.plumbing.schemas import Money, money_text, optional_money_text
from app.plumbing.transactions import transaction
from app.rules.cadence import CadenceResult, compute_cadence, next_review_due, review_overdue
from app.rules.document import RulesConfig
from app.rules.financials import margin, service_share
from app.rules.health import Health, HealthFacts, Signal, compute_health
from app.rules.promotion import PromotionCandidacy, promotion_candidacy
from app.rules.score import ScoreResult, compute_score
from app.rules.tiers import (
    TierDecisionRefused,
    TierEvaluation,
    TierState,
    compute_tier,
    decide_tier,
    evaluate_tier,
    is_promotion,
    pending_demotion_review,
)
from app.rules.validity import shown_view_holds_until
from app.users.repository import UserRepository

REEVALUATION_BATCH = 1000
# The most views lapsed since the clock's last sweep that a view filter names one by one; beyond
# that (after a rules change, until the clock catches up) it judges in SQL every view that lapsed.
LAPSED_NAMED = 1000
# No account has this id: "any account" where a query excludes one.
_NO_ACCOUNT = uuid.UUID(int=0)
_NOT_A_CRITERION = "not a criterion of the rules in force"


class TierDecisionNotAllowed(RuleViolation):
    title, slug = "A tier decision the rules do not allow", "tier-decision-not-allowed"


class HierarchyCycle(RuleViolation):
    title, slug = "An account hierarchy that loops", "hierarchy-cycle"


@dataclass(frozen=True)
class AccountView:
    """An account with the judgement the rules give it at the moment of the request."""

    account: Account | Columns
    facts: AccountFacts
    score: ScoreResult
    tier_pending_review: bool
    health: Health
    promotion: PromotionCandidacy
    cadence: CadenceResult
    next_review_due: date
    review_overdue: bool


# The fields of AccountRead read straight off the row; the rest is computed or loaded alongside.
_COLUMNS = [field for field in AccountRead.model_fields if field in Account.__table__.columns]
# A signal's figures as ``SignalFigures`` holds them: the rules give times as ISO text and amounts
# as plain decimal text, and figures the contract does not name are left out, as are absent ones.
_FIGURES = SignalFigures.model_fields
_FIGURE_TIMES = frozenset(name for name, info in _FIGURES.items() if info.annotation == datetime | None)
_FIGURE_AMOUNTS = frozenset(name for name, info in _FIGURES.items() if info.annotation == Money | None)


def _figure(name: str, value: Any) -> Any:
    if name in _FIGURE_TIMES:
        return datetime.fromisoformat(value)
    if name in _FIGURE_AMOUNTS:
        return money_text(Decimal(value))
    return value


def _signal_fields(signal: Signal) -> dict[str, Any]:
    figures = signal.figures
    return {
        "code": signal.code,
        "severity": signal.severity,
        "message": signal.message,
        "figures": {
            name: _figure(name, value) for name, value in figures.items() if value is not None and name in _FIGURES
        },
    }


def account_fields(view: AccountView) -> dict[str, Any]:
    """An ``AccountRead``'s fields for ``view``, ready for JSON as they are: amounts already text,
    scores still decimals and ids still UUIDs (``json_body`` writes them as the contract does),
    times as ``datetime`` (which orjson writes as pydantic does). The hot reads serialise these once,
    with no model in between; ``account_read`` validates them into the model. A test holds the two
    answers equal."""
    account, facts = view.account, view.facts
    health, cadence = view.health, view.cadence
    owner, sponsor = account.owner, account.executive_sponsor
    revenue = facts.latest_annual_revenue
    return {
        **{field: getattr(account, field) for field in _COLUMNS},
        "metadata": account.metadata_,
        "owner": _person(owner),
        "executive_sponsor": _person(sponsor),
        "team_size": facts.team_size,
        "last_interaction_at": facts.last_interaction_at,
        "last_review_at": facts.last_review_at,
        "latest_annual_revenue": optional_money_text(revenue),
        "margin": _number(margin(revenue, facts.latest_annual_cost)),
        "service_revenue_share": _number(service_share(revenue, facts.latest_annual_service_revenue)),
        "score": view.score.score,
        "missing_criteria": list(view.score.missing_criteria),
        "tier_pending_review": view.tier_pending_review,
        "health": {
            "status": health.status,
            "signals": [_signal_fields(signal) for signal in health.signals],
            "onboarding_until": health.onboarding_until,
        },
        "promotion_candidate": view.promotion.candidate,
        "promotion_reasons": list(view.promotion.reasons),
        "cadence": {
            "name": cadence.name,
            "days": cadence.days,
            "base": cadence.base,
            "adjustments": [vars(adjustment) for adjustment in cadence.adjustments],
        },
        "next_review_due": view.next_review_due,
        "review_overdue": view.review_overdue,
        "judged_at": facts.judged_at,
    }


def _person(user: Any) -> dict[str, Any] | None:
    """A ``UserSummary``'s fields."""
    return None if user is None else {"id": user.id, "name": user.name, "email": user.email}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def account_read(view: AccountView) -> AccountRead:
    return AccountRead.model_validate(account_fields(view))


_UNSET = object()


def _set(account: Account, field: str, value: Any) -> None:
    """Set the field only to a value it does not hold already: an account a batch leaves as it was
    then holds no change, which its repository tells at once (``has_changes``)."""
    if account.__dict__.get(field, _UNSET) != value:
        setattr(account, field, value)


def _tier_state(account: Account | AttributeRow) -> TierState:
    return TierState(
        tier=account.tier, computed_tier=account.computed_tier, held_at_computed=account.tier_held_at_computed
    )


def health_facts(account: Account | AttributeRow, facts: AccountFacts) -> HealthFacts:
    """What health is computed from: the account's tier and dates, and its stored facts."""
    return HealthFacts(
        tier=account.tier,
        created_at=account.created_at,
        last_interaction_at=facts.last_interaction_at,
        decision_maker_engaged_at=facts.decision_maker_engaged_at,
        has_champion_or_supporter=facts.has_champion_or_supporter,
        has_influential_opponent=facts.has_influential_opponent,
        revenue_change=facts.revenue_change,
        engagement_values=facts.engagement_values,
        latest_improvement=facts.latest_improvement,
        key_contact_left_at=facts.key_contact_left_at,
        has_active_plan=facts.has_active_plan,
        grace_started_at=account.grace_started_at,
        open_follow_up_due_at=facts.open_follow_up_due_at,
        recent_interactions=facts.recent_interactions,
        has_active_recovery_plan=facts.has_active_recovery_plan,
        revenue_changed_at=facts.revenue_changed_at,
    )


def judge_account(account: Account | Columns, facts: AccountFacts, rules: RulesConfig, now: datetime) -> AccountView:
    """What the rules say of an account at ``now``, from its row and its facts."""
    score = compute_score(account.scores, rules.criteria)
    health = compute_health(health_facts(account, facts), rules, now)
    cadence = compute_cadence(
        account.tier,
        rules,
        health=health.status,
        team_size=facts.team_size,
        annual_revenue=facts.latest_annual_revenue,
    )
    due = next_review_due(
        cadence.days,
        last_review_on=facts.last_review_at.date() if facts.last_review_at else None,
        tier_assigned_on=account.tier_assigned_at.date() if account.tier_assigned_at else None,
        created_on=account.created_at.date(),
    )
    return AccountView(
        account=account,
        facts=facts,
        score=score,
        tier_pending_review=pending_demotion_review(_tier_state(account)),
        health=health,
        promotion=promotion_candidacy(
            account.tier,
            account.computed_tier,
            facts.latest_annual_revenue,
            facts.previous_annual_revenue,
            rules,
        ),
        cadence=cadence,
        next_review_due=due,
        review_overdue=review_overdue(due, now.date()),
    )


class AccountService:
    def __init__(self, session: AsyncSession, rules: RulesConfig, now: datetime, principal: Principal) -> None:
        self.repository = AccountRepository(session)
        self.facts = FactsRepository(session)
        self.users = UserRepository(session)
        self.rules = rules
        self.now = now
        self.principal = principal
        self.visibility = policy.account_visibility(principal)

    def in_session(self, session: AsyncSession) -> "AccountService":
        """The same caller, rules and moment in another session (an export streams in its own)."""
        return AccountService(session, self.rules, self.now, self.principal)

    # --- reading -------------------------------------------------------------------------------

    def _view(self, account: Account | Columns, facts: AccountFacts) -> AccountView:
        return judge_account(account, facts, self.rules, self.now)

    async def views(self, accounts: Sequence[Account]) -> list[AccountView]:
        """The computed view of a page of accounts, its inputs fetched in a fixed number of queries."""
        facts = await self.facts.facts([account.id for account in accounts])
        return [self._view(account, facts[account.id]) for account in accounts]

    async def view(self, account: Account) -> AccountView:
        return (await self.views([account]))[0]

    async def read(self, account: Account) -> AccountRead:
        """The account as clients read it: its fields, the people it names, its computed view."""
        return account_read(await self.view(account))

    async def to_judge(self, account_ids: Sequence[uuid.UUID]) -> list[tuple[AccountView, Columns]]:
        """These accounts' views, whoever may see them, each with its stored facts and the judgement
        kept with them (locked for judging), in one statement."""
        found = await self.repository.to_judge(account_ids)
        return [(self._view(account, from_row(facts)), facts) for account, facts in found]

    async def read_page(self, query: AccountListQuery) -> tuple[list[AccountRead], str | None]:
        """A page of accounts as ``query`` asks: filters on the row, filters on the computed view, sort."""
        views, next_cursor = await self._page(query)
        return [account_read(view) for view in views], next_cursor

    async def page_fields(self, query: AccountListQuery) -> tuple[list[dict[str, Any]], str | None]:
        """``read_page``'s accounts as their fields (see ``account_fields``), to be serialised once."""
        views, next_cursor = await self._page(query)
        return [account_fields(view) for view in views], next_cursor

    async def _page(self, query: AccountListQuery) -> tuple[list[AccountView], str | None]:
        judged_fields = set(ViewFilter.__dataclass_fields__)
        paging = set(ListQuery.model_fields) | {"sort"}
        filters = AccountFilters(
            **query.model_dump(exclude=paging | judged_fields | {"metadata"}), metadata=query.metadata_wanted()
        )
        judged = ViewFilter(**query.model_dump(include=judged_fields))
        return await self.list_page(filters, PageRequest.of(query, query.sort), judged)

    async def get(self, account_id: uuid.UUID, *, for_update: bool = False) -> Account:
        """The account, if the caller may see it; 404 otherwise, as if it did not exist."""
        account = await self.repository.get(account_id, self.visibility, for_update=for_update)
        if account is None:
            raise NotFound(f"No account with id {account_id}.")
        return account

    async def list_page(
        self, filters: AccountFilters, page: PageRequest, judged: ViewFilter | None = None
    ) -> tuple[list[AccountView], str | None]:
        """A page of accounts with their computed view. ``judged`` filters on what is computed at the
        moment of the request (health, signals, promotion, overdue review), stated in SQL over the
        stored facts so the filter runs in the database."""
        # The judgement's SQL is built only for a page that filters on it: it costs hundreds of
        # expression objects.
        wanted = judged is not None and any(value is not None for value in vars(judged).values())
        conditions = []
        if judged is not None and wanted:
            # Live accounts are filtered on their kept views, but for the few the clock has not judged
            # again yet, named; archived ones, which it no longer judges, as kept or computed.
            lapsed = (
                None
                if filters.archived
                else await self.repository.lapsed_live_views(self.now, self.rules.version, LAPSED_NAMED)
            )
            conditions = judged.conditions(Judgement(self.rules, self.now, lapsed=lapsed))
        found, next_cursor = await self.repository.list_page(filters, page, self.visibility, conditions)
        # Facts are stored with every write; an account created before they were kept gets them now.
        gathered = await self.facts.facts([account.id for account, stored in found if stored is None])
        views = [
            self._view(account, from_row(stored) if stored is not None else gathered[account.id])
            for account, stored in found
        ]
        return views, next_cursor

    # --- writing -------------------------------------------------------------------------------

    async def create(self, data: AccountCreate) -> AccountRead:
        return await self.read(await self._create(data))

    async def update(self, account_id: uuid.UUID, data: AccountUpdate, expected: ExpectedVersion | None) -> AccountRead:
        return await self.read(await self._update(account_id, data, expected))

    async def replace_by_external_id(
        self, external_id: str, data: AccountCreate, expected: ExpectedVersion | None
    ) -> tuple[AccountRead, bool]:
        """Create the account a CRM knows by ``external_id``, or replace the one that has it: every
        field takes the body's value (absent ones their default, scores as sent), except the owner,
        which changes only when the body names one. Answers the account and whether it is new."""
        if data.external_id is not None and data.external_id != external_id:
            raise InvalidFields.one(["body", "external_id"], "differs from the external_id of the path")
        account, outcome = await self._replace(external_id, data, expected)
        return await self.read(account), outcome == "created"

    async def prepare_upserts(self, items: Sequence[AccountUpsert]) -> Prepared[AccountUpsert]:
        """One round of queries for a batch: the accounts holding its keys (locked, as a single write
        locks its account), the users and parents it names. Answers how each item is applied."""
        holders = await self.repository.holding_external_ids([item.external_id for item in items], self.visibility)
        named = {
            user for item in items for user in (self._owner_of_new(item), item.executive_sponsor_id) if user is not None
        }
        active = await self.users.active_user_ids(named)
        parents = await self.repository.visible_ids(
            {item.parent_id for item in items if item.parent_id is not None}, self.visibility
        )

        def plan(item: AccountUpsert) -> Written | None:
            held = holders.get(item.external_id)
            if held is None:
                account, change = self._new_account(item, active, parents)
                new.append(account)
                changes_of_tier.extend([change] if change else [])
                return Written(account, "created")
            account, visible = held
            if not visible:
                raise DuplicateExternalId(f"Another account already has external_id {item.external_id!r}.")
            changes = self._replacement(account, item).model_dump(exclude_unset=True)
            if changes.get("parent_id") not in (None, account.parent_id):
                return None  # a new place in the hierarchy is checked against what the batch wrote before it
            change = self._apply_changes(account, changes, active)
            if not self.repository.has_changes(account):
                unchanged.append(account)
                return Written(account, "unchanged")
            changed.append(account)
            changes_of_tier.extend([change] if change else [])
            return Written(account, "updated")

        new: list[Account] = []
        changed: list[Account] = []
        unchanged: list[Account] = []
        changes_of_tier: list[TierChange] = []

        async def write() -> None:
            await self.repository.write_new(new, changes_of_tier)
            await self.repository.write_changed(changed)
            self.repository.release(unchanged)  # nothing to write: the flush need not look at them

        return Prepared(plan, write)

    async def upsert_one(self, item: AccountUpsert) -> Written:
        """One item of a batch, written as ``PUT /v1/accounts/by-external-id`` writes it."""
        account, outcome = await self._replace(item.external_id, item, None)
        return Written(account, outcome)

    async def _create(self, data: AccountCreate) -> Account:
        owner_id = self._owner_of_new(data)
        active = await self.users.active_user_ids(
            [user for user in (owner_id, data.executive_sponsor_id) if user is not None]
        )
        parents = await self.repository.visible_ids([data.parent_id] if data.parent_id else [], self.visibility)
        account, change = self._new_account(data, active, parents)
        self._add_tier_change(change)
        await self._flush(account, new=True)
        return await self.repository.reload(account)

    async def _update(self, account_id: uuid.UUID, data: AccountUpdate, expected: ExpectedVersion | None) -> Account:
        account = await self.get(account_id, for_update=True)
        check_version(expected, account.version)
        changes = data.model_dump(exclude_unset=True)
        named = [changes.get(field) for field in ("owner_id", "executive_sponsor_id")]
        active = await self.users.active_user_ids([user for user in named if user is not None])
        if account.archived_at is None and changes.get("parent_id") is not None:
            await self._check_parent(account.id, changes["parent_id"])
        self._add_tier_change(self._apply_changes(account, changes, active))
        await self._flush(account)
        return await self.repository.reload(account)

    async def _replace(
        self, external_id: str, data: AccountCreate, expected: ExpectedVersion | None
    ) -> tuple[Account, BatchOutcome]:
        holder = await self.repository.holding_external_id(external_id, other_than=_NO_ACCOUNT)
        if holder is None:
            return await self._create(data.model_copy(update={"external_id": external_id})), "created"
        account = await self.repository.get(holder, self.visibility)
        if account is None:  # held by an account the caller may not see: nothing said about it
            raise DuplicateExternalId(f"Another account already has external_id {external_id!r}.")
        version = account.version
        account = await self._update(account.id, self._replacement(account, data), expected)
        return account, "unchanged" if account.version == version else "updated"

    @staticmethod
    def _replacement(account: Account, data: AccountCreate) -> AccountUpdate:
        """The changes that make ``account`` what ``data`` says: every field but the key, the owner
        only when named, the scores replaced (criteria left out are removed), not merged."""
        replacement = data.model_dump(exclude={"external_id"})
        for named_only in ("owner_id", "metadata"):
            if named_only not in data.model_fields_set:
                replacement.pop(named_only)
        if "metadata" in replacement:
            replacement["metadata"] = metadata.replacing(account.metadata_, data.metadata)
        replacement["scores"] = {**dict.fromkeys(account.scores), **data.scores}
        # Made of values ``data`` was validated with: not validated again (a batch replaces a thousand).
        return AccountUpdate.model_construct(set(replacement), **replacement)

    def _owner_of_new(self, data: AccountCreate) -> uuid.UUID | None:
        if data.owner_id is None and self.principal.role == policy.KAM:
            return self.principal.user_id  # a kam's new account is its own, or it could not see it
        return data.owner_id

    def _new_account(
        self, data: AccountCreate, active: Set[uuid.UUID], parents: Set[uuid.UUID]
    ) -> tuple[Account, TierChange | None]:
        """A new account, checked against the active users and visible parents given, with the tier
        change its first tier records; neither added yet."""
        owner_id = self._owner_of_new(data)
        policy.check_owner_assignment(self.principal, owner_id)
        self._check_criteria(data.scores)
        self._check_users({"owner_id": owner_id, "executive_sponsor_id": data.executive_sponsor_id}, active)
        if data.parent_id is not None and data.parent_id not in parents:
            raise InvalidFields.one(["body", "parent_id"], f"no account with id {data.parent_id}")
        account = Account(
            **metadata.onto_record(data.model_dump(exclude={"scores", "owner_id"})),
            owner_id=owner_id,
            scores=dict(data.scores),
        )
        return account, self._apply_rules(account)

    def _apply_changes(self, account: Account, changes: dict[str, Any], active: Set[uuid.UUID]) -> TierChange | None:
        """Check ``changes`` against the account and the active users given, then apply them and the
        rules (answering the tier change they record, not added yet); a refusal comes before any change."""
        if account.archived_at is not None:
            raise AccountArchived("The account is archived; restore it before changing it.")
        if "owner_id" in changes:
            policy.check_owner_assignment(self.principal, changes["owner_id"], account.owner_id)
        self._check_users({field: changes.get(field) for field in ("owner_id", "executive_sponsor_id")}, active)
        if "scores" in changes:
            sent = changes.pop("scores") or {}
            self._check_criteria({key: value for key, value in sent.items() if value is not None})
            merged = {**account.scores, **sent}
            changes["scores"] = {key: value for key, value in merged.items() if value is not None}
        metadata.onto_record(changes, account.metadata_)
        for field, value in changes.items():
            _set(account, field, value)
        return self._apply_rules(account)

    async def archive(self, account_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        account = await self.get(account_id, for_update=True)
        check_version(expected, account.version)
        if account.archived_at is None:
            account.archived_at = self.now
            await self._flush(account)

    async def restore(self, account_id: uuid.UUID, expected: ExpectedVersion | None) -> AccountRead:
        account = await self.get(account_id, for_update=True)
        check_version(expected, account.version)
        if account.archived_at is not None:
            account.archived_at = None
            await self._flush(account)
        return await self.read(await self.repository.reload(account))

    async def decide_tier(self, account_id: uuid.UUID, decision: TierDecisionCreate) -> TierChange:
        account = await self.get(account_id, for_update=True)
        if decision.decision != "set" and decision.tier is not None:
            raise InvalidFields.one(["body", "tier"], "tier is only given with a set decision")
        if decision.decision == "set" and decision.tier is None:
            raise InvalidFields.one(["body", "tier"], "a set decision needs the tier to set")
        try:
            evaluation = decide_tier(_tier_state(account), decision.decision, decision.reason, decision.tier)
        except TierDecisionRefused as refused:
            raise TierDecisionNotAllowed(str(refused)) from refused
        change = self._record(account, evaluation, decided_by=self.principal.user_id)
        self._add_tier_change(change)
        await self._flush(account)
        assert change is not None, "a manager's decision always records a change"
        return change

    async def tier_history(self, account_id: uuid.UUID, page: PageRequest) -> tuple[list[TierChange], str | None]:
        await self.get(account_id)
        return await self.repository.tier_changes_page(account_id, page)

    async def reevaluate_batch(self, after: uuid.UUID | None) -> tuple[int, uuid.UUID | None]:
        """Bring the next batch of accounts whose stored score and tiers predate the rules in force in
        line with them (after a rules change), exactly as a write would: promotions at once, a lower
        computed tier held for a manager's review; those are audited and told as any change. A new
        score alone is written without an audit entry or an event per account: the rules change that
        caused it is both. Answers how many were re-evaluated and the last id (None when none were
        left)."""
        version = self.rules.version
        rows = await self.repository.behind_rules(version, after, REEVALUATION_BATCH)
        # Most accounts only get a new score: that is decided on plain rows. The few whose tiers move
        # are loaded and changed as a write changes them.
        rescored: dict[uuid.UUID, Decimal | None] = {}
        moving, marked = [], []
        for row in rows:
            score = compute_score(row.scores, self.rules.criteria).score
            state = _tier_state(row)
            evaluation = evaluate_tier(state, compute_tier(score, self.rules.tier_thresholds))
            if evaluation.change is not None or evaluation.state != state:
                moving.append(row.id)
            elif score != row.score:
                rescored[row.id] = score
            else:
                marked.append(row.id)
        told, tier_changes = [], []
        for account in await self.repository.get_many_locked(moving):
            change = self._apply_rules(account)
            # The mark of the version is written apart: not a change to tell.
            self.repository.mark_rules_version(account, version)
            if change is not None:
                tier_changes.append(change)
            told.append(account)
            marked.append(account.id)
        await self.repository.write_reevaluated(told, tier_changes, rescored, marked, version)
        return len(rows), (rows[-1].id if rows else None)

    async def behind_rules(self) -> int:
        """How many accounts still hold a score and tiers of an older rules version."""
        return await self.repository.count_behind_rules(self.rules.version)

    # --- internals ------------------------------------------------------------------------------

    def _apply_rules(self, account: Account) -> TierChange | None:
        """Recompute score and computed tier; promote or mark for review as the tier rules say.
        Answers the tier change that records it, if any, not added yet."""
        score = compute_score(account.scores, self.rules.criteria)
        _set(account, "score", score.score)
        _set(account, "rules_version", self.rules.version)
        computed = compute_tier(score.score, self.rules.tier_thresholds)
        return self._record(account, evaluate_tier(_tier_state(account), computed), decided_by=None)

    def _add_tier_change(self, change: TierChange | None) -> None:
        if change is not None:
            self.repository.add_tier_change(change)

    def _record(self, account: Account, evaluation: TierEvaluation, decided_by: uuid.UUID | None) -> TierChange | None:
        state = evaluation.state
        if state.tier != account.tier:
            account.tier_assigned_at = self.now
            # A new account's grace runs from its creation; an existing one's starts over when it is
            # promoted (more is asked of it), never when it is demoted.
            if account.created_at is not None and is_promotion(account.tier, state.tier):
                account.grace_started_at = self.now
        _set(account, "tier", state.tier)
        _set(account, "computed_tier", state.computed_tier)
        _set(account, "tier_held_at_computed", state.held_at_computed)
        if evaluation.change is None:
            return None
        change = TierChange(
            account_id=account.id,
            kind=evaluation.change.kind,
            from_tier=evaluation.change.from_tier,
            to_tier=evaluation.change.to_tier,
            computed_tier=evaluation.change.computed_tier,
            score=account.score,
            reason=evaluation.change.reason,
            decided_by=decided_by,
            created_at=self.now,
        )
        return change

    def _check_criteria(self, scores: Mapping[str, int]) -> None:
        unknown = sorted(set(scores) - set(self.rules.criterion_keys))
        if unknown:
            raise InvalidFields(
                f"Unknown criteria: {', '.join(unknown)}. The criteria are: {', '.join(self.rules.criterion_keys)}.",
                errors=[
                    FieldError(loc=["body", "scores", key], msg=_NOT_A_CRITERION, type="value_error") for key in unknown
                ],
            )

    @staticmethod
    def _check_users(fields: Mapping[str, uuid.UUID | None], active: Set[uuid.UUID]) -> None:
        """Each user named must be among the ``active`` ones."""
        wanted = {field: user_id for field, user_id in fields.items() if user_id is not None}
        errors = [
            FieldError(loc=["body", field], msg=f"no active user with id {user_id}", type="value_error")
            for field, user_id in wanted.items()
            if user_id not in active
        ]
        if errors:
            raise InvalidFields(
                "Unknown or inactive users: " + ", ".join(str(e.loc[-1]) for e in errors), errors=errors
            )

    async def _refuse_a_taken_external_id(self, account_id: uuid.UUID, external_id: str) -> None:
        """A 409 naming the account that holds the key, when the caller may see it (a sync script
        then updates that one); nothing about it otherwise. The unique index still guards a race."""
        holder = await self.repository.holding_external_id(external_id, other_than=account_id)
        if holder is None:
            return
        message = f"Another account already has external_id {external_id!r}."
        if await self.repository.get(holder, self.visibility) is None:
            raise DuplicateExternalId(message)
        raise DuplicateExternalId(f"{message} It is {holder}.", existing_id=holder)

    async def _check_parent(self, account_id: uuid.UUID, parent_id: uuid.UUID) -> None:
        if parent_id == account_id:
            raise HierarchyCycle("An account cannot be its own parent.")
        if not await self.repository.visible_ids([parent_id], self.visibility):
            raise InvalidFields.one(["body", "parent_id"], f"no account with id {parent_id}")
        if await self.repository.ancestry_contains(parent_id, account_id):
            raise HierarchyCycle(
                f"Account {parent_id} is below this account in the hierarchy: that would form a cycle."
            )

    async def _flush(self, account: Account, *, new: bool = False) -> None:
        if account.external_id is not None:
            await self._refuse_a_taken_external_id(account.id, account.external_id)
        await self.repository.write(account, new=new)


class PlainAccountReader:
    """The read of one account on the hot path: the caller, the account, its people and its stored
    facts in one plain statement on a lent connection, judged by the pure rules; no session, no ORM."""

    def __init__(
        self,
        connection: asyncpg.Connection,
        session_factory: async_sessionmaker[AsyncSession],
        kept: KeptFields[dict[str, Any]],
    ) -> None:
        self.repository = PlainAccountRepository(connection)
        self.session_factory = session_factory
        self.kept = kept

    async def read_one(
        self,
        account_id: uuid.UUID,
        caller: PlainCaller,
        statement_for: Callable[[CallerKind], PlainStatement] | None = None,
        values: Mapping[str, object] = MappingProxyType({}),
    ) -> tuple[dict[str, Any], Any, RulesConfig]:
        """The account's fields (see ``account_fields``) as ``caller`` may read it, the row read (which
        holds what the statement ``statement_for`` the caller's kind read beside the account, with
        ``values`` bound, see ``account_beside``) and the rules in force."""
        record, found = await self.repository.get_with_caller(account_id, caller.presented, statement_for, values)
        principal = await caller.admit(record)
        if not found:
            raise NotFound(f"No account with id {account_id}.")
        rules, now = await caller.rules_in_force(), datetime.now(UTC)
        if not facts_stored(record):
            return await self._read_gathering_facts(account_id, principal, rules, now), record, rules
        return (
            self.kept.fields(account_id, view_row(record), rules, now, partial(_fields_of, record, rules, now)),
            record,
            rules,
        )

    async def _read_gathering_facts(
        self, account_id: uuid.UUID, principal: Principal, rules: RulesConfig, now: datetime
    ) -> dict[str, Any]:
        # An account whose facts are not stored yet (created before facts were kept): they are
        # gathered and stored as any read through a session does.
        async with transaction(self.session_factory) as session:
            service = AccountService(session, rules, now, principal)
            return account_fields(await service.view(await service.get(account_id)))

    async def read_page(self, query: AccountListQuery, caller: PlainCaller) -> tuple[list[dict[str, Any]], str | None]:
        """A page of accounts as their fields (see ``account_fields``), as ``AccountService.read_page``
        gives it, for a query filtering only on the account's own columns (``PLAIN_PAGE_FILTERS``)."""
        page = PageRequest.of(query, query.sort)
        key = SORT_KEYS[page.field]
        after = decode_cursor(page.cursor, page.sort, key) if page.cursor is not None else None
        filters = given(query, PLAIN_PAGE_FILTERS)
        record, rows = await self.repository.page_with_caller(
            caller.presented, page.sort, page.limit + 1, after, filters, query.archived
        )
        principal = await caller.admit(record)
        rules, now = await caller.rules_in_force(), datetime.now(UTC)
        if not all(facts_stored(row) for row in rows):
            # An account whose facts are not stored yet: the page is read through a session, which
            # gathers and stores them.
            async with transaction(self.session_factory) as session:
                return await AccountService(session, rules, now, principal).page_fields(query)
        kept, next_cursor = split_page(rows, page, key, page_position)
        return [
            self.kept.fields(row["id"], view_row(row), rules, now, partial(_fields_of, row, rules, now)) for row in kept
        ], next_cursor


def _fields_of(row: Any, rules: RulesConfig, now: datetime) -> tuple[dict[str, Any], datetime | None]:
    """The fields of the account of a plain page's ``row`` (its facts stored) under ``rules`` at
    ``now``, and the moment the clock alone could change them."""
    account, stored = view_inputs(row)
    facts = from_row(cast(Columns, stored))
    view = judge_account(account, facts, rules, now)
    return account_fields(view), shown_view_holds_until(health_facts(account, facts), rules, now, view.next_review_due)
