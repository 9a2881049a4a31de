"""The first admin: from ``kam create-admin``, or from ``KAM_BOOTSTRAP_ADMIN_TOKEN`` on an empty service."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.credentials import api_token_from, hash_password_off_loop, is_api_token
from app.models import User
from app.plumbing.errors import Conflict
from app.plumbing.transactions import transaction
from app.settings import Settings
from app.tokens.service import issue_token
from app.users.repository import UserRepository

BOOTSTRAP_TOKEN_NAME = "bootstrap"


async def create_admin(
    session: AsyncSession, email: str, name: str, token_secret: str | None = None, password: str | None = None
) -> str:
    """Create an admin with an API token (and a password for the web app, if given); return the token's secret."""
    repository = UserRepository(session)
    password_hash = await hash_password_off_loop(password) if password else None
    user = await repository.save(User(email=email, name=name, role="admin", password_hash=password_hash))
    minted = api_token_from(token_secret) if token_secret else None
    _token, secret = await issue_token(session, user, BOOTSTRAP_TOKEN_NAME, None, minted)
    return secret


async def bootstrap_admin(factory: async_sessionmaker[AsyncSession], settings: Settings) -> bool:
    """With a bootstrap token configured and no user at all, create the admin it belongs to."""
    if settings.bootstrap_admin_token is None:
        return False
    secret = settings.bootstrap_admin_token.get_secret_value()
    if not is_api_token(secret):
        raise ValueError("KAM_BOOTSTRAP_ADMIN_TOKEN must start with 'kam_' and be at least 24 characters long")
    async with transaction(factory) as session:
        # Several workers start at once; one creates the admin, the others then find a user.
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('kam-bootstrap-admin'))"))
        if await UserRepository(session).count() > 0:
            return False
        try:
            await create_admin(session, settings.bootstrap_admin_email, "Administrator", secret)
        except Conflict:
            return False
    return True


async def has_users(factory: async_sessionmaker[AsyncSession]) -> bool:
    async with factory() as session:
        return await UserRepository(session).count() > 0
