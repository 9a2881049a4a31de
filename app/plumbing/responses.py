"""Headers of a creation: where the new record lives, and the version it is at."""

from fastapi import Request

from app.plumbing.concurrency import etag


def created_headers(request: Request, route_name: str, version: int, **path_params: object) -> dict[str, str]:
    """A 201's ``Location`` (the record's URL, from its get route) and ``ETag``."""
    return {"ETag": etag(version), "Location": str(request.url_for(route_name, **path_params))}
