"""Web-app sessions: signing in with email and password (failed attempts counted and slowed down),
refresh tokens rotated on every use, signing out, and changing one's own password."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.credentials import (
    hash_api_token,
    hash_password_off_loop,
    issue_access_token,
    mint_refresh_token,
    verify_password_off_loop,
)
from app.auth.oidc import Identity
from app.auth.repository import AuthRepository
from app.models import AuditEntry, User
from app.settings import Settings

FAILURE_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str


@dataclass(frozen=True)
class SignInResult:
    tokens: TokenPair | None = None
    retry_after_seconds: int | None = None


class SessionService:
    """Issues and ends the tokens of web-app sessions. Nothing here raises for a refused attempt:
    the caller answers it, and what was recorded (a failure, a revoked family) still commits."""

    def __init__(self, session: AsyncSession, settings: Settings, signing_secret: str) -> None:
        self.session = session
        self.settings = settings
        self.signing_secret = signing_secret
        self.repository = AuthRepository(session)

    async def sign_in(
        self, email: str, password: str, address: str, now: datetime, request_id: str | None
    ) -> SignInResult:
        """Tokens for a right password; otherwise nothing, recorded (and refused while too many failed)."""
        refused = await self._refused_while_failing(email, address, now)
        if refused is not None:
            return refused
        user = await self.repository.user_by_email(email)
        # Verified even without a user, so the answer takes as long whether the email exists or not.
        password_ok = await verify_password_off_loop(password, user.password_hash if user else None)
        if user is not None and user.active and password_ok:
            return SignInResult(tokens=await self._issue(user, uuid.uuid4(), now))
        await self._record_failure(email, address, now, request_id, user)
        return SignInResult()

    async def sign_in_with_provider(
        self, identity: Identity, now: datetime, request_id: str | None
    ) -> TokenPair | None:
        """Tokens for the user with the provider's verified email (created with the configured role
        at its first sign-in, if one is configured); the sign-in is in the audit trail either way."""
        await self.repository.lock_email(identity.email)
        user = await self.repository.user_by_email(identity.email)
        role = self.settings.oidc_new_user_role
        created = user is None and role is not None
        if created:
            user = await self.repository.add_user(User(email=identity.email, name=identity.name, role=role))
        signed_in = user is not None and user.active
        changes = {
            "method": {"before": None, "after": "oidc"},
            "issuer": {"before": None, "after": identity.issuer},
            "subject": {"before": None, "after": identity.subject},
            "email": {"before": None, "after": identity.email},
        }
        if created:
            changes["created_with_role"] = {"before": None, "after": role}
        self.repository.add_audit_entry(
            AuditEntry(
                action="sign_in" if signed_in else "sign_in_failed",
                entity_type="user",
                entity_id=str(user.id) if user else None,
                actor_id=user.id if signed_in and user else None,
                changes=changes,
                request_id=request_id,
            )
        )
        if user is None or not signed_in:
            return None
        return await self._issue(user, uuid.uuid4(), now)

    async def refresh(self, refresh_secret: str, now: datetime) -> TokenPair | None:
        """The next tokens of the session whose latest refresh token this is. A token used before
        ends its whole family (it was copied); an expired, revoked or outdated one gets nothing."""
        token = await self.repository.refresh_token_for_update(hash_api_token(refresh_secret))
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            return None
        if token.used_at is not None:
            await self.repository.revoke_family(token.family_id, now)
            return None
        user = await self.repository.user(token.user_id)
        if user is None or not user.active or user.session_generation != token.session_generation:
            return None
        token.used_at = now
        return await self._issue(user, token.family_id, now)

    async def sign_out(self, user_id: uuid.UUID) -> None:
        """End every sign-in and refresh token the user holds."""
        user = await self.repository.user(user_id)
        if user is not None:
            end_sessions(user)

    async def change_password(
        self, user_id: uuid.UUID, current: str, new: str, address: str, now: datetime, request_id: str | None
    ) -> SignInResult:
        """Set a new password after checking the current one (counted like a sign-in, so it cannot be
        guessed through here either); every older session ends and this one gets fresh tokens."""
        user = await self.repository.user(user_id)
        assert user is not None  # the caller was authenticated as this user in this transaction
        refused = await self._refused_while_failing(user.email, address, now)
        if refused is not None:
            return refused
        if user.password_hash is None or not await verify_password_off_loop(current, user.password_hash):
            await self._record_failure(user.email, address, now, request_id, user)
            return SignInResult()
        user.password_hash = await hash_password_off_loop(new)
        end_sessions(user)
        await self.repository.save(user)
        return SignInResult(tokens=await self._issue(user, uuid.uuid4(), now))

    async def _refused_while_failing(self, email: str, address: str, now: datetime) -> SignInResult | None:
        await self.repository.lock_sign_in(email, address)
        window = timedelta(minutes=self.settings.sign_in_window_minutes)
        by_email, by_address = await self.repository.recent_failures(email, address, now - window)
        if (
            by_email >= self.settings.sign_in_max_failures_per_email
            or by_address >= self.settings.sign_in_max_failures_per_address
        ):
            return SignInResult(retry_after_seconds=int(window.total_seconds()))
        return None

    async def _record_failure(
        self, email: str, address: str, now: datetime, request_id: str | None, user: User | None
    ) -> None:
        await self.repository.record_failure(email, address, now - FAILURE_MEMORY)
        self.repository.add_audit_entry(
            AuditEntry(
                action="sign_in_failed",
                entity_type="user",
                entity_id=str(user.id) if user else None,
                changes={"email": {"before": None, "after": email}},
                request_id=request_id,
            )
        )

    async def _issue(self, user: User, family_id: uuid.UUID, now: datetime) -> TokenPair:
        refresh = mint_refresh_token()
        expires_at = now + timedelta(days=self.settings.refresh_token_days)
        await self.repository.add_refresh_token(user, family_id, refresh.secret_hash, expires_at)
        access = issue_access_token(
            user.id, user.session_generation, family_id, self.signing_secret, self.settings.access_token_minutes, now
        )
        return TokenPair(access_token=access, refresh_token=refresh.secret)


def end_sessions(user: User) -> None:
    """Every sign-in and refresh token issued to the user so far stops working."""
    user.session_generation += 1
