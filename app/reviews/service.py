"""Review use cases; the latest review restarts the account's cadence clock."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement

from app.accounts.scoped import AccountScoped
from app.interactions.service import not_in_future
from app.kit.concurrency import ExpectedVersion
from app.kit.errors import InvalidFields
from app.kit.pagination import PageRequest, SortKey
from app.models import Review
from app.reviews.schemas import ReviewCreate, ReviewListQuery, ReviewUpdate

SORT_KEYS = {
    "held_at": SortKey(Review.held_at, "datetime"),
    "created_at": SortKey(Review.created_at, "datetime"),
    "updated_at": SortKey(Review.updated_at, "datetime"),
}


def _conditions(query: ReviewListQuery) -> list[ColumnElement[bool]]:
    conditions = []
    if query.held_from is not None:
        conditions.append(Review.held_at >= query.held_from)
    if query.held_to is not None:
        conditions.append(Review.held_at < query.held_to)
    if query.updated_since is not None:
        conditions.append(Review.updated_at >= query.updated_since)
    return conditions


class ReviewService(AccountScoped[Review]):
    model = Review
    noun = "review"

    async def list_page(self, query: ReviewListQuery) -> tuple[list[Review], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(_conditions(query), page, SORT_KEYS[page.field], account_id=query.account_id)

    async def create(self, data: ReviewCreate, now: datetime) -> Review:
        await self.account_for_write(data.account_id)
        not_in_future(data.held_at, now, "held_at")
        await self._check_attendees(data.attendee_ids)
        return await self.flush(Review(**{**data.model_dump(), "attendee_ids": list(dict.fromkeys(data.attendee_ids))}))

    async def update(
        self, review_id: uuid.UUID, data: ReviewUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Review:
        review = await self.get_for_write(review_id, expected)
        changes = data.model_dump(exclude_unset=True)
        self.required(changes, ["held_at", "attendee_ids"])
        not_in_future(changes.get("held_at"), now, "held_at")
        if "attendee_ids" in changes:
            await self._check_attendees(changes["attendee_ids"])
            changes["attendee_ids"] = list(dict.fromkeys(changes["attendee_ids"]))
        for field, value in changes.items():
            setattr(review, field, value)
        return await self.flush(review)

    async def delete(self, review_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.session.delete(await self.get_for_write(review_id, expected))
        await self.session.flush()

    async def _check_attendees(self, user_ids: Sequence[uuid.UUID]) -> None:
        # Past attendees may have been deactivated since, so any existing user counts.
        known = await self.accounts.users.existing_user_ids(user_ids)
        missing = [index for index, user_id in enumerate(user_ids) if user_id not in known]
        if missing:
            raise InvalidFields.one(["body", "attendee_ids", missing[0]], f"no user with id {user_ids[missing[0]]}")
