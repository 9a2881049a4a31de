"""Web-app sessions: sign-in (OAuth2 password flow, or the identity provider's code flow), refresh,
sign-out and changing one's password."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import ConfiguredProvider, CurrentPrincipal, identity_provider, signing_secret
from app.auth.schemas import AccessToken, OidcFinish, OidcStart, PasswordChange, RefreshRequest, SignInMethods
from app.auth.service import SessionService, SignInResult, TokenPair
from app.db import SessionDep
from app.plumbing.errors import FieldError, Forbidden, InvalidFields, problem_response, problems
from app.plumbing.schemas import NO_NUL_PATTERN
from app.settings import Settings

router = APIRouter(tags=["auth"])

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="kam"'}


async def session_service(request: Request, session: SessionDep) -> SessionService:
    return SessionService(session, request.app.state.settings, await signing_secret(request))


Service = Annotated[SessionService, Depends(session_service)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _tokens(settings: Settings, pair: TokenPair) -> JSONResponse:
    body = AccessToken(
        access_token=pair.access_token,
        expires_in=settings.access_token_minutes * 60,
        refresh_token=pair.refresh_token,
        refresh_expires_in=settings.refresh_token_days * 24 * 3600,
    )
    return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store"})


def _answer(request: Request, result: SignInResult, refusal: str, *, refused_field: str | None = None) -> JSONResponse:
    # Refusals are returned, not raised: the failure and its audit entry must commit.
    if result.retry_after_seconds is not None:
        return problem_response(
            request,
            429,
            "Too many failed sign-ins",
            "too-many-requests",
            "Too many failed sign-ins for this email or address; try again later.",
            headers={"Retry-After": str(result.retry_after_seconds)},
        )
    if result.tokens is None and refused_field is not None:
        errors = [FieldError(loc=["body", refused_field], msg=refusal, type="value_error")]
        return problem_response(request, 422, InvalidFields.title, InvalidFields.slug, refusal, errors=errors)
    if result.tokens is None:
        return problem_response(request, 401, "Not authenticated", "unauthorized", refusal, headers=_UNAUTHORIZED)
    return _tokens(request.app.state.settings, result.tokens)


@router.get("/v1/auth/methods", name="auth_methods_get")
async def sign_in_methods(request: Request) -> SignInMethods:
    """Which sign-ins this deployment offers; no credentials needed."""
    settings: Settings = request.app.state.settings
    return SignInMethods(password=settings.password_sign_in, single_sign_on=identity_provider(request) is not None)


@router.post("/v1/auth/oidc/start", name="auth_oidc_flow_create", responses=problems(404, 503))
async def start_single_sign_on(request: Request, provider: ConfiguredProvider) -> OidcStart:
    """Begin a sign-in through the identity provider (the code flow with PKCE): send the browser to
    `authorization_url`; the provider sends it back to the web app with a code and a state."""
    started = await provider.start(await signing_secret(request))
    return OidcStart(authorization_url=started.authorization_url, flow=started.flow)


@router.post("/v1/auth/oidc/token", name="auth_oidc_token_create", responses=problems(400, 401, 404, 422, 503))
async def finish_single_sign_on(
    request: Request, payload: OidcFinish, provider: ConfiguredProvider, service: Service
) -> AccessToken:
    """Finish a sign-in through the identity provider: the code is exchanged (with the PKCE
    verifier the flow holds), the provider's ID token checked, and its verified email names the
    user (created with `KAM_OIDC_NEW_USER_ROLE` at its first sign-in, if set). Answers the same
    tokens as `/v1/auth/token`; the sign-in is in the audit trail."""
    identity = await provider.finish(payload.code, payload.state, payload.flow, service.signing_secret)
    pair = await service.sign_in_with_provider(identity, datetime.now(UTC), getattr(request.state, "request_id", None))
    refusal = f"No active user has the email {identity.email}; an admin can create one."
    return _answer(request, SignInResult(tokens=pair), refusal)  # type: ignore[return-value]


@router.post("/v1/auth/token", name="auth_token_create", responses=problems(400, 401, 403, 422, 429))
async def create_access_token(
    request: Request,
    service: Service,
    username: Annotated[str, Form(max_length=320, pattern=NO_NUL_PATTERN, description="The user's email.")],
    password: Annotated[str, Form(max_length=1000, pattern=NO_NUL_PATTERN)],
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> AccessToken:
    """Exchange email and password for a short-lived bearer token and a refresh token. Failures are
    answered alike whether the email exists or not, recorded in the audit trail, and slowed down when
    repeated. A 403 where the deployment turned password sign-in off (`KAM_PASSWORD_SIGN_IN=false`)."""
    if not request.app.state.settings.password_sign_in:
        raise Forbidden("Password sign-in is turned off here; sign in through the identity provider.")
    result = await service.sign_in(
        username.strip(), password, _address(request), datetime.now(UTC), getattr(request.state, "request_id", None)
    )
    return _answer(request, result, "Wrong email or password.")  # type: ignore[return-value]


@router.post("/v1/auth/refresh", name="auth_token_refresh", responses=problems(400, 401, 422))
async def refresh_access_token(request: Request, payload: RefreshRequest, service: Service) -> AccessToken:
    """Exchange a refresh token for the next pair. Each refresh token works once; presenting one
    already used ends its whole session (it was copied), as do signing out and a new password."""
    pair = await service.refresh(payload.refresh_token, datetime.now(UTC))
    return _answer(  # type: ignore[return-value]
        request, SignInResult(tokens=pair), "The refresh token is invalid, expired, used or revoked; sign in again."
    )


@router.post("/v1/auth/logout", name="auth_logout", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401))
async def sign_out(principal: CurrentPrincipal, service: Service) -> Response:
    """End every sign-in and refresh token of the caller (on every device). API tokens stay valid."""
    await service.sign_out(principal.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/v1/users/me/password", name="me_password_change", responses=problems(400, 401, 422, 429))
async def change_password(
    request: Request, payload: PasswordChange, principal: CurrentPrincipal, service: Service
) -> AccessToken:
    """Change the caller's password. The current password is checked (and its failures counted like
    sign-ins); every earlier sign-in and refresh token ends, and the answer is a fresh pair."""
    result = await service.change_password(
        principal.user_id,
        payload.current_password,
        payload.new_password,
        _address(request),
        datetime.now(UTC),
        getattr(request.state, "request_id", None),
    )
    return _answer(  # type: ignore[return-value]
        request, result, "This is not your current password.", refused_field="current_password"
    )
