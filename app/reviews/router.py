"""``/v1/reviews``: internal account reviews; the latest restarts the cadence clock."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.accounts.dependencies import AccountServiceDep
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.kit.concurrency import IfMatch, set_etag
from app.kit.errors import problems
from app.kit.pagination import Page
from app.reviews.schemas import ReviewCreate, ReviewListQuery, ReviewRead, ReviewUpdate
from app.reviews.service import ReviewService

router = APIRouter(prefix="/v1/reviews", tags=["reviews"], responses=problems(401, 422))


def review_service(session: SessionDep, accounts: AccountServiceDep) -> ReviewService:
    return ReviewService(session, accounts)


Service = Annotated[ReviewService, Depends(review_service)]


@router.get("", name="reviews_list")
async def list_reviews(query: Annotated[ReviewListQuery, Query()], service: Service) -> Page[ReviewRead]:
    rows, next_cursor = await service.list_page(query)
    return Page(items=[ReviewRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post("", name="reviews_create", status_code=status.HTTP_201_CREATED, responses=problems(403, 409))
async def create_review(
    payload: ReviewCreate, request: Request, response: Response, principal: CurrentPrincipal, service: Service
) -> ReviewRead:
    policy.require_writer(principal)
    record = await service.create(payload, datetime.now(UTC))
    set_etag(response, record.version)
    response.headers["Location"] = str(request.url_for("reviews_get", review_id=record.id))
    return ReviewRead.model_validate(record)


@router.get("/{review_id}", name="reviews_get", responses=problems(404))
async def get_review(review_id: uuid.UUID, response: Response, service: Service) -> ReviewRead:
    record = await service.get(review_id)
    set_etag(response, record.version)
    return ReviewRead.model_validate(record)


@router.patch("/{review_id}", name="reviews_update", responses=problems(403, 404, 409, 412))
async def update_review(
    review_id: uuid.UUID,
    payload: ReviewUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    if_match: IfMatch = None,
) -> ReviewRead:
    policy.require_writer(principal)
    record = await service.update(review_id, payload, if_match, datetime.now(UTC))
    set_etag(response, record.version)
    return ReviewRead.model_validate(record)


@router.delete(
    "/{review_id}",
    name="reviews_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_review(
    review_id: uuid.UUID, principal: CurrentPrincipal, service: Service, if_match: IfMatch = None
) -> Response:
    """Delete the record; the audit trail keeps what it held."""
    policy.require_writer(principal)
    await service.delete(review_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
