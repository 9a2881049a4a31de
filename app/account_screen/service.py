"""The records an account's screen shows beside it, each read as its own operation reads it."""

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.account_screen.schemas import INCLUDED_PAGE
from app.accounts.service import AccountService
from app.contacts.schemas import ContactListQuery, ContactRead, RelationshipMapRead
from app.contacts.service import ContactService
from app.financials.schemas import FinancialListQuery
from app.financials.service import FinancialService
from app.opportunities.schemas import OpportunityListQuery
from app.opportunities.service import OpportunityService
from app.plans.schemas import PlanListQuery, PlanRead
from app.plans.service import PlanService
from app.plumbing.pagination import Page
from app.teams.repository import TeamRepository
from app.teams.schemas import TeamListQuery, TeamMemberRead


class AccountScreenService:
    """The parts are read for an account the caller was just shown (its read is the access check):
    by the scoped repositories' pages, not by the services' account pages, which would check the
    account again, a statement each."""

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.contacts = ContactService(session, accounts)
        self.opportunities = OpportunityService(session, accounts)
        self.plans = PlanService(session, accounts)
        self.team = TeamRepository(session)
        self.financials = FinancialService(session, accounts)

    async def included(self, account_id: uuid.UUID, names: Collection[str]) -> dict[str, Any]:
        """Each of ``names`` for the account (which the caller may see), as JSON values: a fixed
        number of statements per name, whatever the account holds."""
        parts: dict[str, Any] = {}
        if "contacts" in names:
            contacts, cursor = await self.contacts.list_page(
                ContactListQuery(account_id=account_id, limit=INCLUDED_PAGE)
            )
            parts["contacts"] = Page(items=[ContactRead.model_validate(c) for c in contacts], next_cursor=cursor)
        if "opportunities" in names:
            rows, cursor = await self.opportunities.list_page(
                OpportunityListQuery(account_id=account_id, limit=INCLUDED_PAGE)
            )
            parts["opportunities"] = Page(items=await self.opportunities.reads(rows), next_cursor=cursor)
        if "plans" in names:
            plans, cursor = await self.plans.list_page(PlanListQuery(account_id=account_id, limit=INCLUDED_PAGE))
            parts["plans"] = Page(items=[PlanRead.model_validate(p) for p in plans], next_cursor=cursor)
        if "team" in names:
            members, cursor = await self.team.list_page(account_id, TeamListQuery(limit=INCLUDED_PAGE))
            parts["team"] = Page(items=[TeamMemberRead.model_validate(m) for m in members], next_cursor=cursor)
        if "financials" in names:
            records, cursor = await self.financials.records.account_page(
                account_id, FinancialListQuery(limit=INCLUDED_PAGE)
            )
            parts["financials"] = Page(items=await self.financials.reads(records), next_cursor=cursor)
        if "relationship_map" in names:
            mapped = await self.contacts.map_of_shown(account_id)
            parts["relationship_map"] = RelationshipMapRead.of(account_id, mapped)
        return {name: part.model_dump(mode="json") for name, part in parts.items()}
