"""Contact use cases: the decision chain stays a forest within one account; nothing is lost silently."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from app.account_records.service import AccountScopedService
from app.contacts.repository import ContactRepository
from app.contacts.schemas import ContactCreate, ContactRead, ContactUpdate, ContactUpsert
from app.models import Contact
from app.plumbing import metadata
from app.plumbing.batch import Prepared, Written
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.errors import Conflict, InvalidFields, RuleViolation
from app.plumbing.plain_rows import Columns
from app.rules.relationship_map import Person, RelationshipMap, build_map


class ContactHasReports(Conflict):
    title, slug = "Others report to the contact", "contact-has-reports"


class ContactTookPart(Conflict):
    title, slug = "The contact took part in interactions", "contact-took-part"


class ReportingCycle(RuleViolation):
    title, slug = "A reports-to chain that loops", "reporting-cycle"


class ContactService(AccountScopedService[Contact]):
    repository_class = ContactRepository
    records: ContactRepository

    async def create(self, data: ContactCreate, now: datetime) -> Contact:
        await self.account_for_write(data.account_id)
        contact = Contact(**metadata.onto_record(data.model_dump()))
        if contact.reports_to_id is not None:
            await self._check_manager(contact, contact.reports_to_id)
        self._left(contact, now)
        return await self.records.save(contact)

    async def update(
        self, contact_id: uuid.UUID, data: ContactUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Contact:
        contact = await self.get_for_write(contact_id, expected)
        changes = metadata.onto_record(data.model_dump(exclude_unset=True), contact.metadata_)
        if changes.get("reports_to_id") is not None:
            await self._check_manager(contact, changes["reports_to_id"])
        for field, value in changes.items():
            setattr(contact, field, value)
        self._left(contact, now)
        return await self.records.save(contact)

    async def prepare_upserts(self, items: Sequence[ContactUpsert], now: datetime) -> Prepared[ContactUpsert]:
        """One round of queries for a batch: the accounts it names, the contacts holding its keys
        (locked). Answers how each item is applied."""
        named = await self.accounts_named(items)
        holders = await self.records.holding_external_ids([item.external_id for item in items])

        def plan(item: ContactUpsert) -> Written | None:
            account = self.account_of(item, named)
            held = holders.get(item.external_id)
            if item.reports_to_id is not None and (held is None or held[0].reports_to_id != item.reports_to_id):
                return None  # a place in the decision chain is checked against what the batch wrote before it
            if held is None:
                fields = metadata.onto_record(self._replacement(item))
                contact = Contact(**fields, account_id=account.id, external_id=item.external_id)
                self._left(contact, now)
                return writer.created(contact)
            contact = self.replaceable(held, item.external_id, account.id)
            for field, value in metadata.onto_record(self._replacement(item, contact), contact.metadata_).items():
                setattr(contact, field, value)
            self._left(contact, now)
            return writer.replaced(contact)

        writer = self.batch_writer()
        return Prepared(plan, writer.write)

    async def upsert_one(self, item: ContactUpsert, now: datetime) -> Written:
        """One item of a batch, written as the single create or update writes it."""
        account = self.account_of(item, await self.accounts_named([item]))
        held = (await self.records.holding_external_ids([item.external_id])).get(item.external_id)
        if held is None:
            data = ContactCreate(**self._replacement(item), account_id=account.id, external_id=item.external_id)
            return Written(await self.create(data, now), "created")
        contact = self.replaceable(held, item.external_id, account.id)
        version = contact.version
        contact = await self.update(contact.id, ContactUpdate(**self._replacement(item, contact)), None, now)
        return Written(contact, "unchanged" if contact.version == version else "updated")

    @staticmethod
    def _replacement(item: ContactUpsert, held: Contact | None = None) -> dict[str, Any]:
        """The fields a batch item sets on a new contact, or the changes replacing ``held``'s: all
        but the keys; ``left_at`` only when given (else the date a contact left would move to each
        sync's time); the metadata only when given (a sync that does not carry it leaves what others
        wrote), and then whole."""
        exclude = {"account_id", "account_external_id", "external_id"}
        exclude |= {"left_at", "metadata"} - item.model_fields_set
        fields = item.model_dump(exclude=exclude)
        if held is not None and "metadata" in fields:
            fields["metadata"] = metadata.replacing(held.metadata_, fields["metadata"])
        return fields

    async def delete(self, contact_id: uuid.UUID, expected: ExpectedVersion | None, reparent: bool) -> None:
        """Refused while others report to the contact, unless ``reparent`` hands them to its manager;
        refused while it took part in interactions (mark it as left instead: the record stays)."""
        contact = await self.get_for_write(contact_id, expected)
        reports = await self.records.reports_of(contact.id)
        if reports and not reparent:
            names = ", ".join(f"{c.first_name} {c.last_name} ({c.id})" for c in reports)
            raise ContactHasReports(
                f"Others report to this contact: {names}. Move them first, or delete with reparent=true."
            )
        took_part = await self.records.interactions_with(contact.id)
        if took_part:
            raise ContactTookPart(f"The contact took part in {took_part} interaction(s); set status to left instead.")
        for report in reports:
            report.reports_to_id = contact.reports_to_id
            await self.records.save(report)
        await self.records.delete(contact)

    async def relationship_map(self, account_id: uuid.UUID) -> RelationshipMap:
        await self.accounts.get(account_id)
        return map_of(await self.records.active_of_account(account_id))

    async def _check_manager(self, contact: Contact, manager_id: uuid.UUID) -> None:
        if manager_id == contact.id:
            raise ReportingCycle("A contact cannot report to itself.")
        manager = await self.records.by_id(manager_id)
        if manager is None or manager.account_id != contact.account_id:
            raise InvalidFields.one(["body", "reports_to_id"], "not a contact of the same account")
        if await self.records.reports_up_to(manager_id, contact.id):
            raise ReportingCycle("That would make the reports-to chain a cycle.")

    @staticmethod
    def _left(contact: Contact, now: datetime) -> None:
        if contact.status == "left" and contact.left_at is None:
            contact.left_at = now
        elif contact.status == "active":
            contact.left_at = None


def map_of(active: Iterable[Contact | Columns]) -> RelationshipMap:
    """The relationship map of an account's ``active`` contacts."""
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
            for c in active
        ]
    )


# Read off the record as they are (``metadata`` is the record's ``metadata_``).
_CONTACT_COLUMNS = tuple(name for name in ContactRead.model_fields if name != "metadata")


def contact_fields(contact: Contact | Columns) -> dict[str, Any]:
    """A ``ContactRead``'s fields, ready for JSON as they are (see ``json_body``)."""
    return {**{name: getattr(contact, name) for name in _CONTACT_COLUMNS}, "metadata": contact.metadata_}
