"""The whitespace map's pure rules: what each cell (a buying center x an offering) is, the account's
coverage, and what peers say a gap could bring.

A cell is `owned` when its row bought the offering in the latest complete year, `pipeline` when an
open opportunity sells it there, `not_eligible` when the KAM said so (facts win: an owned or pipeline
cell stays what it is), else a `gap`. Coverage is owned cells over eligible cells.

A gap's estimate comes from peers: accounts of the same industry and tier (widened to the tier alone
when fewer than ``min_peers``), shown only with at least ``min_peers`` of them and when at least
``min_adoption_percent`` of them buy the offering. It is the median of what those buyers spend on it,
scaled by the account's size against the median size of those buyers; an account bigger than its
peers is never estimated lower than a smaller one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median
from typing import Literal

from app.rules.document import WhitespaceRules

CellStatus = Literal["owned", "pipeline", "gap", "not_eligible"]
_CENTS = Decimal("0.01")


def cell_status(owned: Decimal, open_opportunities: int, not_eligible: bool) -> CellStatus:
    if owned > 0:
        return "owned"
    if open_opportunities > 0:
        return "pipeline"
    return "not_eligible" if not_eligible else "gap"


def coverage(statuses: Sequence[CellStatus]) -> Fraction | None:
    """Owned cells over eligible cells (every cell but those not eligible); none without any."""
    eligible = [status for status in statuses if status != "not_eligible"]
    if not eligible:
        return None
    return Fraction(sum(status == "owned" for status in eligible), len(eligible))


@dataclass(frozen=True)
class Peer:
    """A peer account: its size (latest annual revenue) and what it spent on the offering (0: none)."""

    size: Decimal
    spent: Decimal


@dataclass(frozen=True)
class PeerFigures:
    """What a group of peers says of an offering: how many they are, how many buy it, and the medians
    of what those buyers spend on it and of their sizes (the sizes known, above 0); none without buyers.
    The database computes the same figures set-wise (app/whitespace/kept.py)."""

    peers: int
    buyers: int
    median_spent: Decimal | None
    median_size: Decimal | None

    def without_a_non_buyer(self) -> "PeerFigures":
        """The figures with one peer that does not buy the offering left out: an account asking about
        its own gap is among its tier's peers, and spends nothing on the offering."""
        return PeerFigures(self.peers - 1, self.buyers, self.median_spent, self.median_size)


def figures(peers: Sequence[Peer]) -> PeerFigures:
    buyers = [peer for peer in peers if peer.spent > 0]
    sizes = [buyer.size for buyer in buyers if buyer.size > 0]
    return PeerFigures(
        len(peers),
        len(buyers),
        median([buyer.spent for buyer in buyers]) if buyers else None,
        median(sizes) if sizes else None,
    )


@dataclass(frozen=True)
class Estimate:
    amount: Decimal
    peers: int
    buyers: int
    median_spent: Decimal
    widened: bool  # the peers are the tier's, not the industry's and tier's


def peer_group(
    same_industry: PeerFigures | None, same_tier: PeerFigures, rules: WhitespaceRules
) -> tuple[PeerFigures, bool]:
    """The peers to ask: the industry's and tier's, or the tier's when they are too few; whether widened."""
    if same_industry is not None and same_industry.peers >= rules.min_peers:
        return same_industry, False
    return same_tier, True


def estimate(size: Decimal | None, peers: PeerFigures, widened: bool, rules: WhitespaceRules) -> Estimate | None:
    """What an account of ``size`` could spend on the offering, by what its peers spend; none when
    the peers are too few, too few of them buy it, or the account's size is not known."""
    if size is None or size <= 0 or peers.peers < rules.min_peers:
        return None
    if Fraction(peers.buyers, peers.peers) * 100 < Fraction(rules.min_adoption_percent):
        return None
    if peers.median_spent is None or peers.median_size is None:
        return None
    amount = (peers.median_spent * size / peers.median_size).quantize(_CENTS, ROUND_HALF_UP)
    return Estimate(amount, peers.peers, peers.buyers, peers.median_spent.quantize(_CENTS, ROUND_HALF_UP), widened)
