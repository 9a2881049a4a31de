"""A local OpenID Connect provider for the tests, on 127.0.0.1: discovery, JWKS, an authorization
endpoint that signs the configured user in at once, and a token endpoint that checks the code, the
client and the PKCE verifier as a real provider does."""

import base64
import contextlib
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "kam-service"
CLIENT_SECRET = "local-provider-secret"


@dataclass
class LocalProvider:
    url: str
    keys: list[RSAKey] = field(default_factory=list)
    # Who the authorization endpoint signs in, as claims of the ID token.
    user: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    jwks_fetches: int = 0
    # Paths answering a 500 with no JSON, as a provider having a bad day.
    broken: set[str] = field(default_factory=set)

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def new_key(self) -> RSAKey:
        key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4), "use": "sig", "alg": "RS256"})
        self.keys.append(key)
        return key

    def token(self, key: RSAKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "sub": "subject-1", **claims}
        signing = key or self.keys[-1]
        return jwt.encode({"alg": "RS256", "kid": signing.kid}, body, signing)

    def jwks(self) -> dict[str, Any]:
        return KeySet(self.keys).as_dict(private=False)


def _handler(provider: LocalProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _down(self) -> bool:
            if urlparse(self.path).path not in provider.broken:
                return False
            self.send_response(500)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"down")
            return True

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if self._down():
                return
            if url.path == "/.well-known/openid-configuration":
                self._json(
                    200,
                    {
                        "issuer": provider.url,
                        "authorization_endpoint": f"{provider.url}/authorize",
                        "token_endpoint": f"{provider.url}/token",
                        "jwks_uri": f"{provider.url}/jwks",
                        "response_types_supported": ["code"],
                        "code_challenge_methods_supported": ["S256"],
                    },
                )
            elif url.path == "/jwks":
                provider.jwks_fetches += 1
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                self.send_response(302)
                self.send_header(
                    "Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                )
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if self._down():
                return
            form = {
                name: values[0]
                for name, values in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()
            }
            asked = provider.codes.pop(form.get("code", ""), None)
            if asked is None or form.get("client_secret") != CLIENT_SECRET or form.get("client_id") != CLIENT_ID:
                self._json(400, {"error": "invalid_grant"})
                return
            challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
            if (
                challenge.rstrip(b"=").decode() != asked.get("code_challenge")
                or asked.get("code_challenge_method") != "S256"
            ):
                self._json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                return
            id_token = provider.token(nonce=asked["nonce"], **provider.user)
            self._json(200, {"access_token": "opaque", "token_type": "Bearer", "expires_in": 300, "id_token": id_token})

    return Handler


@contextlib.contextmanager
def local_provider() -> Iterator[LocalProvider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    provider = LocalProvider(url=f"http://127.0.0.1:{server.server_address[1]}")
    provider.new_key()
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
