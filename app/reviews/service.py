"""Review use cases; the latest review restarts the account's cadence clock."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from app.account_records.service import AccountScopedService
from app.models import Review
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.dates import refuse_future
from app.plumbing.errors import InvalidFields
from app.reviews.repository import ReviewRepository
from app.reviews.schemas import ReviewCreate, ReviewUpdate


class ReviewService(AccountScopedService[Review]):
    repository_class = ReviewRepository
    records: ReviewRepository

    async def create(self, data: ReviewCreate, now: datetime) -> Review:
        await self.account_for_write(data.account_id)
        refuse_future(data.held_at, now, "held_at")
        await self._check_attendees(data.attendee_ids)
        review = Review(**{**data.model_dump(), "attendee_ids": list(dict.fromkeys(data.attendee_ids))})
        return await self.records.save(review)

    async def update(
        self, review_id: uuid.UUID, data: ReviewUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Review:
        review = await self.get_for_write(review_id, expected)
        changes = data.model_dump(exclude_unset=True)
        refuse_future(changes.get("held_at"), now, "held_at")
        if "attendee_ids" in changes:
            await self._check_attendees(changes["attendee_ids"])
            changes["attendee_ids"] = list(dict.fromkeys(changes["attendee_ids"]))
        for field, value in changes.items():
            setattr(review, field, value)
        return await self.records.save(review)

    async def delete(self, review_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.records.delete(await self.get_for_write(review_id, expected))

    async def _check_attendees(self, user_ids: Sequence[uuid.UUID]) -> None:
        # Past attendees may have been deactivated since, so any existing user counts.
        known = await self.accounts.users.existing_user_ids(user_ids)
        missing = [index for index, user_id in enumerate(user_ids) if user_id not in known]
        if missing:
            raise InvalidFields.one(["body", "attendee_ids", missing[0]], f"no user with id {user_ids[missing[0]]}")
