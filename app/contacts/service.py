"""Contact use cases: the decision chain stays a forest within one account; nothing is lost silently."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select

from app.accounts.scoped import AccountScoped
from app.contacts.schemas import ContactCreate, ContactListQuery, ContactUpdate
from app.kit.concurrency import ExpectedVersion
from app.kit.errors import Conflict, InvalidFields, RuleViolation
from app.kit.pagination import PageRequest, SortKey
from app.models import Contact, Interaction
from app.rules.relationship_map import Person, RelationshipMap, build_map

SORT_KEYS = {
    "last_name": SortKey(Contact.last_name, "str"),
    "created_at": SortKey(Contact.created_at, "datetime"),
    "updated_at": SortKey(Contact.updated_at, "datetime"),
}


def _conditions(query: ContactListQuery) -> list[ColumnElement[bool]]:
    equal_to = {Contact.attitude: query.attitude, Contact.influence: query.influence, Contact.status: query.status}
    conditions = [column == value for column, value in equal_to.items() if value is not None]
    if query.buying_role is not None:
        conditions.append(Contact.buying_roles.contains([query.buying_role]))
    if query.updated_since is not None:
        conditions.append(Contact.updated_at >= query.updated_since)
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


class ContactService(AccountScoped[Contact]):
    model = Contact
    noun = "contact"
    unique_messages = {"uq_contacts_external_id": "Another contact already has external_id {external_id!r}."}

    async def list_page(self, query: ContactListQuery) -> tuple[list[Contact], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(_conditions(query), page, SORT_KEYS[page.field], account_id=query.account_id)

    async def create(self, data: ContactCreate, now: datetime) -> Contact:
        await self.account_for_write(data.account_id)
        contact = Contact(**data.model_dump())
        if contact.reports_to_id is not None:
            await self._check_manager(contact, contact.reports_to_id)
        self._left(contact, now)
        return await self.flush(contact)

    async def update(
        self, contact_id: uuid.UUID, data: ContactUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Contact:
        contact = await self.get_for_write(contact_id, expected)
        changes = data.model_dump(exclude_unset=True)
        self.required(
            changes,
            ["first_name", "last_name", "buying_roles", "attitude", "influence", "relationship_strength", "status"],
        )
        if changes.get("reports_to_id") is not None:
            await self._check_manager(contact, changes["reports_to_id"])
        for field, value in changes.items():
            setattr(contact, field, value)
        self._left(contact, now)
        return await self.flush(contact)

    async def delete(self, contact_id: uuid.UUID, expected: ExpectedVersion | None, reparent: bool) -> None:
        """Refused while others report to the contact, unless ``reparent`` hands them to its manager;
        refused while it took part in interactions (mark it as left instead: the record stays)."""
        contact = await self.get_for_write(contact_id, expected)
        reports = (
            (
                await self.session.execute(
                    select(Contact).where(Contact.reports_to_id == contact.id).order_by(Contact.last_name)
                )
            )
            .scalars()
            .all()
        )
        if reports and not reparent:
            names = ", ".join(f"{c.first_name} {c.last_name} ({c.id})" for c in reports)
            raise Conflict(f"Others report to this contact: {names}. Move them first, or delete with reparent=true.")
        took_part = await self.session.scalar(
            select(func.count()).where(Interaction.contact_ids.contains([contact.id]))
        )
        if took_part:
            raise Conflict(f"The contact took part in {took_part} interaction(s); set status to left instead.")
        for report in reports:
            report.reports_to_id = contact.reports_to_id
        await self.session.flush()
        await self.session.delete(contact)
        await self.session.flush()

    async def relationship_map(self, account_id: uuid.UUID) -> RelationshipMap:
        await self.accounts.get(account_id)
        statement = (
            select(Contact)
            .where(Contact.account_id == account_id, Contact.status == "active")
            .order_by(Contact.last_name, Contact.id)
        )
        contacts = (await self.session.execute(statement)).scalars().all()
        return build_map(
            [
                Person(
                    id=str(c.id),
                    name=f"{c.first_name} {c.last_name}",
                    title=c.title,
                    buying_roles=tuple(c.buying_roles),
                    attitude=c.attitude,
                    influence=c.influence,
                    relationship_strength=c.relationship_strength,
                    reports_to_id=str(c.reports_to_id) if c.reports_to_id else None,
                )
                for c in contacts
            ]
        )

    async def _check_manager(self, contact: Contact, manager_id: uuid.UUID) -> None:
        if manager_id == contact.id:
            raise RuleViolation("A contact cannot report to itself.")
        manager = await self.session.get(Contact, manager_id)
        if manager is None or manager.account_id != contact.account_id:
            raise InvalidFields.one(["body", "reports_to_id"], "not a contact of the same account")
        chain = select(Contact.id, Contact.reports_to_id).where(Contact.id == manager_id).cte("chain", recursive=True)
        chain = chain.union(select(Contact.id, Contact.reports_to_id).join(chain, Contact.id == chain.c.reports_to_id))
        if (await self.session.execute(select(chain.c.id).where(chain.c.id == contact.id))).first():
            raise RuleViolation("That would make the reports-to chain a cycle.")

    @staticmethod
    def _left(contact: Contact, now: datetime) -> None:
        if contact.status == "left" and contact.left_at is None:
            contact.left_at = now
        elif contact.status == "active":
            contact.left_at = None
