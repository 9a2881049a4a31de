"""All SQL of reviews."""

from sqlalchemy import ColumnElement

from app.account_records.repository import ScopedRepository
from app.models import Review
from app.plumbing.pagination import SortKey
from app.reviews.schemas import ReviewListQuery

SORT_KEYS = {
    "held_at": SortKey(Review.held_at, "datetime"),
    "created_at": SortKey(Review.created_at, "datetime"),
    "updated_at": SortKey(Review.updated_at, "datetime"),
}


class ReviewRepository(ScopedRepository[Review]):
    model = Review
    noun = "review"
    sort_keys = SORT_KEYS

    def conditions(self, query: ReviewListQuery) -> list[ColumnElement[bool]]:
        conditions = []
        if query.held_from is not None:
            conditions.append(Review.held_at >= query.held_from)
        if query.held_to is not None:
            conditions.append(Review.held_at < query.held_to)
        if query.updated_since is not None:
            conditions.append(Review.updated_at >= query.updated_since)
        return conditions
