"""``/v1/contacts`` and ``/v1/accounts/{id}/relationship-map``."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.account_records.dependencies import lagging_scoped_service, scoped_service
from app.account_records.exports import export_records
from app.account_records.router import listed_route
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.contacts.repository import ContactRepository
from app.contacts.schemas import (
    ContactBatchUpsert,
    ContactCreate,
    ContactListQuery,
    ContactRead,
    ContactUpdate,
    RelationshipMapRead,
)
from app.contacts.service import ContactService, contact_fields
from app.db import SessionDep
from app.plumbing import idempotency
from app.plumbing.batch import BATCH_RESPONSES, BatchResult, answer_batch
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_media
from app.plumbing.pagination import Page
from app.plumbing.plain_rows import Columns
from app.plumbing.responses import created_headers, page_response
from app.plumbing.routes import PlainRoute
from app.rules.document import RulesConfig

router = APIRouter(tags=["contacts"], responses=problems(401, 422))


Service = Annotated[ContactService, scoped_service(ContactService)]


async def _contacts_page(service: ContactService, query: ContactListQuery) -> tuple[list[ContactRead], str | None]:
    contacts, next_cursor = await service.list_page(query)
    return [ContactRead.model_validate(c) for c in contacts], next_cursor


def _listed_fields(contact: Columns, _rules: RulesConfig) -> dict[str, Any]:
    return contact_fields(contact)


def hot_routes(*, replica: bool) -> list[PlainRoute]:
    """The list of contacts, served ahead of FastAPI's routing (see ``listed_route``) where there is
    no replica: it reads the primary, beside the caller."""
    return (
        []
        if replica
        else [listed_route("/v1/contacts", "contacts_list", ContactRepository, _listed_fields, ContactListQuery)]
    )


@router.get("/v1/contacts", name="contacts_list", response_model=Page[ContactRead], responses=LIST_EXPORTS)
async def list_contacts(
    request: Request,
    query: Annotated[ContactListQuery, Query()],
    service: Annotated[ContactService, lagging_scoped_service(ContactService)],
) -> Any:
    """Contacts; the whole list as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):
        return await export_records(
            request, media, "contacts", ContactRead, query, service.accounts, ContactService, _contacts_page
        )
    # A list tolerates lag: on the replica when there is one. Serialised once, from the fields.
    contacts, next_cursor = await service.list_page(query)
    return page_response([contact_fields(contact) for contact in contacts], next_cursor)


@router.post(
    "/v1/contacts",
    name="contacts_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactRead,
    responses=problems(403, 409),
)
async def create_contact(
    payload: ContactCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[ContactRead, dict[str, str]]:
        contact = await service.create(payload, datetime.now(UTC))
        return ContactRead.model_validate(contact), created_headers(
            request, "contacts_get", contact.version, contact_id=contact.id
        )

    operation = f"contacts_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.post(
    "/v1/contacts/batch/upsert",
    name="contacts_batch_upsert",
    response_model=BatchResult,
    responses=BATCH_RESPONSES,
)
async def upsert_contacts(
    payload: ContactBatchUpsert,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Create or replace up to 1,000 contacts by `external_id`, each under the account it names by
    `account_id` or `account_external_id`. Results as for `POST /v1/accounts/batch/upsert`."""
    policy.require_writer(principal)
    now = datetime.now(UTC)
    return await answer_batch(
        request,
        session,
        f"contacts_batch_upsert:{principal.user_id}",
        idempotency_key,
        payload,
        payload.items,
        lambda items: service.prepare_upserts(items, now),
        lambda item: service.upsert_one(item, now),
    )


@router.get("/v1/contacts/{contact_id}", name="contacts_get", responses=problems(404))
async def get_contact(contact_id: uuid.UUID, response: Response, service: Service) -> ContactRead:
    contact = await service.get(contact_id)
    set_etag(response, contact.version)
    return ContactRead.model_validate(contact)


@router.patch("/v1/contacts/{contact_id}", name="contacts_update", responses=problems(403, 404, 409, 412))
async def update_contact(
    contact_id: uuid.UUID,
    payload: ContactUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> ContactRead:
    policy.require_writer(principal)
    contact = await service.update(contact_id, payload, expected, datetime.now(UTC))
    set_etag(response, contact.version)
    return ContactRead.model_validate(contact)


@router.delete(
    "/v1/contacts/{contact_id}",
    name="contacts_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_contact(
    contact_id: uuid.UUID,
    principal: CurrentPrincipal,
    service: Service,
    reparent: Annotated[bool, Query(description="Hand the contact's reports to its own manager.")] = False,
    expected: IfMatch = None,
) -> Response:
    """Delete a contact nobody reports to (or, with `reparent=true`, whose reports move up) and who took
    part in no interaction; a contact who moved on is better marked `status: left`."""
    policy.require_writer(principal)
    await service.delete(contact_id, expected, reparent)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/v1/accounts/{account_id}/relationship-map", name="relationship_map_get", responses=problems(404))
async def get_relationship_map(account_id: uuid.UUID, service: Service) -> RelationshipMapRead:
    """The decision chain as the web app draws it, with the coverage of the roles that decide and pay."""
    return RelationshipMapRead.of(account_id, await service.relationship_map(account_id))


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
