"""Writes the generated reference pages when the site is built (mkdocs-gen-files runs it).

The configuration comes from the settings class, the CLI from the command's parser and the values
and labels from the glossary's labels, so the pages cannot drift from the code.
"""

import argparse
import typing

import mkdocs_gen_files
from pydantic_core import PydanticUndefined

from app.cli import parser
from app.glossary import LABELS
from app.settings import ENV_PREFIX, Settings


def _type(annotation: object) -> str:
    text = str(annotation).replace("typing.", "").replace("pydantic.types.", "")
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    for plain in ("int", "str", "bool", "float"):
        if annotation is getattr(__builtins__, plain, None) or text == f"<class '{plain}'>":
            return plain
    return text.replace("<class '", "").replace("'>", "").replace("pathlib.", "").replace("|", "\\|")


def configuration() -> str:
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable, all optional. A value the service cannot use stops",
        "`kam` at once with one line naming the variable and what it accepts.",
        "",
        "| variable | accepts | default | meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if name == "cors_origins":
            accepts = "comma-separated origins, or a JSON list"
        else:
            accepts = _type(annotation)
        bounds = [f"{op} {getattr(m, op)}" for m in field.metadata for op in ("ge", "gt", "le") if hasattr(m, op)]
        bounds = [b.replace("ge", "≥").replace("gt", ">").replace("le", "≤") for b in bounds]
        if bounds:
            accepts += " (" + ", ".join(bounds) + ")"
        if field.default_factory is not None:
            default = "none"
        elif field.default is None or field.default is PydanticUndefined:
            default = "unset"
        else:
            default = f"`{field.default}`"
        lines.append(f"| `{ENV_PREFIX}{name.upper()}` | {accepts} | {default} | {field.description} |")
    return "\n".join(lines) + "\n"


def _usage(command: argparse.ArgumentParser) -> list[str]:
    lines = ["```", command.format_usage().strip().removeprefix("usage: "), "```", ""]
    options = [a for a in command._actions if not isinstance(a, argparse._SubParsersAction)]
    if options:
        lines += ["| option | meaning |", "|---|---|"]
        for action in options:
            flags = ", ".join(f"`{flag}`" for flag in action.option_strings) or f"`{action.dest}`"
            text = (action.help or "") % {"default": action.default, "prog": command.prog}
            lines.append(f"| {flags} | {text} |")
        lines.append("")
    return lines


def cli() -> str:
    kam = parser()
    lines = ["# The `kam` command", "", kam.description or "", "", *_usage(kam)]
    subparsers = next(a for a in kam._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    for name, command in subparsers.choices.items():
        lines += [f"## `kam {name}`", "", (helps[name] or "").capitalize() + ".", "", *_usage(command)]
    return "\n".join(lines)


def labels() -> str:
    lines = [
        "# Values and their labels",
        "",
        "The API sends and accepts the values; reports and exports show the labels.",
        "",
    ]
    for kind, values in LABELS.items():
        lines += [f"## {kind}", "", "| value | label |", "|---|---|"]
        lines += [f"| `{value}` | {label} |" for value, label in values.items()]
        lines.append("")
    return "\n".join(lines)


for path, write in (
    ("reference/configuration.md", configuration),
    ("reference/cli.md", cli),
    ("reference/labels.md", labels),
):
    with mkdocs_gen_files.open(path, "w") as page:
        page.write(write())
