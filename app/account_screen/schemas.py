"""What ``include`` may add to an account's read."""

import re
from typing import Annotated, ClassVar, Literal, get_args

from fastapi import Query
from pydantic.json_schema import SkipJsonSchema

from app.accounts.schemas import AccountRead
from app.contacts.schemas import ContactRead, RelationshipMapRead
from app.financials.schemas import FinancialRead
from app.opportunities.schemas import OpportunityRead
from app.plans.schemas import PlanRead
from app.plumbing.pagination import Page
from app.teams.schemas import TeamMemberRead

Included = Literal["contacts", "opportunities", "plans", "team", "financials", "relationship_map"]
INCLUDED: tuple[str, ...] = get_args(Included)
# Each included list is the first page of its own list operation, in that list's default order.
INCLUDED_PAGE = 50

_INCLUDE_PATTERN = rf"^({'|'.join(INCLUDED)})(,({'|'.join(INCLUDED)}))*$"
_INCLUDE_LENGTH = 200


def valid_include(value: str) -> bool:
    """Whether ``value`` is an ``include`` the parameter takes (else the operation answers 422)."""
    return len(value) <= _INCLUDE_LENGTH and re.fullmatch(_INCLUDE_PATTERN, value) is not None


IncludeParameter = Annotated[
    str | None,
    Query(
        pattern=_INCLUDE_PATTERN,
        max_length=_INCLUDE_LENGTH,
        description="What to read with the account, comma-separated: "
        + ", ".join(f"`{name}`" for name in INCLUDED)
        + f". Each list is the first page ({INCLUDED_PAGE}) of its own list operation in its default order, "
        "with `next_cursor` to read on there; `relationship_map` is the whole map.",
    ),
]


class AccountScreen(AccountRead):
    """The account, and the records `include` asked for (absent when not asked)."""

    sent_when_asked: ClassVar[frozenset[str]] = frozenset(INCLUDED)

    contacts: Page[ContactRead] | SkipJsonSchema[None] = None
    opportunities: Page[OpportunityRead] | SkipJsonSchema[None] = None
    plans: Page[PlanRead] | SkipJsonSchema[None] = None
    team: Page[TeamMemberRead] | SkipJsonSchema[None] = None
    financials: Page[FinancialRead] | SkipJsonSchema[None] = None
    relationship_map: RelationshipMapRead | SkipJsonSchema[None] = None
