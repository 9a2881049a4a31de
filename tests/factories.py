"""Small builders for request bodies used across the API tests."""

KEY_SCORES = {"revenue_potential": 8, "profitability": 8, "relationship": 8, "strategic_fit": 7, "influence": 7}
SIXTY_SCORES = dict.fromkeys(KEY_SCORES, 6)
SMALL_SCORES = dict.fromkeys(KEY_SCORES, 3)


async def create_account(client, **fields):
    body = {"name": "Acme Industries", **fields}
    response = await client.post("/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response, status, *, error_locs=None):
    """The response is an RFC 9457 problem with this status (and these field errors, for a 422)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    if error_locs is not None:
        assert [tuple(error["loc"]) for error in body["errors"]] == [tuple(loc) for loc in error_locs]
    return body
