"""The whitespace map of an account: rows (the account, its buying centers, its subsidiaries) against
the active offerings, each cell owned, in the pipeline, a gap or not eligible (app/rules/whitespace.py),
with the peers' estimate of each gap and the account's coverage and whitespace value."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.glossary import TIERS, label
from app.models import Offering, WhitespaceExclusion
from app.plumbing.errors import AccountArchived, InvalidFields, NotFound
from app.rules.document import WhitespaceRules
from app.rules.opportunities import effective_probability, weighted_amount
from app.rules.whitespace import CellStatus, Estimate, PeerFigures, cell_status, coverage, estimate, peer_group
from app.whitespace.kept import NO_PEERS, PeerBook, kept_penetration, peer_book
from app.whitespace.repository import WhitespaceRepository
from app.whitespace.schemas import (
    AccountWhitespace,
    CellDecision,
    CellDecisionRead,
    CellRead,
    EstimateRead,
    GapSummary,
    GrowthRead,
    OfferingPenetration,
    PipelineRead,
    PortfolioWhitespace,
    RowRead,
    WhitespaceMap,
    WhitespaceOffering,
)

_SHARE = Decimal("0.0001")
# The largest whitespace is searched among the largest accounts, this many at first, twice as many
# each time after up to the last figure.
_FIRST_BATCH, _LAST_BATCH = 200, 5_000


@dataclass(frozen=True)
class Growth:
    """An account's largest estimated gap, and the sum of all its gaps' estimates."""

    offering: Offering
    estimate: Estimate
    why: str
    value: Decimal


def _share(part: int, whole: int) -> float | None:
    return None if not whole else float((Decimal(part) / whole).quantize(_SHARE, ROUND_HALF_UP))


class Subject(Protocol):
    """An account as the map's estimates see it (a live one is among its tier's peers)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def industry(self) -> str | None: ...


# The path segment that names the account as a whole among a map's rows.
WHOLE_ACCOUNT = "account"


class WhitespaceService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.session = session
        self.records = WhitespaceRepository(session, accounts.visibility)

    @property
    def year(self) -> int:
        """The latest complete year: the one before the request's."""
        return self.accounts.now.year - 1

    async def map(self, account_id: uuid.UUID) -> WhitespaceMap:
        account = await self.accounts.get(account_id)
        offerings = list(await self.records.offerings())
        centers = await self.records.centers(account_id)
        subsidiaries = await self.records.subsidiaries(account_id)
        subjects = [account_id, *(s.id for s in subsidiaries)]
        bought = await self.records.bought(subjects, self.year)
        pipeline = self._pipeline(await self.records.open_opportunities(subjects))
        excluded = await self.records.exclusions(account_id)

        owned = _owned(bought)
        book = await peer_book(self.session, self.year, [account.tier, *(s.tier for s in subsidiaries)])
        size = await self.records.size(account_id)
        estimates = self._estimates(book, account, size, account.archived_at is None, offerings)
        rows = [
            self._row(
                account_id,
                "account",
                account.name,
                offerings,
                owned[(account_id, None)],
                pipeline[(account_id, None)],
                excluded,
                estimates,
            ),
            *[
                self._row(
                    center.id,
                    center.kind,
                    center.name,
                    offerings,
                    owned[(account_id, center.id)],
                    pipeline[(account_id, center.id)],
                    excluded,
                    {},
                )
                for center in centers
            ],
        ]
        for subsidiary in subsidiaries:
            estimates_of = self._estimates(book, subsidiary, subsidiary.size, True, offerings)
            rows.append(
                self._row(
                    subsidiary.id,
                    "subsidiary",
                    subsidiary.name,
                    offerings,
                    owned[(subsidiary.id, None)],
                    pipeline[(subsidiary.id, None)],
                    excluded,
                    estimates_of,
                )
            )
        statuses: list[CellStatus] = [cell.status for row in rows for cell in row.cells]
        share = coverage(statuses)
        value = sum((cell.estimate.amount for row in rows for cell in row.cells if cell.estimate), Decimal(0))
        return WhitespaceMap(
            account_id=account_id,
            year=self.year,
            offerings=[WhitespaceOffering.model_validate(offering) for offering in offerings],
            rows=rows,
            coverage=None
            if share is None
            else float((Decimal(share.numerator) / share.denominator).quantize(_SHARE, ROUND_HALF_UP)),
            whitespace_value=value,
        )

    async def brief(self, account_id: uuid.UUID, gaps: int = 3) -> AccountWhitespace:
        """The account's coverage, whitespace value and largest estimated gaps."""
        whitespace = await self.map(account_id)
        offerings = {offering.id: offering for offering in whitespace.offerings}
        estimated = sorted(
            (cell for row in whitespace.rows if row.kind == "account" for cell in row.cells if cell.estimate),
            key=lambda cell: -cell.estimate.amount if cell.estimate else 0,
        )
        return AccountWhitespace(
            coverage=whitespace.coverage,
            whitespace_value=whitespace.whitespace_value,
            largest_gaps=[
                GapSummary(offering=offerings[cell.offering_id], estimate=cell.estimate.amount, why=cell.estimate.why)
                for cell in estimated[:gaps]
                if cell.estimate
            ],
        )

    async def portfolio(
        self, owner_id: uuid.UUID | None, tier: str | None, industry: str | None, limit: int
    ) -> PortfolioWhitespace:
        """Per active offering, how the accounts in scope stand; the accounts with the most whitespace."""
        rows = None
        if self.accounts.visibility is None:
            rows = await kept_penetration(self.session, self.year, owner_id, tier, industry)
        if rows is None:
            rows = await self.records.penetration(owner_id, tier, industry, self.year)
        cells: dict[tuple[uuid.UUID | None, str | None], tuple[int, Decimal, int]] = {
            (row.offering_id, row.status): (row.accounts, row.revenue or Decimal(0), row.key_accounts) for row in rows
        }
        accounts, _, keys = cells.get((None, None), (0, Decimal(0), 0))
        offerings = list(await self.records.offerings())
        lines = []
        for offering in offerings:
            owning, revenue, key_owning = cells.get((offering.id, "owned"), (0, Decimal(0), 0))
            pipeline = cells.get((offering.id, "pipeline"), (0, Decimal(0), 0))[0]
            not_eligible = cells.get((offering.id, "not_eligible"), (0, Decimal(0), 0))[0]
            lines.append(
                OfferingPenetration(
                    offering=WhitespaceOffering.model_validate(offering),
                    owning=owning,
                    pipeline=pipeline,
                    not_eligible=not_eligible,
                    gaps=accounts - owning - pipeline - not_eligible,
                    revenue=revenue,
                    key_penetration=_share(key_owning, keys),
                )
            )
        ranked = await self._most_whitespace(owner_id, tier, industry, offerings, limit)
        return PortfolioWhitespace(
            year=self.year,
            accounts=accounts,
            key_accounts=keys,
            offerings=lines,
            largest_whitespace=[
                GrowthRead(
                    account_id=account.id,
                    account_name=account.name,
                    tier=account.tier,
                    whitespace_value=found.value,
                    largest_gap=WhitespaceOffering.model_validate(found.offering),
                    largest_gap_estimate=found.estimate.amount,
                    why=found.why,
                )
                for account, found in ranked
            ],
        )

    async def _most_whitespace(
        self,
        owner_id: uuid.UUID | None,
        tier: str | None,
        industry: str | None,
        offerings: list[Offering],
        limit: int,
    ) -> list[tuple[Any, Growth]]:
        """The ``limit`` accounts in scope with the largest whitespace value (then by name), without
        estimating every account: accounts are taken the largest first, and the search stops once the
        last of the best found is worth more than any account left could be. An account's value is its
        size times the sum of its gaps' ratios (a median spend over a median size), so no account of a
        size is worth more than that size times the largest sum any group of peers gives."""
        book = await peer_book(self.session, self.year, [tier] if tier else TIERS)
        ceiling = _ceiling(book, offerings, self.accounts.rules.whitespace)
        # Each gap's estimate is rounded to the cent, up by half a cent at most.
        rounding = Decimal("0.005") * len(offerings)
        found: list[tuple[Any, Growth]] = []
        after: tuple[Decimal, uuid.UUID] | None = None
        batch = _FIRST_BATCH
        while candidates := await self.records.by_size(owner_id, tier, industry, after, batch):
            sizes = {account.id: account.size for account in candidates}
            growth = await self._largest_gaps(candidates, offerings, book, sizes)
            found.extend((account, growth[account.id]) for account in candidates if account.id in growth)
            found = sorted(found, key=lambda pair: (-pair[1].value, pair[0].name, pair[0].id))[:limit]
            last = candidates[-1]
            if len(found) == limit and found[-1][1].value > last.size * ceiling + rounding:
                break
            after, batch = (last.size, last.id), min(batch * 2, _LAST_BATCH)
        return found

    async def largest_gaps(self, accounts: Sequence[Subject]) -> dict[uuid.UUID, Growth]:
        """For each of these accounts as a whole, the gap peers say could bring the most (if any)."""
        if not accounts:
            return {}
        offerings = list(await self.records.offerings())
        book = await peer_book(self.session, self.year, {account.tier for account in accounts})
        sizes = await self.records.sizes([account.id for account in accounts])
        return await self._largest_gaps(accounts, offerings, book, sizes)

    async def _largest_gaps(
        self,
        accounts: Sequence[Subject],
        offerings: list[Offering],
        book: PeerBook,
        sizes: dict[uuid.UUID, Decimal | None],
    ) -> dict[uuid.UUID, Growth]:
        ids = [account.id for account in accounts]
        owned = _owned(await self.records.bought(ids, self.year))
        pipeline = self._pipeline(await self.records.open_opportunities(ids))
        set_aside = await self.records.set_aside_of_accounts(ids)
        found: dict[uuid.UUID, Growth] = {}
        for account in accounts:
            size = sizes.get(account.id)
            best: tuple[Offering, Estimate] | None = None
            value = Decimal(0)
            for offering in offerings:
                spent = owned[(account.id, None)].get(offering.id, Decimal(0))
                open_deals = pipeline[(account.id, None)].get(offering.id)
                status = cell_status(
                    spent, open_deals.count if open_deals else 0, (account.id, offering.id) in set_aside
                )
                if status != "gap":
                    continue
                result = self._estimate(book, account, size, True, offering.id)
                if result is None:
                    continue
                value += result.amount
                if best is None or result.amount > best[1].amount:
                    best = (offering, result)
            if best is not None:
                found[account.id] = Growth(best[0], best[1], self._why(account, *best), value)
        return found

    @staticmethod
    def _why(subject: Subject, offering: Offering, result: Estimate) -> str:
        tier = label("TierOrNone", subject.tier or "none").lower()
        group = f"{tier} accounts" if result.widened else f"{tier} {(subject.industry or '').lower()} accounts"
        return (
            f"{result.buyers} of {result.peers} {group} buy {offering.name}; their median is "
            f"{result.median_spent} a year, scaled by this account's size against theirs"
        )

    def _pipeline(self, rows: Any) -> dict[tuple[uuid.UUID, uuid.UUID | None], dict[uuid.UUID, PipelineRead]]:
        """Per subject (the account as a whole, a buying center), per offering: open count and weighted amount."""
        counts: dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID], list[Decimal]] = defaultdict(list)
        for account_id, center_id, offering_id, stage, probability, amount in rows:
            weighted = weighted_amount(amount, effective_probability(stage, probability, self.accounts.rules))
            counts[(account_id, None, offering_id)].append(weighted)
            if center_id is not None:
                counts[(account_id, center_id, offering_id)].append(weighted)
        pipeline: dict[tuple[uuid.UUID, uuid.UUID | None], dict[uuid.UUID, PipelineRead]] = defaultdict(dict)
        for (account_id, center_id, offering_id), weights in counts.items():
            pipeline[(account_id, center_id)][offering_id] = PipelineRead(
                count=len(weights), weighted_amount=sum(weights, Decimal(0))
            )
        return pipeline

    def _estimates(
        self, book: PeerBook, subject: Subject, size: Decimal | None, live: bool, offerings: list[Offering]
    ) -> dict[uuid.UUID, tuple[Estimate, str]]:
        """Each offering's estimate for the subject as a gap, with the sentence that explains it."""
        found = {}
        for offering in offerings:
            result = self._estimate(book, subject, size, live, offering.id)
            if result is not None:
                found[offering.id] = (result, self._why(subject, offering, result))
        return found

    def _estimate(
        self, book: PeerBook, subject: Subject, size: Decimal | None, live: bool, offering_id: uuid.UUID
    ) -> Estimate | None:
        """What the subject could buy of an offering it does not buy (a gap: it spends nothing on it).
        A live subject is among its own tier's peers, as one that does not buy: it is left out."""
        if subject.tier is None:
            return None
        tier = book.figures(subject.tier, None, offering_id) or NO_PEERS
        industry = None if subject.industry is None else book.figures(subject.tier, subject.industry, offering_id)
        if live:
            tier, industry = _but_itself(tier), industry and _but_itself(industry)
        peers, widened = peer_group(industry, tier, self.accounts.rules.whitespace)
        return estimate(size, peers, widened, self.accounts.rules.whitespace)

    def _row(
        self,
        row_id: uuid.UUID,
        kind: str,
        name: str,
        offerings: list[Offering],
        owned: dict[uuid.UUID, Decimal],
        pipeline: dict[uuid.UUID, PipelineRead],
        excluded: dict[tuple[uuid.UUID, uuid.UUID], WhitespaceExclusion],
        estimates: dict[uuid.UUID, tuple[Estimate, str]],
    ) -> RowRead:
        cells = []
        for offering in offerings:
            spent = owned.get(offering.id, Decimal(0))
            open_deals = pipeline.get(offering.id)
            exclusion = excluded.get((row_id, offering.id))
            status = cell_status(spent, open_deals.count if open_deals else 0, exclusion is not None)
            found = estimates.get(offering.id) if status == "gap" else None
            cells.append(
                CellRead(
                    offering_id=offering.id,
                    status=status,
                    owned_amount=spent if status == "owned" else None,
                    pipeline=open_deals,
                    not_eligible_reason=exclusion.reason if status == "not_eligible" and exclusion else None,
                    estimate=None
                    if found is None
                    else EstimateRead(
                        amount=found[0].amount,
                        peers=found[0].peers,
                        buyers=found[0].buyers,
                        median_spent=found[0].median_spent,
                        basis="tier" if found[0].widened else "industry_and_tier",
                        why=found[1],
                    ),
                )
            )
        return RowRead.model_validate({"id": row_id, "kind": kind, "name": name, "cells": cells})

    async def decide(
        self, account_id: uuid.UUID, row: str, offering_id: uuid.UUID, decision: CellDecision
    ) -> CellDecisionRead:
        """Set a cell aside as not eligible (with why), or make it count again."""
        account = await self.accounts.get(account_id)
        if account.archived_at is not None:
            raise AccountArchived("The account is archived; restore it before changing what belongs to it.")
        row_id = await self._row_id(account_id, row)
        if await self.records.offering(offering_id) is None:
            raise NotFound(f"No offering with id {offering_id}.")
        held = await self.records.exclusion(account_id, row_id, offering_id)
        if decision.not_eligible:
            if held is None:
                held = WhitespaceExclusion(account_id=account_id, row_id=row_id, offering_id=offering_id, reason="")
            held.reason = decision.reason or ""
            held.decided_by = self.accounts.principal.user_id
            await self.records.save(held)
        elif held is not None:
            await self.records.delete(held)
        return CellDecisionRead(
            row_id=row_id, offering_id=offering_id, not_eligible=decision.not_eligible, reason=decision.reason
        )

    async def _row_id(self, account_id: uuid.UUID, row: str) -> uuid.UUID:
        """The row a path names: `account` for the account as a whole, or a buying center's or subsidiary's id."""
        if row == WHOLE_ACCOUNT:
            return account_id
        try:
            row_id = uuid.UUID(row)
        except ValueError:
            raise InvalidFields.one(["path", "row"], "`account`, or the id of a buying center or subsidiary") from None
        if row_id == account_id:
            return account_id
        known = {c.id for c in await self.records.centers(account_id)} | {
            s.id for s in await self.records.subsidiaries(account_id)
        }
        if row_id not in known:
            raise NotFound(f"No buying center or subsidiary with id {row_id} on account {account_id}.")
        return row_id


def _owned(
    bought: dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID], Decimal],
) -> dict[tuple[uuid.UUID, uuid.UUID | None], dict[uuid.UUID, Decimal]]:
    """Per subject: the account as a whole (every line of it) and each buying center, per offering."""
    owned: dict[tuple[uuid.UUID, uuid.UUID | None], dict[uuid.UUID, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for (account_id, center_id, offering_id), amount in bought.items():
        owned[(account_id, None)][offering_id] += amount
        if center_id is not None:
            owned[(account_id, center_id)][offering_id] += amount
    return owned


def _ceiling(book: PeerBook, offerings: Sequence[Offering], rules: WhitespaceRules) -> Decimal:
    """The most whitespace a unit of size can be worth: over every group of peers, the sum of its
    offerings' ratios (median spend over median size) where an estimate could be shown."""
    ceiling = Decimal(0)
    for tier, industry in book.groups:
        total = Decimal(0)
        for offering in offerings:
            figures = book.figures(tier, industry, offering.id)
            if figures is None or figures.median_spent is None or not figures.median_size:
                continue
            if any(estimate(Decimal(1), asked, False, rules) is not None for asked in (figures, _but_itself(figures))):
                total += figures.median_spent / figures.median_size
        ceiling = max(ceiling, total)
    return ceiling


def _but_itself(figures: PeerFigures) -> PeerFigures:
    # A tier kept before the subject joined it does not count it (app/whitespace/kept.py).
    return figures.without_a_non_buyer() if figures.peers > 0 else figures
