"""Signing in with email and password, with failed attempts counted and slowed down."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.recorder import AuditContext, entry
from app.auth.credentials import issue_access_token, verify_password
from app.auth.repository import AuthRepository
from app.config import Settings

FAILURE_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class SignInResult:
    token: str | None = None
    retry_after_seconds: int | None = None


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    signing_secret: str,
    email: str,
    password: str,
    address: str,
    now: datetime,
    request_id: str | None,
) -> SignInResult:
    """A token for a right password; otherwise nothing, recorded (and refused while too many failed)."""
    repository = AuthRepository(session)
    window = timedelta(minutes=settings.sign_in_window_minutes)
    by_email, by_address = await repository.recent_failures(email, address, now - window)
    if by_email >= settings.sign_in_max_failures_per_email or by_address >= settings.sign_in_max_failures_per_address:
        return SignInResult(retry_after_seconds=int(window.total_seconds()))

    user = await repository.user_by_email(email)
    # Verified even without a user, so the answer takes as long whether the email exists or not.
    password_ok = verify_password(password, user.password_hash if user else None)
    if user is not None and user.active and password_ok:
        return SignInResult(token=issue_access_token(user.id, signing_secret, settings.access_token_minutes, now))

    await repository.record_failure(email, address, now - FAILURE_MEMORY)
    context = AuditContext(actor_id=None, request_id=request_id)
    session.add(
        entry(
            context,
            "sign_in_failed",
            "user",
            str(user.id) if user else None,
            {"email": {"before": None, "after": email}},
        )
    )
    return SignInResult()
