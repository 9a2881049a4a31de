"""``POST /v1/auth/token``: sign-in for the web app (OAuth2 password flow)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse

from app.auth.dependencies import signing_secret
from app.auth.schemas import AccessToken
from app.auth.service import sign_in
from app.db import SessionDep
from app.kit.errors import problem_response, problems

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/token", name="auth_token_create", responses=problems(400, 401, 422, 429))
async def create_access_token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=320, description="The user's email.")],
    password: Annotated[str, Form(max_length=1000)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> AccessToken:
    """Exchange email and password for a short-lived bearer token. Failures are answered alike
    whether the email exists or not, recorded in the audit trail, and slowed down when repeated."""
    settings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    result = await sign_in(
        session,
        settings,
        await signing_secret(request, session),
        username.strip(),
        password,
        address,
        datetime.now(UTC),
        getattr(request.state, "request_id", None),
    )
    if result.retry_after_seconds is not None:
        return problem_response(
            request,
            429,
            "Too many failed sign-ins",
            "too-many-requests",
            "Too many failed sign-ins for this email or address; try again later.",
            headers={"Retry-After": str(result.retry_after_seconds)},
        )
    if result.token is None:
        # Returned, not raised: the failure and its audit entry must commit.
        return problem_response(
            request,
            401,
            "Not authenticated",
            "unauthorized",
            "Wrong email or password.",
            headers={"WWW-Authenticate": 'Bearer realm="kam"'},
        )
    return JSONResponse(
        AccessToken(access_token=result.token, expires_in=settings.access_token_minutes * 60).model_dump(),
        headers={"Cache-Control": "no-store"},
    )
