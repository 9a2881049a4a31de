"""User administration: create, change, deactivate; never losing the last admin."""

import uuid

from app.auth.credentials import hash_password_off_loop
from app.auth.service import end_sessions
from app.models import User
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import Conflict, NotFound
from app.plumbing.pagination import PageRequest
from app.users.handover import HandoverService
from app.users.repository import UserRepository
from app.users.schemas import HandoverCreate, UserCreate, UserListQuery, UserUpdate


class LastAdmin(Conflict):
    title, slug = "The last active admin", "last-admin"


class UserService:
    def __init__(self, repository: UserRepository, handovers: HandoverService) -> None:
        self.repository = repository
        self.handovers = handovers

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User:
        user = await self.repository.get(user_id, for_update=for_update)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        return user

    async def list_page(self, query: UserListQuery) -> tuple[list[User], str | None]:
        return await self.repository.list_page(query, PageRequest.of(query, query.sort))

    async def create(self, data: UserCreate) -> User:
        user = User(
            email=str(data.email),
            name=data.name,
            role=data.role,
            active=data.active,
            password_hash=await hash_password_off_loop(data.password) if data.password else None,
        )
        return await self.repository.save(user)

    async def update(
        self,
        user_id: uuid.UUID,
        data: UserUpdate,
        expected: ExpectedVersion | None,
        handover_to: uuid.UUID | None = None,
    ) -> User:
        """Change the user. Deactivating one who still holds accounts or open work is refused unless
        ``handover_to`` names the successor, who then takes it all in the same transaction."""
        user = await self.get(user_id, for_update=True)
        check_version(expected, user.version)
        changes = data.model_dump(exclude_unset=True)
        deactivated = changes.get("active") is False and user.active
        # A viewer writes nothing: what it owned or sponsored would be held by no one who can act on it.
        made_viewer = changes.get("role") == "viewer" and user.role != "viewer"
        if deactivated or made_viewer:
            leaving_as = "deactivate" if deactivated else "change the role"
            if handover_to is None:
                await self.handovers.refuse_leaving_work_behind(user, leaving_as)
            else:
                reason = f"{user.name} deactivated" if deactivated else f"{user.name} became a viewer"
                await self.handovers.hand_over(user.id, HandoverCreate(to_user_id=handover_to, reason=reason))
        if "password" in changes:
            password = changes.pop("password")
            user.password_hash = await hash_password_off_loop(password) if password else None
            end_sessions(user)
        if changes.get("active") is False and user.active:
            end_sessions(user)
        losing_admin = (
            user.role == "admin"
            and user.active
            and (changes.get("role", "admin") != "admin" or changes.get("active", True) is False)
        )
        if losing_admin and await self.repository.active_admins() <= 1:
            raise LastAdmin("This is the last active admin; make another admin first.")
        for field, value in changes.items():
            setattr(user, field, str(value) if field == "email" else value)
        return await self.repository.save(user)

    async def deactivate(
        self, user_id: uuid.UUID, expected: ExpectedVersion | None, handover_to: uuid.UUID | None = None
    ) -> None:
        await self.update(user_id, UserUpdate(active=False), expected, handover_to)
