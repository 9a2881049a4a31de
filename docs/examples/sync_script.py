"""A CRM sync written only against the SDK that openapi-python-client generates from the contract.

It pushes accounts (with the CRM's own segment as metadata), contacts and deals by batch (a retry
replays the first answer), pulls back the accounts changed since a moment and those of a segment,
follows the event feed with each event's data typed by its type, and fetches the monthly pack as
Markdown. Run it with the service's address and an API token:

    KAM_URL=http://127.0.0.1:8000 KAM_TOKEN=kam_... python sync_script.py
"""

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from key_account_management_service_client import AuthenticatedClient
from key_account_management_service_client.api.accounts import accounts_batch_upsert, accounts_list
from key_account_management_service_client.api.contacts import contacts_batch_upsert
from key_account_management_service_client.api.events import events_list
from key_account_management_service_client.api.opportunities import opportunities_batch_upsert
from key_account_management_service_client.api.reports import reports_monthly_get_markdown
from key_account_management_service_client.models import (
    AccountBatchUpsert,
    AccountEvent,
    AccountJudgedEvent,
    AccountRead,
    AccountsListSort,
    AccountUpsert,
    AccountUpsertMetadata,
    BatchOutcome,
    BatchResult,
    ContactBatchUpsert,
    ContactUpsert,
    EventFeed,
    OpportunityBatchUpsert,
    OpportunityEvent,
    OpportunityType,
    OpportunityUpsert,
    PageAccountRead,
    Problem,
)

# The most records one batch takes.
BATCH = 1000
R = TypeVar("R")


@dataclass(frozen=True)
class CrmAccount:
    key: str
    name: str
    industry: str
    segment: str  # the CRM's own field, kept as metadata


@dataclass(frozen=True)
class CrmContact:
    key: str
    account_key: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class CrmDeal:
    key: str
    account_key: str
    name: str
    amount: str  # money travels as text: "120000.00"
    expected_close: date


@dataclass
class Pushed:
    """What a push did, over all its batches; `failed` names each refused record and why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged
        for item in result.items:
            if item.outcome == BatchOutcome.FAILED and item.problem is not None:
                self.failed.append(f"{item.external_id}: {item.problem.status} {item.problem.detail}")


class SyncError(Exception):
    """The service refused a whole request (not one record of a batch)."""


def _refused(answer: Problem | None) -> SyncError:
    if answer is None:
        return SyncError("no answer")
    return SyncError(f"{answer.status} {answer.title}: {answer.detail}")


# One batch of records sent with its retry key, answered by the service's results or a problem.
Send = Callable[[Sequence[R], str], Awaitable[BatchResult | Problem | None]]


async def _push(records: Sequence[R], run: str, kind: str, send: Send[R]) -> Pushed:
    """The records in batches of `BATCH`, each with the same key on every retry of it (a retry
    replays the first answer); what the batches did, added up."""
    pushed = Pushed()
    for start in range(0, len(records), BATCH):
        answer = await send(records[start : start + BATCH], f"{run}-{kind}-{start}")
        if not isinstance(answer, BatchResult):
            raise _refused(answer)
        pushed.add(answer)
    return pushed


async def push_accounts(client: AuthenticatedClient, accounts: Sequence[CrmAccount], run: str) -> Pushed:
    async def send(chunk: Sequence[CrmAccount], key: str) -> BatchResult | Problem | None:
        items = [
            AccountUpsert(
                external_id=a.key,
                name=a.name,
                industry=a.industry,
                metadata=AccountUpsertMetadata.from_dict({"segment": a.segment}),
            )
            for a in chunk
        ]
        return await accounts_batch_upsert.asyncio(
            client=client, body=AccountBatchUpsert(items=items), idempotency_key=key
        )

    return await _push(accounts, run, "a", send)


async def push_contacts(client: AuthenticatedClient, contacts: Sequence[CrmContact], run: str) -> Pushed:
    async def send(chunk: Sequence[CrmContact], key: str) -> BatchResult | Problem | None:
        items = [
            ContactUpsert(
                external_id=c.key, account_external_id=c.account_key, first_name=c.first_name, last_name=c.last_name
            )
            for c in chunk
        ]
        return await contacts_batch_upsert.asyncio(
            client=client, body=ContactBatchUpsert(items=items), idempotency_key=key
        )

    return await _push(contacts, run, "c", send)


async def push_deals(client: AuthenticatedClient, deals: Sequence[CrmDeal], run: str) -> Pushed:
    async def send(chunk: Sequence[CrmDeal], key: str) -> BatchResult | Problem | None:
        items = [
            OpportunityUpsert(
                external_id=d.key,
                account_external_id=d.account_key,
                name=d.name,
                type_=OpportunityType.RENEWAL,
                amount=d.amount,
                expected_close_date=d.expected_close,
            )
            for d in chunk
        ]
        body = OpportunityBatchUpsert(items=items)
        return await opportunities_batch_upsert.asyncio(client=client, body=body, idempotency_key=key)

    return await _push(deals, run, "o", send)


async def changed_accounts(client: AuthenticatedClient, since: datetime) -> list[AccountRead]:
    """Every account changed since `since`, oldest change first, page after page."""
    changed: list[AccountRead] = []
    cursor: str | None = None
    while True:
        page = await accounts_list.asyncio(
            client=client, updated_since=since, sort=AccountsListSort.UPDATED_AT, limit=200, cursor=cursor
        )
        if not isinstance(page, PageAccountRead):
            raise _refused(page)
        changed += page.items
        if page.next_cursor is None:
            return changed
        cursor = page.next_cursor


async def accounts_of_segment(client: AuthenticatedClient, segment: str) -> list[str]:
    """The names of the accounts of a segment of the CRM's (their metadata), in name order."""
    names: list[str] = []
    cursor: str | None = None
    while True:
        page = await accounts_list.asyncio(client=client, metadata=[f"segment:{segment}"], limit=200, cursor=cursor)
        if not isinstance(page, PageAccountRead):
            raise _refused(page)
        names += [account.name for account in page.items]
        if page.next_cursor is None:
            return names
        cursor = page.next_cursor


async def follow_feed(client: AuthenticatedClient, after: str | None) -> tuple[list[str], str]:
    """What happened since `after`, one line per event, and the cursor to read on from."""
    told: list[str] = []
    while True:
        feed = await events_list.asyncio(client=client, after=after, limit=200)
        if not isinstance(feed, EventFeed):
            raise _refused(feed)
        for event in feed.items:
            # Each event's data is its type's record: no parsing by hand.
            if isinstance(event, AccountEvent):
                score = "no score" if event.data.score is None else f"score {event.data.score}"
                told.append(f"{event.type_}: {event.data.name} ({event.data.tier or 'no tier'}, {score})")
            elif isinstance(event, AccountJudgedEvent):
                told.append(f"{event.type_}: {event.data.account.name} is {event.data.after.health}")
            elif isinstance(event, OpportunityEvent):
                told.append(f"{event.type_}: {event.data.name} at {event.data.amount}")
            else:
                told.append(f"{event.type_}: {event.entity_type} {event.entity_id}")
        after = feed.next_cursor
        if not feed.has_more:
            return told, after


async def monthly_pack(client: AuthenticatedClient) -> str:
    """The monthly key account pack as the Markdown document read in the meeting."""
    document = await reports_monthly_get_markdown.asyncio(client=client)
    if not isinstance(document, str):
        raise _refused(document)
    return document


async def main() -> None:
    client = AuthenticatedClient(base_url=os.environ["KAM_URL"], token=os.environ["KAM_TOKEN"])
    started = datetime.now().astimezone()
    accounts = [CrmAccount(f"crm-{n}", f"Customer {n}", "Manufacturing", f"S{n % 3}") for n in range(20)]
    contacts = [CrmContact(f"p-{n}", f"crm-{n % 20}", "Dana", f"Lee {n}") for n in range(60)]
    deals = [CrmDeal(f"d-{n}", f"crm-{n}", f"Renewal {n}", "120000.00", date(2027, 6, 30)) for n in range(10)]
    async with client:
        print(await push_accounts(client, accounts, "nightly"))
        print(await push_contacts(client, contacts, "nightly"))
        print(await push_deals(client, deals, "nightly"))
        print(len(await changed_accounts(client, started)), "accounts changed")
        print("Segment S1:", ", ".join(await accounts_of_segment(client, "S1")))
        told, _ = await follow_feed(client, None)
        print("\n".join(told[-10:]))
        print(await monthly_pack(client))


if __name__ == "__main__":
    asyncio.run(main())
