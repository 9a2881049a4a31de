"""Handing a leaving user's accounts and open work to a successor, in one transaction, so that no
relationship is left without an owner when someone leaves."""

import uuid
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import audit_context
from app.models import User
from app.plumbing.errors import Conflict, InvalidFields, NotFound
from app.users.repository import OWNED, OwnedWorkRepository, UserRepository
from app.users.schemas import HandoverCreate, HandoverRead, OpenWork

# Who may take over accounts and their work: anyone who writes.
SUCCESSOR_ROLES = ("kam", "manager", "admin")


class DeactivationBlocked(Conflict):
    title, slug = "The user still holds work", "deactivation-blocked"


class HandoverService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.work = OwnedWorkRepository(session)

    async def open_work(self, user_id: uuid.UUID) -> OpenWork:
        return OpenWork(**await self.work.counts(user_id))

    async def refuse_leaving_work_behind(self, user: User, leaving_as: str) -> None:
        """Deactivating a user, or making them a viewer, while they still hold accounts, open work or
        sponsorships would orphan it (a viewer writes nothing): a 409 naming it."""
        held = await self.open_work(user.id)
        if any(held.model_dump().values()):
            counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in held.model_dump().items())
            raise DeactivationBlocked(
                f"{user.name} still holds {counts}. Hand them over first (POST /v1/users/{user.id}/handover), "
                f"or {leaving_as} with ?handover_to=<successor id> to do both."
            )

    async def hand_over(self, from_user_id: uuid.UUID, data: HandoverCreate) -> HandoverRead:
        leaving = await self.users.get(from_user_id)
        if leaving is None:
            raise NotFound(f"No user with id {from_user_id}.")
        successor = await self.users.get(data.to_user_id)
        if successor is None or not successor.active or successor.role not in SUCCESSOR_ROLES:
            raise InvalidFields.one(["body", "to_user_id"], "the successor must be an active kam, manager or admin")
        if successor.id == leaving.id:
            raise InvalidFields.one(["body", "to_user_id"], "a user cannot hand over to themselves")
        # Every change below is audited with the reason.
        session = self.session.sync_session
        audit_context.set_context(session, replace(audit_context.get_context(session), reason=data.reason))

        moved: dict[str, list[uuid.UUID]] = {}
        for name, model in OWNED.items():
            records = await self.work.locked(model, leaving.id)
            for record in records:
                record.owner_id = successor.id
            moved[name] = [record.id for record in records]
        moved["team_memberships"] = await self._move_memberships(leaving.id, successor.id)
        sponsored = await self.work.locked_sponsorships(leaving.id)
        for account in sponsored:
            account.executive_sponsor_id = successor.id
        moved["sponsorships"] = [account.id for account in sponsored]
        await self.session.flush()
        return HandoverRead(
            from_user_id=leaving.id,
            to_user_id=successor.id,
            reason=data.reason,
            **moved,
            moved=OpenWork(**{name: len(ids) for name, ids in moved.items()}),
        )

    async def _move_memberships(self, leaving: uuid.UUID, successor: uuid.UUID) -> list[uuid.UUID]:
        """The successor takes the leaving user's place on each team; where already on it, the
        leaving user's membership just ends."""
        memberships = await self.work.memberships([leaving, successor])
        already = {member.account_id for member in memberships if member.user_id == successor}
        accounts = []
        for member in (member for member in memberships if member.user_id == leaving):
            if member.account_id in already:
                await self.work.delete(member)
            else:
                member.user_id = successor
            accounts.append(member.account_id)
        return accounts
