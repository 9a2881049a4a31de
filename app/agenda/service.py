"""The agenda: reviews overdue and coming due, follow-ups and plan actions due, accounts turned red,
pending demotions (for managers) and promotion candidates, most urgent first."""

import base64
import binascii
import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService, AccountView
from app.agenda.calendar import Entry, feed, uid
from app.agenda.repository import AgendaRepository, CalendarLinkRepository
from app.agenda.schemas import Agenda, AgendaCount, AgendaItem
from app.auth import policy
from app.auth.credentials import api_token_from
from app.auth.principal import Principal
from app.follow_ups.repository import FollowUpRepository
from app.follow_ups.schemas import FollowUpListQuery
from app.glossary import AGENDA_KINDS, label
from app.models import CalendarLink
from app.plumbing.errors import InvalidFields, NotFound
from app.plumbing.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.rules_versions.repository import RulesRepository
from app.whitespace.service import WhitespaceService

# Most urgent first: what is late, accounts gone red, what is due today, decisions waiting, then
# what comes due later and the chances to grow.
_OVERDUE, _RED, _TODAY, _DECIDE, _LATER, _GROW = range(6)


# How far ahead the calendar feed shows follow-ups and plan actions (reviews: the next one, whenever).
CALENDAR_DAYS = 180
CALENDAR_KEY_PREFIX = "kamc_"
_KIND_ORDER = {kind: index for index, kind in enumerate(AGENDA_KINDS)}


def _position(item: AgendaItem, today: date) -> tuple[int, date, str, int, str, str]:
    """Where an item stands in the agenda: most urgent first, then a total order for cursors."""
    bucket, day, name = _order(item, today)
    return bucket, day, name, _KIND_ORDER[item.kind], str(item.account_id), str(item.record_id or "")


def _cursor_of(position: tuple[int, date, str, int, str, str]) -> str:
    bucket, day, name, kind, account, record = position
    payload = [bucket, day.isoformat(), name, kind, account, record]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _position_of(cursor: str) -> tuple[int, date, str, int, str, str]:
    """The position a cursor names; anything but a ``next_cursor`` of an agenda is a 422 naming it."""
    try:
        raw = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii")))
        bucket, day, name, kind, account, record = raw
        if not (isinstance(bucket, int) and isinstance(kind, int) and isinstance(name, str)):
            raise ValueError("not an agenda position")
        uuid.UUID(account)
        if record:
            uuid.UUID(record)
        return bucket, date.fromisoformat(day), name, kind, account, record
    except (ValueError, TypeError, UnicodeError, binascii.Error, RecursionError) as error:
        raise InvalidFields.one(["query", "cursor"], "Invalid cursor: pass the next_cursor of an agenda.") from error


def _order(item: AgendaItem, today: date) -> tuple[int, date, str]:
    if item.kind == "turned_red":
        bucket = _RED
    elif item.kind == "demotion_pending":
        bucket = _DECIDE
    elif item.kind in ("promotion_candidate", "growth"):
        bucket = _GROW
    elif item.date is not None and item.date < today:
        bucket = _OVERDUE
    elif item.date == today:
        bucket = _TODAY
    else:
        bucket = _LATER
    return bucket, item.date or date.max, item.account_name


class AgendaService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.repository = AgendaRepository(session, accounts.visibility)
        self.follow_ups = FollowUpRepository(session, accounts.visibility)
        self.whitespace = WhitespaceService(session, accounts)

    async def agenda_of(
        self,
        owner_id: uuid.UUID | None,
        kinds: Sequence[str] = (),
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> tuple[Agenda, str]:
        """A page of the agenda (of ``kinds``, all when empty) after ``cursor``, and its owner's name."""
        after = _position_of(cursor) if cursor else None
        principal = self.accounts.principal
        owner_id = owner_id or principal.user_id
        if owner_id != principal.user_id:
            policy.require_role(principal, policy.MANAGER, policy.ADMIN, to="read another user's agenda")
        owner = await self.accounts.users.get(owner_id)
        if owner is None:
            raise InvalidFields.one(["query", "owner_id"], f"no user with id {owner_id}")
        today = self.accounts.now.date()
        owned = await self.accounts.views(
            await self.accounts.repository.get_many(await self.repository.owned_ids(owner_id))
        )
        items = [item for view in owned for item in self._account_items(view, today)]
        items += await self._growth(owned)
        items += await self._follow_ups(owner_id, today)
        items += [
            AgendaItem(
                kind="action_due",
                account_id=row.account_id,
                account_name=row.account_name,
                why=f"plan action due: {row.title}",
                date=row.due_date,
                overdue=row.due_date < today,
                record_id=row.id,
            )
            for row in await self.repository.due_actions(owner_id, today)
        ]
        if owner.role in (policy.MANAGER, policy.ADMIN):
            pending = await self.accounts.repository.get_many(await self.repository.pending_demotion_ids())
            items += [
                AgendaItem(
                    kind="demotion_pending",
                    account_id=account.id,
                    account_name=account.name,
                    why=f"computed tier {account.computed_tier} is below its tier {account.tier}: demote or keep",
                    date=None,
                    overdue=False,
                    record_id=None,
                )
                for account in pending
            ]
        positioned = sorted(((_position(item, today), item) for item in items), key=lambda pair: pair[0])
        counts = [AgendaCount(kind=kind, count=sum(item.kind == kind for item in items)) for kind in AGENDA_KINDS]
        asked = [
            (position, item)
            for position, item in positioned
            if (not kinds or item.kind in kinds) and (after is None or position > after)
        ]
        page = asked[:limit]
        agenda = Agenda(
            owner_id=owner_id,
            day=today,
            items=[item for _, item in page],
            next_cursor=_cursor_of(page[-1][0]) if len(asked) > limit else None,
            more=len(asked) - len(page),
            counts=counts,
            total=len(items),
        )
        return agenda, owner.name

    async def _growth(self, owned: Sequence[AccountView]) -> list[AgendaItem]:
        """A healthy key account whose largest gap has no opportunity and that has no growth plan: room
        to grow, with what peers say that gap could bring."""
        healthy = [view.account for view in owned if view.account.tier == "key" and view.health.status == "green"]
        planned = await self.repository.growth_planned([account.id for account in healthy])
        candidates = [account for account in healthy if account.id not in planned]
        gaps = await self.whitespace.largest_gaps(candidates)
        return [
            AgendaItem(
                kind="growth",
                account_id=account.id,
                account_name=account.name,
                why=f"room to grow: {growth.offering.name} could bring {growth.estimate.amount} a year ({growth.why})",
                date=None,
                overdue=False,
                record_id=None,
            )
            for account in candidates
            if (growth := gaps.get(account.id)) is not None
        ]

    def _account_items(self, view: AccountView, today: date) -> list[AgendaItem]:
        account = view.account
        horizon = self.accounts.rules.agenda.review_horizon_days

        def item(kind: str, why: str, day: date | None, overdue: bool = False) -> AgendaItem:
            return AgendaItem.model_validate(
                {
                    "kind": kind,
                    "account_id": account.id,
                    "account_name": account.name,
                    "why": why,
                    "date": day,
                    "overdue": overdue,
                    "record_id": None,
                }
            )

        items = []
        due = view.next_review_due
        if view.review_overdue:
            items.append(
                item(
                    "review_overdue",
                    f"review overdue ({label('Cadence', view.cadence.name).lower()} reviews)",
                    due,
                    True,
                )
            )
        elif (due - today).days <= horizon:
            items.append(item("review_due", f"review due ({label('Cadence', view.cadence.name).lower()} reviews)", due))
        if view.health.status == "red":
            judged = view.facts.judged_at
            signals = ", ".join(label("SignalCode", signal.code).lower() for signal in view.health.signals)
            items.append(item("turned_red", f"health red: {signals}", judged.date() if judged else None))
        if view.promotion.candidate:
            items.append(item("promotion_candidate", "promotion candidate: " + "; ".join(view.promotion.reasons), None))
        return items

    async def _follow_ups(self, owner_id: uuid.UUID, today: date) -> list[AgendaItem]:
        """Open follow-ups of the owner's accounts due by the end of today."""
        end_of_day = datetime.combine(today + timedelta(days=1), time(), tzinfo=self.accounts.now.tzinfo)
        query = FollowUpListQuery(owner_id=owner_id, due_before=end_of_day, limit=MAX_LIMIT)
        rows, _ = await self.follow_ups.page_of(query, self.accounts.now)
        return [
            AgendaItem(
                kind="follow_up_due",
                account_id=row.account_id,
                account_name=row.account_name,
                why=f"follow-up promised{': ' + row.next_steps if row.next_steps else ''}",
                date=row.due_at.date(),
                overdue=row.due_at < self.accounts.now,
                record_id=row.id,
            )
            for row in rows
        ]

    async def calendar_entries(self, owner_id: uuid.UUID) -> list[Entry]:
        """The owner's next reviews, open follow-ups and open plan actions, as calendar events.
        A review already overdue is shown today, so it is not lost in the past."""
        now = self.accounts.now
        today = now.date()
        until = today + timedelta(days=CALENDAR_DAYS)
        owned = await self.accounts.views(
            await self.accounts.repository.get_many(await self.repository.owned_ids(owner_id))
        )
        entries = []
        for view in owned:
            account, due = view.account, view.next_review_due
            cadence = label("Cadence", view.cadence.name).lower()
            if view.review_overdue:
                summary, day = f"Review overdue: {account.name}", today
                description = f"The review of {account.name} was due on {due.isoformat()} ({cadence} reviews)."
            else:
                summary, day = f"Review: {account.name}", due
                description = f"The review of {account.name} is due ({cadence} reviews)."
            entries.append(Entry(uid("review", account.id), summary, description, day=day))
        end = datetime.combine(until, time(), tzinfo=now.tzinfo)
        for row in await self.repository.open_follow_ups(owner_id, end):
            promised = row.next_steps or "a next contact"
            late = " (late)" if row.due_at < now else ""
            entries.append(
                Entry(
                    uid("follow-up", row.id),
                    f"Follow up{late}: {row.account_name}",
                    f"Promised to {row.account_name}: {promised}",
                    at=row.due_at,
                )
            )
        for row in await self.repository.due_actions(owner_id, until):
            entries.append(
                Entry(
                    uid("action", row.id),
                    f"Plan action: {row.title}",
                    f"Plan action for {row.account_name}, due {row.due_date.isoformat()}.",
                    day=max(row.due_date, today),
                )
            )
        return entries


class CalendarLinks:
    """The caller's calendar link, and the feed a link opens (no other credential: the key is one)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.links = CalendarLinkRepository(session)

    async def renew(self, principal: Principal) -> tuple[CalendarLink, str]:
        """A new key for the caller's link (the old one stops working); the key is shown once."""
        minted = api_token_from(CALENDAR_KEY_PREFIX + secrets.token_urlsafe(32))
        link = await self.links.of_user(principal.user_id)
        if link is None:
            link = CalendarLink(user_id=principal.user_id, secret_hash=minted.secret_hash)
        else:
            link.secret_hash, link.last_used_at = minted.secret_hash, None
        return await self.links.save(link), minted.secret

    async def revoke(self, principal: Principal) -> None:
        link = await self.links.of_user(principal.user_id)
        if link is None:
            raise NotFound("You have no calendar link.")
        await self.links.delete(link)

    async def feed(self, key: str, now: datetime) -> bytes:
        found = (
            await self.links.by_hash(api_token_from(key).secret_hash) if key.startswith(CALENDAR_KEY_PREFIX) else None
        )
        if found is None:
            raise NotFound("No calendar link has this key: it was revoked or replaced. Ask for a new one.")
        link, user = found
        if link.last_used_at is None or now - link.last_used_at > timedelta(minutes=1):
            link.last_used_at = now
        rules = await RulesRepository(self.session).current()
        accounts = AccountService(self.session, rules, now, Principal(user_id=user.id, role=user.role))
        entries = await AgendaService(self.session, accounts).calendar_entries(user.id)
        return feed(user.name, entries, now)
