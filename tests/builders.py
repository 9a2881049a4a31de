"""What every builder shares: post the body, and fail right here, with the answer, if the setup failed."""


async def created(client, path: str, body: dict) -> dict:
    response = await client.post(path, json=body)
    assert response.status_code == 201, f"setting up {path} failed: {response.status_code} {response.text}"
    return response.json()
