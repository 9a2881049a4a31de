"""The OpenAPI document as generators should read it: problems under ``application/problem+json``
only, and on every operation each error status the service can answer for it.

Routes name the problems specific to them (403, 404, 409, 412...); what any operation of a kind can
answer is added here once: 401 with credentials, 422 with parameters or a body, 400 and 413 with a
body, 503 when it needs the database.
"""

import re
from typing import Any

from fastapi import FastAPI

from app.glossary import NAMED_VALUE_SETS
from app.plumbing.errors import PROBLEM_MEDIA_TYPE, STATUS_TITLES
from app.plumbing.schemas import ReadModel

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Answered by the process alone, never by the database.
_WITHOUT_DATABASE = {("/healthz", "get")}


def _problem(status: int) -> dict[str, Any]:
    return {"description": STATUS_TITLES[status], "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}}


def _answerable(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    statuses = set()
    if operation.get("security"):
        statuses.add(401)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses.update((400, 413))
    if (path, method) not in _WITHOUT_DATABASE:
        statuses.add(503)
    return statuses


_SETS_BY_VALUES = {values: name for name, values in NAMED_VALUE_SETS.items()}
# What a field says about its own use of a value set, kept beside the reference.
_FIELD_KEYS = ("title", "description", "default", "examples")


def _name_the_value_sets(document: dict[str, Any]) -> None:
    """Each closed value set of the glossary becomes one component, and every field that takes it
    refers to it instead of repeating the values (SDKs then generate one enum per set)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for set_name, values in NAMED_VALUE_SETS.items():
        schemas[set_name] = {"title": set_name, "type": "string", "enum": list(values)}
    others = [schema for key, schema in schemas.items() if key not in NAMED_VALUE_SETS]
    pending: list[Any] = [document["paths"], *others]
    while pending:
        node = pending.pop()
        children: list[tuple[Any, Any]] = []
        if isinstance(node, list):
            children = list(enumerate(node))
        elif isinstance(node, dict):
            children = list(node.items())
        for key, child in children:
            name = _value_set_of(child)
            if name is None:
                pending.append(child)
                continue
            kept = {field: child[field] for field in _FIELD_KEYS if field in child}
            node[key] = {"$ref": f"#/components/schemas/{name}", **kept}


def _value_set_of(schema: Any) -> str | None:
    if isinstance(schema, dict) and schema.get("type", "string") == "string" and isinstance(schema.get("enum"), list):
        return _SETS_BY_VALUES.get(tuple(schema["enum"]))
    return None


def member_name(value: str) -> str:
    """A generated client's name for an enum value: ``-updated_at`` is ``UPDATED_AT_DESC``,
    ``account.created`` is ``ACCOUNT_CREATED`` (instead of ``VALUE_7``)."""
    descending = value.startswith("-")
    name = re.sub(r"[^0-9A-Za-z]+", "_", value.removeprefix("-")).strip("_").upper() or "EMPTY"
    if name[0].isdigit():
        name = f"V{name}"
    return f"{name}_DESC" if descending else name


def _name_the_enum_members(document: dict[str, Any]) -> None:
    """Every string enum says what its members are called (``x-enum-varnames``, which generators read)."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(value, str) for value in values):
            node["x-enum-varnames"] = [member_name(value) for value in values]
        pending.extend(node.values())


def _read_models() -> dict[str, type[ReadModel]]:
    found: dict[str, type[ReadModel]] = {}
    pending = list(ReadModel.__subclasses__())
    while pending:
        model = pending.pop()
        found[model.__name__] = model
        pending.extend(model.__subclasses__())
    return found


def _answers_send_every_field(document: dict[str, Any]) -> None:
    """An answer (a ``ReadModel``) always sends every field, null when it has no value: each is
    required in the contract, so generated clients type it as present rather than possibly unset
    (but for those sent only when asked)."""
    schemas = document.get("components", {}).get("schemas", {})
    for name, model in _read_models().items():
        properties = schemas.get(name, {}).get("properties")
        if properties:
            schemas[name]["required"] = [field for field in properties if field not in model.sent_when_asked]


def contract(app: FastAPI) -> dict[str, Any]:
    """The app's document, built once and cached like FastAPI's own."""
    if app.openapi_schema is None:
        document = FastAPI.openapi(app)
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in _answerable(path, method, operation):
                    responses.setdefault(str(status), {})
                for status, response in responses.items():
                    if status.isdigit() and int(status) >= 400:
                        described = response.get("description") or STATUS_TITLES[int(status)]
                        responses[status] = {**_problem(int(status)), "description": described}
        # What the service sends (webhooks): the receiver answers, and any non-2xx is simply tried again.
        for operations in document.get("webhooks", {}).values():
            for operation in operations.values():
                operation["responses"] = {
                    "2XX": {"description": "Received; anything else (or no answer in 10 s) is tried again."}
                }
        _name_the_value_sets(document)
        _name_the_enum_members(document)
        _answers_send_every_field(document)
        # FastAPI's own validation error shapes: every 422 here is a Problem. RefusedItem is how a batch
        # holds an item it could not read, never part of what a client sends or receives.
        for unused in ("HTTPValidationError", "ValidationError", "RefusedItem"):
            document.get("components", {}).get("schemas", {}).pop(unused, None)
        app.openapi_schema = document
    return app.openapi_schema
