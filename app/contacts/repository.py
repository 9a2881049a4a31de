"""All SQL of contacts: lists, the decision chain and what refers to a contact."""

import uuid
from collections.abc import Mapping, Sequence
from typing import ClassVar

from sqlalchemy import ColumnElement, func, or_, select

from app.account_records.repository import ScopedRepository, ValueFilter
from app.contacts.schemas import ContactListQuery
from app.models import Contact, Interaction
from app.plumbing.pagination import SortKey

SORT_KEYS = {
    "last_name": SortKey(Contact.last_name, "str"),
    "created_at": SortKey(Contact.created_at, "datetime"),
    "updated_at": SortKey(Contact.updated_at, "datetime"),
}


class ContactRepository(ScopedRepository[Contact]):
    model = Contact
    noun = "contact"
    unique_messages = {"uq_contacts_external_id": "Another contact already has external_id {external_id!r}."}
    sort_keys = SORT_KEYS
    value_filters: ClassVar[Mapping[str, ValueFilter]] = {
        "external_id": lambda value: Contact.external_id == value,
        "attitude": lambda value: Contact.attitude == value,
        "influence": lambda value: Contact.influence == value,
        "status": lambda value: Contact.status == value,
        "updated_since": lambda value: Contact.updated_at >= value,
    }

    def conditions(self, query: ContactListQuery) -> list[ColumnElement[bool]]:
        conditions = super().conditions(query) + query.metadata_matches(Contact.metadata_)
        if query.buying_role is not None:
            conditions.append(Contact.buying_roles.contains([query.buying_role]))
        if query.q:
            needle = query.q.lower()
            name = func.lower(Contact.first_name + " " + Contact.last_name)
            conditions.append(
                or_(
                    *(
                        column.contains(needle, autoescape=True)
                        for column in (name, func.lower(Contact.title), func.lower(Contact.email))
                    )
                )
            )
        return conditions

    async def reports_of(self, contact_id: uuid.UUID) -> Sequence[Contact]:
        statement = select(Contact).where(Contact.reports_to_id == contact_id).order_by(Contact.last_name)
        return (await self.session.execute(statement)).scalars().all()

    async def interactions_with(self, contact_id: uuid.UUID) -> int:
        """How many interactions the contact took part in."""
        statement = select(func.count()).where(Interaction.contact_ids.contains([contact_id]))
        return await self.session.scalar(statement) or 0

    async def active_of_account(self, account_id: uuid.UUID) -> Sequence[Contact]:
        statement = (
            select(Contact)
            .where(Contact.account_id == account_id, Contact.status == "active")
            .order_by(Contact.last_name, Contact.id)
        )
        return (await self.session.execute(statement)).scalars().all()

    async def by_id(self, contact_id: uuid.UUID) -> Contact | None:
        return await self.session.get(Contact, contact_id)

    async def reports_up_to(self, start_id: uuid.UUID, contact_id: uuid.UUID) -> bool:
        """Whether ``contact_id`` is ``start_id`` or above it, following reports-to links up."""
        chain = select(Contact.id, Contact.reports_to_id).where(Contact.id == start_id).cte("chain", recursive=True)
        chain = chain.union(select(Contact.id, Contact.reports_to_id).join(chain, Contact.id == chain.c.reports_to_id))
        return (await self.session.execute(select(chain.c.id).where(chain.c.id == contact_id))).first() is not None
