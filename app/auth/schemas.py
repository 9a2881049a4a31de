"""Bodies of the sign-in endpoint."""

from pydantic import BaseModel


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
