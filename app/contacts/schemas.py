"""Request and response bodies for contacts and the relationship map."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from pydantic.json_schema import SkipJsonSchema

from app.account_records.schemas import AccountReference, ExternalId
from app.glossary import Attitude, BuyingRole, ContactStatus, Influence
from app.glossary import RelationshipStrength as Strength
from app.plumbing.batch import ITEMS, RefusedItem, leniently
from app.plumbing.dates import Timestamp
from app.plumbing.metadata import Metadata, MetadataChanges, MetadataFilter, MetadataRead, WithMetadata
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text
from app.rules.relationship_map import Node, RelationshipMap

PersonName = Annotated[str, text(100, min_length=1)]
Line = Annotated[str, text(200)]
Profile = Annotated[str, text(5000)]


class ContactFields(WriteModel):
    first_name: PersonName
    last_name: PersonName
    title: Line | None = None
    department: Line | None = None
    email: EmailStr | None = None
    phone: Annotated[str, text(50)] | None = None
    buying_roles: list[BuyingRole] = Field(default_factory=list, max_length=11)
    attitude: Attitude = "neutral"
    influence: Influence = "medium"
    relationship_strength: Strength = "none"
    reports_to_id: uuid.UUID | None = Field(default=None, description="A contact of the same account.")
    status: ContactStatus = "active"
    left_at: Timestamp | None = Field(default=None, description="Defaults to now when status becomes left.")
    interests: Profile | None = Field(default=None, description="Hobbies, what they care about.")
    background: Profile | None = Field(default=None, description="Schooling, career, career goals.")
    external_id: ExternalId | None = None
    metadata: Metadata = Field(default_factory=dict)


class ContactCreate(ContactFields):
    account_id: uuid.UUID


class ContactUpsert(AccountReference, ContactFields):
    """One contact of a batch upsert: created under the account it names, or replaced (every field
    takes the item's value, absent ones their default; ``left_at`` and the metadata are kept unless given)."""

    external_id: ExternalId


class ContactBatchUpsert(BaseModel):
    # Not a WriteModel: a NUL or an unknown field inside one item fails that item, not the batch.
    model_config = ConfigDict(extra="forbid")

    items: list[Annotated[ContactUpsert | SkipJsonSchema[RefusedItem], leniently(ContactUpsert)]] = ITEMS


class ContactUpdate(WriteModel):
    first_name: PersonName = omittable()
    last_name: PersonName = omittable()
    title: Line | None = None
    department: Line | None = None
    email: EmailStr | None = None
    phone: Annotated[str, text(50)] | None = None
    buying_roles: list[BuyingRole] = omittable(max_length=11)
    attitude: Attitude = omittable()
    influence: Influence = omittable()
    relationship_strength: Strength = omittable()
    reports_to_id: uuid.UUID | None = None
    status: ContactStatus = omittable()
    left_at: Timestamp | None = None
    interests: Profile | None = None
    background: Profile | None = None
    external_id: ExternalId | None = None
    metadata: MetadataChanges = omittable()


class ContactRead(WithMetadata, ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    first_name: str
    last_name: str
    title: str | None
    department: str | None
    email: str | None
    phone: str | None
    buying_roles: list[BuyingRole]
    attitude: Attitude
    influence: Influence
    relationship_strength: Strength
    reports_to_id: uuid.UUID | None
    status: ContactStatus
    left_at: datetime | None
    interests: str | None
    background: str | None
    external_id: str | None
    metadata: MetadataRead
    created_at: datetime
    updated_at: datetime


ContactSort = Literal["last_name", "-last_name", "created_at", "-created_at", "updated_at", "-updated_at"]


class ContactListQuery(ListQuery, MetadataFilter):
    account_id: uuid.UUID | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="The record a CRM knows by this key."
    )
    buying_role: BuyingRole | None = None
    attitude: Attitude | None = None
    influence: Influence | None = None
    status: ContactStatus | None = None
    q: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="Name, title or email contains."
    )
    updated_since: Timestamp | None = None
    sort: ContactSort = "last_name"


class MapPerson(ReadModel):
    id: uuid.UUID
    name: str
    title: str | None
    buying_roles: list[BuyingRole]
    attitude: Attitude
    influence: Influence
    relationship_strength: Strength
    reports: list["MapPerson"]


class RoleCoverageRead(ReadModel):
    role: BuyingRole
    covered: bool = Field(description="An active contact holds the role.")
    supportive: bool = Field(description="One of those holders is a champion or supporter.")
    contact_ids: list[uuid.UUID]


class RelationshipMapRead(ReadModel):
    account_id: uuid.UUID
    chain: list[MapPerson] = Field(description="Active contacts as a reports-to forest.")
    coverage: list[RoleCoverageRead]
    champions: list[uuid.UUID]
    influential_opponents: list[uuid.UUID]
    influential_barely_known: list[uuid.UUID] = Field(description="High influence, relationship none or weak.")

    @classmethod
    def of(cls, account_id: uuid.UUID, mapped: RelationshipMap) -> "RelationshipMapRead":
        return cls.model_validate(relationship_map_fields(account_id, mapped))


def relationship_map_fields(account_id: uuid.UUID, mapped: RelationshipMap) -> dict[str, Any]:
    """A ``RelationshipMapRead``'s fields, ready for JSON as they are (see ``json_body``)."""
    return {
        "account_id": account_id,
        "chain": [_person(root) for root in mapped.roots],
        "coverage": [
            {"role": c.role, "covered": c.covered, "supportive": c.supportive, "contact_ids": list(c.contact_ids)}
            for c in mapped.coverage
        ],
        "champions": list(mapped.champions),
        "influential_opponents": list(mapped.influential_opponents),
        "influential_barely_known": list(mapped.influential_barely_known),
    }


def _person(node: Node) -> dict[str, Any]:
    """A ``MapPerson``'s fields."""
    person = node.person
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "buying_roles": list(person.buying_roles),
        "attitude": person.attitude,
        "influence": person.influence,
        "relationship_strength": person.relationship_strength,
        "reports": [_person(child) for child in node.reports],
    }
