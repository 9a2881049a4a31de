"""``/v1/rules``: read the rules configuration in force, or replace it."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.kit.concurrency import IfMatch, set_etag
from app.kit.errors import problems
from app.rules.document import RulesConfig, RulesDocument
from app.rules_versions.service import RulesService

router = APIRouter(prefix="/v1/rules", tags=["rules"], responses=problems(401))


def rules_service(session: SessionDep) -> RulesService:
    return RulesService(session)


Service = Annotated[RulesService, Depends(rules_service)]


@router.get("", name="rules_get")
async def get_rules(service: Service, principal: CurrentPrincipal, response: Response) -> RulesConfig:
    rules = await service.current()
    set_etag(response, rules.version)
    return rules


@router.put("", name="rules_replace", responses=problems(400, 403, 409, 412, 413, 422))
async def replace_rules_document(
    document: RulesDocument,
    service: Service,
    principal: CurrentPrincipal,
    response: Response,
    expected: IfMatch = None,
) -> RulesConfig:
    """Admins: replace the whole configuration; the answer carries the new version. Every account's
    score, computed tier and cadence follow it at once."""
    rules = await service.replace(document, expected, datetime.now(UTC), principal)
    set_etag(response, rules.version)
    return rules
