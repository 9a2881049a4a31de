"""``/v1/reviews``: internal account reviews; the latest restarts the cadence clock."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers
from app.reviews.schemas import ReviewCreate, ReviewListQuery, ReviewRead, ReviewUpdate
from app.reviews.service import ReviewService

router = APIRouter(prefix="/v1/reviews", tags=["reviews"], responses=problems(401, 422))

Service = Annotated[ReviewService, scoped_service(ReviewService)]


@router.get(
    "",
    name="reviews_list",
    description="Newest first. The latest review restarts the account's cadence clock.",
)
async def list_reviews(query: Annotated[ReviewListQuery, Query()], service: Service) -> Page[ReviewRead]:
    rows, next_cursor = await service.list_page(query)
    return Page(items=[ReviewRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "",
    name="reviews_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ReviewRead,
    responses=problems(403, 409),
)
async def create_review(
    payload: ReviewCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[ReviewRead, dict[str, str]]:
        review = await service.create(payload, datetime.now(UTC))
        return ReviewRead.model_validate(review), created_headers(
            request, "reviews_get", review.version, review_id=review.id
        )

    operation = f"reviews_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{review_id}", name="reviews_get", responses=problems(404))
async def get_review(review_id: uuid.UUID, response: Response, service: Service) -> ReviewRead:
    review = await service.get(review_id)
    set_etag(response, review.version)
    return ReviewRead.model_validate(review)


@router.patch("/{review_id}", name="reviews_update", responses=problems(403, 404, 409, 412))
async def update_review(
    review_id: uuid.UUID,
    payload: ReviewUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> ReviewRead:
    policy.require_writer(principal)
    review = await service.update(review_id, payload, expected, datetime.now(UTC))
    set_etag(response, review.version)
    return ReviewRead.model_validate(review)


@router.delete(
    "/{review_id}",
    name="reviews_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_review(
    review_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Delete the record; the audit trail keeps what it held."""
    policy.require_writer(principal)
    await service.delete(review_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
