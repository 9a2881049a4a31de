"""``/v1/reviews``: internal account reviews; the latest restarts the cadence clock."""

from app.accounts.scoped_router import scoped_crud_router
from app.reviews.schemas import ReviewCreate, ReviewListQuery, ReviewRead, ReviewUpdate
from app.reviews.service import ReviewService

router = scoped_crud_router(
    plural="reviews",
    service_class=ReviewService,
    create_model=ReviewCreate,
    update_model=ReviewUpdate,
    read_model=ReviewRead,
    list_query=ReviewListQuery,
    id_name="review_id",
    description="Newest first. The latest review restarts the account's cadence clock.",
)
