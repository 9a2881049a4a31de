"""``/v1/interactions``: every visit, call, meeting, email and event, recorded."""

from app.accounts.scoped_router import scoped_crud_router
from app.interactions.schemas import InteractionCreate, InteractionListQuery, InteractionRead, InteractionUpdate
from app.interactions.service import InteractionService

router = scoped_crud_router(
    plural="interactions",
    service_class=InteractionService,
    create_model=InteractionCreate,
    update_model=InteractionUpdate,
    read_model=InteractionRead,
    list_query=InteractionListQuery,
    id_name="interaction_id",
    description="Newest first. Contacts who took part must belong to the interaction's account.",
)
