"""Financial figures: the periods a record may name, the margin of revenue over cost to serve, and
the share of revenue that came from services."""

from decimal import Decimal

_FOUR_PLACES = Decimal("0.0001")


def margin(revenue: Decimal | None, cost_to_serve: Decimal | None) -> Decimal | None:
    """(revenue - cost) / revenue, four places; None without both figures or without revenue."""
    if revenue is None or cost_to_serve is None or revenue == 0:
        return None
    return ((revenue - cost_to_serve) / revenue).quantize(_FOUR_PLACES)


def service_share(revenue: Decimal | None, service_revenue: Decimal | None) -> Decimal | None:
    """The part of revenue that came from services, four places; None without both figures or
    without revenue."""
    if revenue is None or service_revenue is None or revenue == 0:
        return None
    return (service_revenue / revenue).quantize(_FOUR_PLACES)


def parse_period(period: str) -> tuple[int, int | None]:
    """``2026`` -> (2026, None); ``2026-Q3`` -> (2026, 3)."""
    year, _, quarter = period.partition("-Q")
    return int(year), int(quarter) if quarter else None
