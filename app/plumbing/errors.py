"""RFC 9457 problem details: one error hierarchy and the handlers that write every error the same way."""

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.plumbing.allowed_methods import allowed_methods
from app.plumbing.schemas import UNSTORABLE_ERROR_TYPES

PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem details body."""

    type: str = Field(
        description="Where this kind of problem is documented (`problem_type_base` and `code`), or "
        "about:blank when the deployment names no such page.",
        examples=["https://kam.example.com/docs/problems.html#duplicate-external-id", "about:blank"],
    )
    code: str = Field(
        description="The cause, one per kind of problem, for a program to act on: `duplicate-external-id`, "
        "`stale-version`, `policy-exceptions-unapproved`... (listed in the docs).",
        examples=["duplicate-external-id"],
    )
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    existing_id: uuid.UUID | None = Field(
        default=None, description="A duplicate external_id: the record holding it, when the caller may see it."
    )


class AppError(Exception):
    status = 500
    title = "Internal server error"
    slug = "internal"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        existing_id: uuid.UUID | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.existing_id = existing_id


class BadRequest(AppError):
    status, title, slug = 400, "Malformed request", "malformed"


class Unauthorized(AppError):
    status, title, slug = 401, "Not authenticated", "unauthorized"


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class RuleViolation(Conflict):
    title, slug = "Refused by a business rule", "rule-violation"


# Conflicts every domain meets, one type per cause.
class DuplicateExternalId(Conflict):
    title, slug = "External id already held", "duplicate-external-id"


class AccountArchived(Conflict):
    title, slug = "The account is archived", "account-archived"


class WrittenAtOnce(Conflict):
    title, slug = "Written by another request at the same time", "written-at-once"


class IdempotencyKeyReused(Conflict):
    title, slug = "Idempotency-Key used with another request", "idempotency-key-reused"


class IdempotencyKeyInProgress(Conflict):
    title, slug = "Idempotency-Key still being processed", "idempotency-key-in-progress"


class PreconditionFailed(AppError):
    status, title, slug = 412, "Precondition failed", "stale-version"


class ServiceUnavailable(AppError):
    status, title, slug = 503, "Service unavailable", "unavailable"


class InvalidFields(AppError):
    status, title, slug = 422, "Invalid fields", "invalid-fields"

    @classmethod
    def one(cls, loc: list[str | int], msg: str, type_: str = "value_error") -> "InvalidFields":
        return cls(msg, errors=[FieldError(loc=loc, msg=msg, type=type_)])


_STATUS_SLUGS = {
    400: (BadRequest.title, BadRequest.slug),
    401: (Unauthorized.title, Unauthorized.slug),
    403: (Forbidden.title, Forbidden.slug),
    404: (NotFound.title, NotFound.slug),
    405: ("Method not allowed", "method-not-allowed"),
    406: ("Not acceptable", "not-acceptable"),
    409: (Conflict.title, Conflict.slug),
    412: (PreconditionFailed.title, PreconditionFailed.slug),
    413: ("Request body too large", "too-large"),
    415: ("Unsupported media type", "unsupported-media-type"),
    422: (InvalidFields.title, InvalidFields.slug),
    429: ("Too many requests", "too-many-requests"),
    503: (ServiceUnavailable.title, ServiceUnavailable.slug),
}


STATUS_TITLES = {status: title for status, (title, _slug) in _STATUS_SLUGS.items()}


def _problem(
    request: Request | None,
    status: int,
    title: str,
    slug: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    existing_id: uuid.UUID | None = None,
) -> Problem:
    settings = getattr(request.app.state, "settings", None) if request is not None else None
    base = getattr(settings, "problem_type_base", None)
    return Problem(
        type=f"{base}{slug}" if base else "about:blank",
        code=slug,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        request_id=getattr(request.state, "request_id", None) if request is not None else None,
        errors=errors,
        existing_id=existing_id,
    )


def problem_of(request: Request | None, error: AppError) -> Problem:
    """The problem an error is answered with, as a body to place inside another answer."""
    return _problem(
        request, error.status, error.title, error.slug, error.detail, errors=error.errors, existing_id=error.existing_id
    )


def problem_response(
    request: Request | None,
    status: int,
    title: str,
    slug: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    existing_id: uuid.UUID | None = None,
) -> JSONResponse:
    body = _problem(request, status, title, slug, detail, errors=errors, existing_id=existing_id)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _full_loc(error: Mapping[str, Any]) -> tuple[Any, ...]:
    """The error's loc; for unstorable text found inside a body, down to the field that holds it."""
    inner = (error.get("ctx") or {}).get("location", []) if error.get("type") in UNSTORABLE_ERROR_TYPES else []
    return (*error.get("loc", ()), *inner)


def _loc(raw: tuple[Any, ...]) -> list[str | int]:
    # A key may hold a lone surrogate: named escaped, as JSON would write it, so the answer encodes.
    return [part if isinstance(part, int) else str(part).encode("utf-8", "backslashreplace").decode() for part in raw]


def field_errors(raw_errors: Iterable[Mapping[str, Any]], prefix: tuple[str | int, ...] = ()) -> list[FieldError]:
    """Pydantic's validation errors as the problem's ``errors``, each loc under ``prefix``."""
    return [
        FieldError(
            loc=_loc((*prefix, *_full_loc(error))), msg=str(error.get("msg", "")), type=str(error.get("type", ""))
        )
        for error in raw_errors
    ]


def invalid_fields_detail(errors: list[FieldError]) -> str:
    return "Invalid fields: " + ", ".join(".".join(str(part) for part in error.loc) for error in errors)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request,
        exc.status,
        exc.title,
        exc.slug,
        exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        existing_id=exc.existing_id,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw_errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in raw_errors):
        detail = "; ".join(str(error.get("msg")) for error in raw_errors if error.get("type") == "json_invalid")
        return problem_response(
            request, 400, BadRequest.title, BadRequest.slug, f"The body is not valid JSON: {detail}"
        )
    errors = field_errors(raw_errors)
    return problem_response(
        request, 422, InvalidFields.title, InvalidFields.slug, invalid_fields_detail(errors), errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title, slug = _STATUS_SLUGS.get(exc.status_code, ("Error", "error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = allowed_methods(request.app.router.routes, request.url.path)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed here; this path allows {', '.join(allowed)}."
    return problem_response(request, exc.status_code, title, slug, detail, headers=headers)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception(
        "unhandled error on %s %s (request %s)",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", None),
    )
    return problem_response(
        request, 500, AppError.title, AppError.slug, "An unexpected error occurred; it has been logged."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, unexpected_error)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem statuses a route can answer, so SDKs know the error shape."""
    return {
        status: {
            "model": Problem,
            "description": _STATUS_SLUGS[status][0],
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
