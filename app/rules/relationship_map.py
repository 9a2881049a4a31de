"""The decision chain of an account: a reports-to forest of its people, and what it covers or lacks."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.glossary import Attitude, BuyingRole, Influence, RelationshipStrength

KEY_ROLES = ("decision_maker", "economic_buyer", "executive_sponsor")
SUPPORTIVE = ("champion", "supporter")
BARELY_KNOWN = ("none", "weak")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    title: str | None
    buying_roles: tuple[BuyingRole, ...]
    attitude: Attitude
    influence: Influence
    relationship_strength: RelationshipStrength
    reports_to_id: str | None


@dataclass
class Node:
    person: Person
    reports: list["Node"] = field(default_factory=list)


@dataclass(frozen=True)
class RoleCoverage:
    role: str
    contact_ids: tuple[str, ...]
    covered: bool
    supportive: bool


@dataclass(frozen=True)
class RelationshipMap:
    roots: list[Node]
    coverage: tuple[RoleCoverage, ...]
    champions: tuple[str, ...]
    influential_opponents: tuple[str, ...]
    influential_barely_known: tuple[str, ...]


def build_map(people: Sequence[Person]) -> RelationshipMap:
    """People whose manager is not among them (left, or never recorded) become roots of the forest."""
    nodes = {person.id: Node(person) for person in people}
    roots: list[Node] = []
    for person in people:
        manager = nodes.get(person.reports_to_id) if person.reports_to_id else None
        (manager.reports if manager else roots).append(nodes[person.id])
    coverage = []
    for role in KEY_ROLES:
        holders = [person for person in people if role in person.buying_roles]
        coverage.append(
            RoleCoverage(
                role=role,
                contact_ids=tuple(person.id for person in holders),
                covered=bool(holders),
                supportive=any(person.attitude in SUPPORTIVE for person in holders),
            )
        )
    return RelationshipMap(
        roots=roots,
        coverage=tuple(coverage),
        champions=tuple(p.id for p in people if p.attitude == "champion"),
        influential_opponents=tuple(p.id for p in people if p.attitude == "opponent" and p.influence == "high"),
        influential_barely_known=tuple(
            p.id for p in people if p.influence == "high" and p.relationship_strength in BARELY_KNOWN
        ),
    )
