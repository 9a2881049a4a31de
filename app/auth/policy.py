"""The access policy, in one place: what each role may read and change.

- viewer reads everything and changes nothing;
- kam reads and changes only the accounts it owns or is on the team of, and everything under them;
  other accounts do not exist for it (404, and absent from lists);
- manager reads and changes every account, records tier decisions and reassigns owners;
- admin may do everything, including users, other people's tokens and the rules.

An API token does no more than its user, and only what its scopes name: `read` (every token),
`write` (any request but a read), `admin` (an admin's own work: users, the rules, others' tokens).
"""

import uuid

from sqlalchemy import ColumnElement, exists, or_, select

from app.auth.principal import Principal
from app.models import Account, AccountTeamMember
from app.plumbing.errors import Forbidden

ADMIN, MANAGER, KAM, VIEWER = "admin", "manager", "kam", "viewer"
# The service itself, reading records on no one's behalf (to write events, in background jobs): every
# account is visible to it; what it reads is scoped to each reader afterwards.
SYSTEM = Principal(user_id=uuid.UUID(int=0), role=ADMIN)


def require_role(principal: Principal, *roles: str, to: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"Your role ({principal.role}) may not {to}; this needs {' or '.join(roles)}.")


def _require_admin(principal: Principal, *, to: str) -> None:
    """An admin's own work: an admin's sign-in, or an admin's token with the `admin` scope."""
    require_role(principal, ADMIN, to=to)
    require_scope(principal, "admin", to=to)


def require_scope(principal: Principal, scope: str, *, to: str) -> None:
    """An API token does only what its scopes name, within its user's role."""
    if not principal.may(scope):
        held = ", ".join(sorted(principal.scopes or ()))
        raise Forbidden(f"This token's scopes ({held}) do not include `{scope}`, which is needed to {to}.")


def require_writer(principal: Principal) -> None:
    if principal.role == VIEWER:
        raise Forbidden("Viewers read everything and change nothing.")


def account_visibility(principal: Principal) -> ColumnElement[bool] | None:
    """The SQL condition an account must meet to exist for this caller; None when all are visible."""
    return kam_visibility(principal.user_id) if principal.role == KAM else None


def kam_visibility(kam_id: uuid.UUID | ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """The accounts a kam sees: those it owns or whose team it is on."""
    # Everything but the team is the enclosing statement's: the account and, where the kam is read in
    # the same statement (a caller's row beside a lateral read), the caller, which would otherwise be
    # read again inside the subquery.
    on_team = exists(
        select(AccountTeamMember.id)
        .where(AccountTeamMember.account_id == Account.id, AccountTeamMember.user_id == kam_id)
        .correlate_except(AccountTeamMember)
    )
    return or_(Account.owner_id == kam_id, on_team)


def check_owner_assignment(principal: Principal, owner_id: object, current_owner_id: object = None) -> None:
    """Only managers and admins give an account to someone else; a kam's accounts stay its own."""
    if principal.role in (ADMIN, MANAGER) or owner_id == current_owner_id:
        return
    if owner_id != principal.user_id:
        raise Forbidden("Only managers and admins assign an account to another owner.")


def check_tier_decision(principal: Principal) -> None:
    require_role(principal, MANAGER, ADMIN, to="record tier decisions")


def check_audit_reader(principal: Principal) -> None:
    require_role(principal, MANAGER, ADMIN, to="read the audit trail")


def check_user_admin(principal: Principal) -> None:
    _require_admin(principal, to="manage users")


def check_rules_admin(principal: Principal) -> None:
    _require_admin(principal, to="change the rules")


def check_job_reader(principal: Principal) -> None:
    require_role(principal, MANAGER, ADMIN, to="read background jobs")


def may_manage_tokens_of_others(principal: Principal) -> bool:
    return principal.role == ADMIN and principal.may("admin")
