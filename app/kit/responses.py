"""Headers of a successful write: where a new record lives, and the version it is at."""

from fastapi import Request, Response

from app.kit.concurrency import set_etag


def created(request: Request, response: Response, route_name: str, version: int, **path_params: object) -> None:
    """A 201's ``Location`` (the record's URL, from its get route) and ``ETag``."""
    set_etag(response, version)
    response.headers["Location"] = str(request.url_for(route_name, **path_params))
