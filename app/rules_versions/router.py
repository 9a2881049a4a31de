"""``/v1/rules``: read the rules configuration in force, or replace it."""

from datetime import UTC, datetime

from fastapi import APIRouter, Response

from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.kit.concurrency import IfMatch, set_etag
from app.kit.errors import problems
from app.rules.document import RulesConfig, RulesDocument
from app.rules_versions.repository import RulesRepository
from app.rules_versions.service import replace_rules

router = APIRouter(prefix="/v1/rules", tags=["rules"], responses=problems(401))


@router.get("", name="rules_get")
async def get_rules(session: SessionDep, principal: CurrentPrincipal, response: Response) -> RulesConfig:
    rules = await RulesRepository(session).current()
    set_etag(response, rules.version)
    return rules


@router.put("", name="rules_replace", responses=problems(400, 403, 409, 412, 413, 422))
async def replace_rules_document(
    document: RulesDocument,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    expected: IfMatch = None,
) -> RulesConfig:
    """Admins: replace the whole configuration; the answer carries the new version. Every account's
    score, computed tier and cadence follow it at once."""
    policy.check_rules_admin(principal)
    rules = await replace_rules(session, document, expected, datetime.now(UTC), principal)
    set_etag(response, rules.version)
    return rules
