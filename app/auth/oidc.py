"""Single sign-on with an OpenID Connect provider (Entra ID, Okta, Google, Keycloak...).

The provider is found by its discovery document; its signing keys (JWKS) are fetched when first
needed, kept, and fetched again when a token names a key not among them (the provider rotated).
A token of the provider is accepted when its signature verifies against those keys and its issuer,
audience (the service's client id) and expiry hold; it names a user by its email, if the provider
says the email is verified.

The code flow runs with PKCE, statelessly: ``start`` gives the browser the provider's URL and a
*flow* token (signed by the service, holding the state, the nonce and the code verifier) that the
web app keeps and posts back with the code. The verifier never travels in a URL, and a code taken
from the redirect is useless without the flow token.
"""

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt as pyjwt
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from app.plumbing.errors import ServiceUnavailable, Unauthorized
from app.settings import Settings

# The provider's algorithms this service accepts (never "none", never a shared secret).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
DISCOVERY_TTL_SECONDS = 3600
# Keys are fetched again for an unknown key id at most this often: a flood of forged tokens cannot
# turn into a flood of requests to the provider.
JWKS_REFRESH_SECONDS = 60
LEEWAY_SECONDS = 60
FLOW_MINUTES = 10
HTTP_TIMEOUT_SECONDS = 10.0
_FLOW_AUDIENCE = "kam-oidc-flow"


class ProviderUnavailable(ServiceUnavailable):
    """The provider's discovery document, keys or token endpoint did not answer as they should: a 503."""

    title, slug = "The identity provider did not answer", "identity-provider-unavailable"

    def __init__(self, why: str) -> None:
        super().__init__(f"The identity provider did not answer: {why}.")


class RefusedToken(Unauthorized):
    """A token or a code the provider did not vouch for: a 401 that says why."""

    title, slug = "Sign-in through the identity provider refused", "sign-in-refused"

    def __init__(self, why: str) -> None:
        super().__init__(
            f"The identity provider's sign-in is refused: {why}.",
            headers={"WWW-Authenticate": 'Bearer realm="kam", error="invalid_token"'},
        )


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class Started:
    authorization_url: str
    flow: str


class Provider:
    """One configured provider, per process: its discovery document and keys, cached."""

    def __init__(self, settings: Settings) -> None:
        assert settings.oidc_discovery_url is not None and settings.oidc_client_id is not None
        self.settings = settings
        self.discovery_url = settings.oidc_discovery_url
        self.client_id = settings.oidc_client_id
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0
        self._lock = asyncio.Lock()

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata_at > DISCOVERY_TTL_SECONDS:
            document = await _get_json(self.discovery_url)
            if not all(isinstance(document.get(key), str) for key in ("issuer", "jwks_uri")):
                raise ProviderUnavailable("the discovery document lacks issuer or jwks_uri")
            self._metadata, self._metadata_at = document, time.monotonic()
        return self._metadata

    async def issuer(self) -> str:
        return str((await self.metadata())["issuer"])

    async def _key_set(self, *, again: bool = False) -> KeySet:
        async with self._lock:
            stale = again and time.monotonic() - self._keys_at > JWKS_REFRESH_SECONDS
            if self._keys is None or stale:
                document = await _get_json(str((await self.metadata())["jwks_uri"]))
                try:
                    self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
                except (JoseError, ValueError, TypeError, KeyError) as error:
                    raise ProviderUnavailable(f"the provider's keys could not be read: {error}") from error
                self._keys_at = time.monotonic()
            return self._keys

    async def verify(self, token: str, *, nonce: str | None = None) -> Identity:
        """The identity a provider's token (an ID token, or a JWT access token for this client)
        vouches for; RefusedToken when it does not."""
        issuer = await self.issuer()
        try:
            try:
                decoded = jwt.decode(token, await self._key_set(), algorithms=ALGORITHMS)
            except InvalidKeyIdError:  # a key the provider added since its keys were read
                decoded = jwt.decode(token, await self._key_set(again=True), algorithms=ALGORITHMS)
        except (JoseError, ValueError) as error:
            raise RefusedToken(f"the token's signature does not verify ({error})") from error
        claims = decoded.claims
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": self.client_id},
            "exp": {"essential": True},
            "sub": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        try:
            jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, **options).validate(claims)
        except JoseError as error:
            raise RefusedToken(f"the token's claims do not hold: {error.description or error.error}") from error
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise RefusedToken("the token carries no email")
        if claims.get(self.settings.oidc_email_verified_claim) not in (True, "true"):
            raise RefusedToken(
                f"the provider does not say the email is verified ({self.settings.oidc_email_verified_claim})"
            )
        name = claims.get("name")
        return Identity(
            issuer=issuer,
            subject=str(claims["sub"]),
            email=email.strip().lower(),
            name=name.strip()[:200] if isinstance(name, str) and name.strip() else email.split("@")[0],
        )

    async def start(self, signing_secret: str) -> Started:
        """The provider's authorization URL for a new sign-in, and the flow token that finishes it."""
        metadata = await self.metadata()
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        url = prepare_grant_uri(
            str(metadata["authorization_endpoint"]),
            client_id=self.client_id,
            response_type="code",
            redirect_uri=self.settings.oidc_redirect_uri,
            scope=self.settings.oidc_scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        now = int(time.time())
        flow = pyjwt.encode(
            {
                "aud": _FLOW_AUDIENCE,
                "iat": now,
                "exp": now + FLOW_MINUTES * 60,
                "st": state,
                "nn": nonce,
                "cv": verifier,
            },
            signing_secret,
            algorithm="HS256",
        )
        return Started(authorization_url=url, flow=flow)

    async def finish(self, code: str, state: str, flow: str, signing_secret: str) -> Identity:
        """Exchange the code for the provider's ID token, with the verifier the flow token holds, and
        check it: the state must be the flow's, the ID token's nonce too."""
        try:
            kept = pyjwt.decode(flow, signing_secret, algorithms=["HS256"], audience=_FLOW_AUDIENCE)
        except pyjwt.InvalidTokenError as error:
            raise RefusedToken("the sign-in's flow token is invalid or older than ten minutes; start again") from error
        if not secrets.compare_digest(str(kept.get("st", "")), state):
            raise RefusedToken("the state does not match the sign-in's; start again")
        answer = await self._redeem(code, str(kept["cv"]))
        id_token = answer.get("id_token")
        if not isinstance(id_token, str):
            raise RefusedToken("the provider answered without an ID token")
        return await self.verify(id_token, nonce=str(kept["nn"]))

    async def _redeem(self, code: str, verifier: str) -> dict[str, Any]:
        """The token endpoint's answer to the code (RFC 6749 4.1.3, with RFC 7636's verifier); the
        client authenticates with its secret in the body, or not at all as a public client."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.oidc_redirect_uri or "",
            "client_id": self.client_id,
            "code_verifier": verifier,
        }
        if self.settings.oidc_client_secret is not None:
            form["client_secret"] = self.settings.oidc_client_secret.get_secret_value()
        endpoint = str((await self.metadata())["token_endpoint"])
        try:
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, trust_env=False) as client:
                response = await client.post(endpoint, data=form, headers={"Accept": "application/json"})
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"the token endpoint did not answer with JSON: {error}") from error
        if not isinstance(answer, dict):
            raise ProviderUnavailable("the token endpoint did not answer with a JSON object")
        if response.status_code != 200:
            said = answer.get("error_description") or answer.get("error") or f"HTTP {response.status_code}"
            raise RefusedToken(f"the provider refused the code: {said}")
        return answer


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, trust_env=False) as client:
            response = await client.get(url)
            response.raise_for_status()
            document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"{url} did not answer with JSON: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} did not answer with a JSON object")
    return document


def peek_issuer(token: str) -> str | None:
    """The unverified issuer of a JWT, to tell the provider's tokens from the service's own."""
    try:
        claims = pyjwt.decode(token, options={"verify_signature": False})
    except pyjwt.InvalidTokenError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None
