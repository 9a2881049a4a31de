"""All SQL of the offerings catalog."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.models import Offering
from app.offerings.schemas import OfferingListQuery
from app.plumbing.errors import Conflict, DuplicateExternalId, PreconditionFailed
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page
from app.plumbing.sql import in_set

SORT_KEYS = {
    "name": SortKey(Offering.name, "str"),
    "code": SortKey(Offering.code, "str"),
    "created_at": SortKey(Offering.created_at, "datetime"),
    "updated_at": SortKey(Offering.updated_at, "datetime"),
}
_UNIQUE = {
    "uq_offerings_code": "Another offering already has code {code!r}.",
    "uq_offerings_external_id": "Another offering already has external_id {external_id!r}.",
}


class DuplicateOfferingCode(Conflict):
    title, slug = "Offering code already held", "duplicate-offering-code"


_DUPLICATES: dict[str, type[Conflict]] = {"code": DuplicateOfferingCode, "external_id": DuplicateExternalId}


class OfferingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, offering_id: uuid.UUID, *, for_update: bool = False) -> Offering | None:
        statement = select(Offering).where(Offering.id == offering_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page(self, query: OfferingListQuery) -> tuple[list[Offering], str | None]:
        equal_to = {
            Offering.active: query.active,
            Offering.family: query.family,
            Offering.external_id: query.external_id,
        }
        conditions: list[ColumnElement[bool]] = [
            column == value for column, value in equal_to.items() if value is not None
        ]
        if query.updated_since is not None:
            conditions.append(Offering.updated_at >= query.updated_since)
        if query.q:
            needle = query.q.lower()
            conditions.append(
                or_(
                    *(func.lower(column).contains(needle, autoescape=True) for column in (Offering.name, Offering.code))
                )
            )
        page = PageRequest.of(query, query.sort)
        key = SORT_KEYS[page.field]
        statement = select(Offering).where(*conditions)
        await count_matching(self.session, statement, page.count)
        statement = apply_keyset(statement, page, key, Offering.id)
        return split_page((await self.session.execute(statement)).scalars().all(), page, key)

    async def holding_external_ids(self, external_ids: Sequence[str]) -> dict[str, Offering]:
        """The offerings holding these keys, locked in id order (two batches never deadlock)."""
        if not external_ids:
            return {}
        statement = (
            select(Offering)
            .where(in_set(Offering.external_id, external_ids))
            .order_by(Offering.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {str(offering.external_id): offering for offering in (await self.session.execute(statement)).scalars()}

    async def save(self, offering: Offering) -> Offering:
        """Write it now: a code or ``external_id`` taken is a 409 naming the holder, a version moved a 412."""
        for column in ("code", "external_id"):
            value = getattr(offering, column)
            if value is None:
                continue
            holder = await self.session.scalar(
                select(Offering.id).where(getattr(Offering, column) == value, Offering.id != offering.id)
            )
            if holder is not None:
                message = _UNIQUE[f"uq_offerings_{column}"].format(code=offering.code, external_id=offering.external_id)
                raise _DUPLICATES[column](f"{message} It is {holder}.", existing_id=holder)
        try:
            self.session.add(offering)
            await self.session.flush()
        except StaleDataError as error:
            raise PreconditionFailed("The offering was changed by another request; read it again.") from error
        except IntegrityError as error:
            for index, message in _UNIQUE.items():
                if index in str(error.orig):
                    raise _DUPLICATES[index.removeprefix("uq_offerings_")](
                        message.format(code=offering.code, external_id=offering.external_id)
                    ) from error
            raise
        return offering
