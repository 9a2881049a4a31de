"""What every request meets first, in one ASGI middleware: a request id that logs and problem bodies
carry, the refusal of NUL characters in the path and query string and of bodies over the size
limit, and the security headers on every answer. One layer rather than four: each layer costs every
request a call and a wrapped ``send``."""

import re
import uuid
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.plumbing.errors import FieldError, InvalidFields, problem_response

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,100}")
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode()


class EdgeMiddleware:
    """- takes the caller's ``X-Request-ID`` when it is sane, or makes one, and echoes it on the response;
    - refuses request bodies over ``max_bytes`` with a 413 problem, announced or streamed (Starlette's
      own limiter answers in plain text; this one keeps every error in problem+json);
    - refuses a NUL character anywhere in the path or the query string with a 422 naming where:
      PostgreSQL text cannot hold NUL, so a NUL reaching a query would be a database error; refusing
      it here, before any route runs, makes that impossible for every parameter, present and future
      (bodies are checked by their schemas: ``WriteModel`` and ``text_field``);
    - answers a ``GET`` whose ``If-None-Match`` names the ETag the answer carries with ``304 Not
      Modified`` and no body: a web app re-reading a record it holds gets the answer in a few bytes;
    - sends ``X-Content-Type-Options: nosniff`` on every response, so no browser guesses a JSON body
      into something it runs, and ``Cache-Control: no-store`` on the API's answers (unless a route set
      its own), so no proxy or browser cache keeps a user's data;
    - sends an empty ``Server`` header: granian names itself in that header unless the app sends one,
      and cannot be told to leave it out (the name of the server software helps only an attacker).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> HTTPException:
        return HTTPException(413, f"The request body is larger than the limit of {self.max_bytes} bytes.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        declared = ""
        held = ""
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_NAME and not incoming:
                incoming = value.decode("latin-1")
            elif name == b"content-length" and not declared:
                declared = value.decode("latin-1")
            elif name == b"if-none-match" and scope["method"] == "GET":
                held = value.decode("latin-1")
        not_modified = False
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        api = scope.get("path", "").startswith("/v1/")

        async def send_with_headers(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                if held and message["status"] == 200 and _unchanged(held, headers):
                    not_modified = True
                    message["status"] = 304
                    headers[:] = [(n, v) for n, v in headers if n.lower() not in _BODY_HEADERS]
                headers.append((_REQUEST_ID_NAME, request_id.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"server", b""))
                if api and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
            elif not_modified:
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        errors = _nul_errors(scope)
        if errors:
            names = ", ".join(".".join(str(part) for part in error.loc) for error in errors)
            response = problem_response(
                Request(scope),
                422,
                InvalidFields.title,
                InvalidFields.slug,
                f"Invalid fields: {names}",
                errors=errors,
            )
            await response(scope, receive, send_with_headers)
            return
        if declared.isdigit() and int(declared) > self.max_bytes:
            error = self._too_large()
            response = problem_response(Request(scope), 413, "Request body too large", "too-large", error.detail)
            await response(scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing to the problem+json handler.
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send_with_headers)


_BODY_HEADERS = {b"content-length", b"content-type"}


def _unchanged(held: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the answer's ETag is one the client holds (``If-None-Match`` compares weakly)."""
    current = next((value.decode("latin-1") for name, value in headers if name.lower() == b"etag"), None)
    if current is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in held.split(",")}
    return "*" in tags or current.removeprefix("W/") in tags


_NUL_MESSAGE = "may not contain NUL characters"


def _nul_errors(scope: Scope) -> list[FieldError]:
    errors = []
    if "\x00" in scope.get("path", ""):
        errors.append(FieldError(loc=["path"], msg=_NUL_MESSAGE, type="value_error"))
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or "\x00" in query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                errors.append(FieldError(loc=["query", name.replace("\x00", "")], msg=_NUL_MESSAGE, type="value_error"))
    return errors
