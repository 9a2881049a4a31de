"""The shape of the code, kept as packages are added: every package named in the import contracts and
in the layout, and no service or router reaching past its repository to SQLAlchemy or the session."""

import ast
import inspect
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
CONTRACTS = {
    contract["name"]: contract
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
}
# Packages without the router/service/repository layers.
UNLAYERED = {"app.migrations", "app.models", "app.plumbing", "app.rules"}
# What a service or router may take from SQLAlchemy: the session's type, to hand it to repositories.
SESSION_TYPES = {"AsyncSession", "async_sessionmaker"}


def _top_level() -> set[str]:
    names = {f"app.{path.name}" for path in APP.iterdir() if (path / "__init__.py").exists()}
    names |= {f"app.{path.stem}" for path in APP.glob("*.py") if path.stem != "__init__"}
    return names


def _packages() -> set[str]:
    return {f"app.{path.name}" for path in APP.iterdir() if (path / "__init__.py").exists()}


def _contract(start: str) -> dict:
    [contract] = [contract for name, contract in CONTRACTS.items() if name.startswith(start)]
    return contract


def test_the_pure_rules_contract_forbids_every_other_part_of_the_app():
    forbidden = set(_contract("The rules are pure")["forbidden_modules"])
    assert _top_level() - {"app.rules", "app.glossary"} <= forbidden


def test_the_plumbing_contract_forbids_every_part_but_the_glossary_settings_and_models():
    forbidden = set(_contract("The plumbing knows no domain")["forbidden_modules"])
    assert _top_level() - {"app.plumbing", "app.glossary", "app.settings", "app.models"} <= forbidden


def test_the_layers_contract_covers_every_layered_package():
    containers = set(_contract("In every domain")["containers"])
    assert containers == _packages() - UNLAYERED


def test_the_layout_names_every_package_and_module():
    layout = (ROOT / "docs" / "development.md").read_text()
    missing = [
        name
        for name in _top_level()
        if f"{name.removeprefix('app.')}/" not in layout and f"{name.removeprefix('app.')}.py" not in layout
    ]
    assert not missing


def _services_and_routers() -> list[Path]:
    return sorted([*APP.glob("*/service.py"), *APP.glob("*/router.py")])


@pytest.mark.parametrize("path", _services_and_routers(), ids=lambda path: str(path.relative_to(APP)))
def test_no_service_or_router_reaches_past_its_repository(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            names = {alias.name for alias in node.names}
            assert node.module == "sqlalchemy.ext.asyncio" and names <= SESSION_TYPES, (node.module, names)
        if isinstance(node, ast.Import):
            assert not any(alias.name.startswith("sqlalchemy") for alias in node.names)
        if isinstance(node, ast.Attribute) and node.attr not in {"session", "session_factory"}:
            owner = node.value
            named_session = (isinstance(owner, ast.Name) and owner.id == "session") or (
                isinstance(owner, ast.Attribute) and owner.attr == "session"
            )
            assert not named_session, f"line {node.lineno}: .{node.attr} on a session"


def test_every_dependency_of_every_operation_runs_on_the_event_loop():
    """FastAPI runs a plain function dependency in a worker thread: a hop to a thread and back on
    every request for work that never blocks (building a service, reading a header). Dependencies
    are coroutines, so none is paid."""
    from fastapi.routing import APIRoute

    from app.main import create_app

    threaded = set()
    for route in create_app().routes:
        if not isinstance(route, APIRoute):
            continue
        pending = list(route.dependant.dependencies)
        while pending:
            dependant = pending.pop()
            pending.extend(dependant.dependencies)
            call = dependant.call
            if call is None or inspect.isclass(call):
                continue
            runs = call if inspect.isfunction(call) else type(call).__call__
            if not (inspect.iscoroutinefunction(runs) or inspect.isasyncgenfunction(runs)):
                threaded.add(f"{call.__module__}.{getattr(call, '__qualname__', type(call).__name__)}")
    assert not threaded, f"plain functions run in a thread per request: {sorted(threaded)}"
