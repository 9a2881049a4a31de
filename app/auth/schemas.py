"""Bodies of the sign-in, refresh and password endpoints."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.plumbing.schemas import NO_NUL_PATTERN, WriteModel

# A password a user may set: long enough to resist guessing (argon2 does the rest).
MIN_PASSWORD_LENGTH = 12
Password = Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=200, pattern=NO_NUL_PATTERN)]


class AccessToken(BaseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer ...`; valid `expires_in` seconds.")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str = Field(description="Exchange once at `/v1/auth/refresh` for the next pair; keep it secret.")
    refresh_expires_in: int


class RefreshRequest(WriteModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(WriteModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: Password


class SignInMethods(BaseModel):
    """Which sign-ins this deployment offers, for the web app's sign-in page."""

    password: bool = Field(description="Email and password at `/v1/auth/token`.")
    single_sign_on: bool = Field(description="The identity provider, through `/v1/auth/oidc/start`.")


class OidcStart(BaseModel):
    authorization_url: str = Field(description="Send the browser here: the identity provider's sign-in page.")
    flow: str = Field(
        description="Keep it (in the page's session storage, never in a URL) and post it back with the code "
        "to `/v1/auth/oidc/token` within ten minutes."
    )


class OidcFinish(WriteModel):
    code: str = Field(min_length=1, max_length=4000, description="The `code` the provider's redirect carried.")
    state: str = Field(min_length=1, max_length=200, description="The `state` the provider's redirect carried.")
    flow: str = Field(min_length=1, max_length=4000, description="What `/v1/auth/oidc/start` answered as `flow`.")
