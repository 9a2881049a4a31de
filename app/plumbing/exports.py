"""Lists and reports as files a person opens in a spreadsheet: CSV (``Accept: text/csv``) and Excel
(``Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``).

A list is exported whole, with the filters and sort of the request, page after page in its own
read-only transaction while the answer streams, so a list of a million accounts never sits in memory:
CSV is written page by page, Excel row by row (xlsxwriter's constant-memory mode) into a temporary
file that is then sent. Columns follow the read model (nested fields as ``owner.name``), so a column
is there even when empty; lists within a row are joined with ``; ``. Values are the API's exact ones
(codes, decimal amounts), which a spreadsheet can filter and sum.

A report becomes tables: its figures in one (field, value), each list of records in its own; CSV puts
them one after the other under their names, Excel on a sheet each.
"""

import asyncio
import csv
import io
import os
import tempfile
import types
import typing
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from app.plumbing.readable import Readable, readable_for

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The same workbook for a client that knows no spreadsheet type: a generated SDK reads it as bytes.
OCTET_STREAM = "application/octet-stream"
_SUFFIX = {CSV: "csv", XLSX: "xlsx", OCTET_STREAM: "xlsx"}
# Rows read per statement while a list streams.
EXPORT_PAGE = 1000
# Excel's last row; a longer list goes on to the next sheet.
_EXCEL_ROWS = 1_048_576
_CHUNK = 256 * 1024

LIST_EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV: {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The whole list with the same filters and sort as CSV or Excel, when asked by `Accept`.",
    }
}

M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)
PageIn = Callable[[AsyncSession, Q], Awaitable[tuple[Sequence[M], str | None]]]


MARKDOWN = "text/markdown"


def _asked(request: Request) -> str:
    """What the client asks for: the format of a file operation, else ``Accept``."""
    forced: str | None = getattr(request.state, "file_format", None)
    return forced if forced is not None else request.headers.get("accept", "")


def export_media(request: Request) -> str | None:
    """The file type the client asks for, if any."""
    asked = _asked(request)
    if asked == OCTET_STREAM:
        return OCTET_STREAM
    return next((media for media in (CSV, XLSX) if media in asked), None)


def wants_markdown(request: Request) -> bool:
    return MARKDOWN in _asked(request)


@dataclass(frozen=True)
class _FileFormat:
    name: str
    suffix: str
    media: str
    label: str
    content: dict[str, Any]


_FILE_FORMATS = (
    _FileFormat("markdown", "md", MARKDOWN, "a Markdown document", {MARKDOWN: {"schema": {"type": "string"}}}),
    _FileFormat("csv", "csv", CSV, "CSV", {CSV: {"schema": {"type": "string"}}}),
    _FileFormat(
        "xlsx",
        "xlsx",
        XLSX,
        "an Excel workbook",
        {media: {"schema": {"type": "string", "format": "binary"}} for media in (XLSX, OCTET_STREAM)},
    ),
)


def _choosing(media: str) -> Callable[[Request], Awaitable[None]]:
    """The dependency of a file operation: the format its path names (a workbook labelled as bytes
    for a client that asks for bytes only)."""

    async def choose(request: Request) -> None:
        accept = request.headers.get("accept", "")
        labelled = media == XLSX and OCTET_STREAM in accept and XLSX not in accept
        request.state.file_format = OCTET_STREAM if labelled else media

    return choose


def add_file_operations(router: APIRouter) -> None:
    """Give every operation of the router that answers a file by ``Accept`` an operation of its own
    per format, at its path with the format's suffix (``GET /v1/reports/monthly.md``,
    ``reports_monthly_get_markdown``): same endpoint, same parameters, the suffix chooses the format.
    The operation itself then declares JSON alone (``Accept`` still works): a generated client types
    each operation's answer as one thing, a model, or the document or file."""
    for route in list(router.routes):
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or set()):
            continue
        offered = route.responses.get(200, {}).get("content", {})
        files = [file_format for file_format in _FILE_FORMATS if file_format.media in offered]
        if not files:
            continue
        route.responses = {code: answer for code, answer in route.responses.items() if code != 200}
        for file_format in files:
            router.add_api_route(
                f"{route.path.removeprefix(router.prefix)}.{file_format.suffix}",
                route.endpoint,
                methods=["GET"],
                name=f"{route.name}_{file_format.name}",
                response_model=None,
                response_class=Response,
                status_code=200,
                tags=[tag for tag in route.tags if tag not in router.tags],
                dependencies=[*route.dependencies[len(router.dependencies) :], Depends(_choosing(file_format.media))],
                summary=f"{route.summary or route.endpoint.__name__.replace('_', ' ').title()} as {file_format.label}",
                description=f"`{route.name}` as {file_format.label}: the same parameters, the same "
                f"records; the same as asking `{route.path}` for `{file_format.media}` by `Accept`.",
                responses={
                    **{code: answer for code, answer in route.responses.items() if code != 200},
                    200: {"content": file_format.content, "description": f"The answer as {file_format.label}."},
                },
            )


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``X``, ``X | None``), if any."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    candidates = typing.get_args(annotation) if union else (annotation,)
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    return models[0] if len(models) == 1 else None


def columns_of(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The paths of every leaf field of the model, nested models opened in place."""
    paths: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        nested = _model_of(field.annotation)
        paths += columns_of(nested, (*prefix, name)) if nested else [(*prefix, name)]
    return paths


def _cell(value: Any) -> Any:
    """A value a spreadsheet cell holds: scalars as they are, a mapping (scores, metadata) by all its
    pairs, lists joined, records by what names them."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_cell(item)}" for key, item in value.items() if item is not None)
    if isinstance(value, BaseModel):
        return _record(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(_record(item)) for item in value)
    return value


def _record(value: Any) -> Any:
    """A record of a list (a signal, an adjustment) by what names it, when something does."""
    fields = value.model_dump() if isinstance(value, BaseModel) else value
    if isinstance(fields, dict):
        for key in ("message", "name", "code", "title"):
            if key in fields:
                return _cell(fields[key])
    return _cell(fields)


def _row(item: dict[str, Any], paths: Sequence[tuple[str, ...]]) -> list[Any]:
    row = []
    for path in paths:
        value: Any = item
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        row.append(_cell(value))
    return row


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _csv_lines(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[_csv_text(value) for value in row] for row in rows])
    return buffer.getvalue().encode()


def _filename(name: str, media: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{_SUFFIX[media]}"'}


class _Sheets:
    """An Excel workbook written row by row (constant memory), its rows typed: numbers, dates, text."""

    def __init__(self, path: str) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            path, {"constant_memory": True, "remove_timezone": True, "strings_to_numbers": False}
        )
        self.bold = self.book.add_format({"bold": True})
        self.day = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.sheet: Any = None
        self.title = ""
        self.header: Sequence[str] = ()
        self.next_row = 0
        self.sheets = 0

    def start(self, title: str, header: Sequence[str]) -> None:
        self.sheets += 1
        name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
        self.sheet = self.book.add_worksheet(f"{name} {self.sheets}" if self.sheets > 1 else name)
        self.title, self.header, self.next_row = title, header, 0
        self.write([*header], self.bold)
        self.sheet.freeze_panes(1, 0)

    def write(self, row: Sequence[Any], style: Any = None) -> None:
        if self.next_row >= _EXCEL_ROWS:
            self.start(self.title, self.header)
        for column, value in enumerate(row):
            self._write(column, value, style)
        self.next_row += 1

    def write_all(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.write(row)

    def _write(self, column: int, value: Any, style: Any) -> None:
        row = self.next_row
        if value is None:
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(row, column, value)
        elif isinstance(value, int | float | Decimal):
            self.sheet.write_number(row, column, float(value))
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, column, value, self.moment)
        elif isinstance(value, date):
            self.sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), self.day)
        else:
            self.sheet.write_string(row, column, str(value), style)

    def close(self) -> None:
        self.book.close()


def _header(paths: Sequence[tuple[str, ...]]) -> list[str]:
    return [".".join(path) for path in paths]


async def _file_chunks(path: str) -> AsyncIterator[bytes]:
    try:
        with open(path, "rb") as file:  # noqa: ASYNC230 - a local temporary file, read a chunk at a time
            while chunk := file.read(_CHUNK):
                yield chunk
    finally:
        os.unlink(path)


async def export_list(
    request: Request, media: str, name: str, model: type[M], query: Q, page_in: PageIn[Q, M]
) -> StreamingResponse:
    """The whole list the query names (from its cursor, every page after), as CSV or Excel."""
    paths = columns_of(model)
    query = query.model_copy(update={"count": False})  # a file holds every record: nothing to count
    factory: async_sessionmaker[AsyncSession] = (
        getattr(request.app.state, "replica_session_factory", None) or request.app.state.session_factory
    )
    # A refusal (a cursor of another list, a filter the caller may not use) is told before the file
    # starts, as a problem: once the answer has started only a cut-off file could tell it.
    async with factory() as session, session.begin():
        await page_in(session, query.model_copy(update={"limit": 1}))

    async def pages() -> AsyncIterator[list[list[Any]]]:
        # One read-only transaction for the whole list, never committed: its pages see one database.
        async with factory() as session, session.begin():
            current = query.model_copy(update={"limit": EXPORT_PAGE})
            while True:
                items, next_cursor = await page_in(session, current)
                yield [_row(item.model_dump(), paths) for item in items]
                if next_cursor is None:
                    return
                current = current.model_copy(update={"cursor": next_cursor})

    headers = _filename(name, media)
    if media == CSV:

        async def csv_body() -> AsyncIterator[bytes]:
            yield _csv_lines([_header(paths)])
            async for rows in pages():
                yield _csv_lines(rows)

        return StreamingResponse(csv_body(), media_type=f"{CSV}; charset=utf-8", headers=headers)

    async def xlsx_body() -> AsyncIterator[bytes]:
        handle, path = tempfile.mkstemp(prefix="kam-export-", suffix=".xlsx")
        os.close(handle)
        sheets = _Sheets(path)
        sheets.start(name.capitalize(), _header(paths))
        async for rows in pages():
            await asyncio.to_thread(sheets.write_all, rows)
        await asyncio.to_thread(sheets.close)
        async for chunk in _file_chunks(path):
            yield chunk

    return StreamingResponse(xlsx_body(), media_type=media, headers=headers)


def _tables(title: str, value: Any) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """A report's tables: its scalar figures as (field, value) rows, each list of records a table of
    its own, each nested section in turn."""
    figures: list[list[Any]] = []
    nested: list[tuple[str, Any]] = []
    for key, item in value.items():
        if isinstance(item, dict) and item and not {"message", "name", "code"} & set(item):
            nested.append((key, item))
        elif isinstance(item, list) and item and all(isinstance(entry, dict) for entry in item):
            nested.append((key, item))
        else:
            figures.append([key, _cell(item)])
    if figures:
        yield title, ["field", "value"], figures
    for key, item in nested:
        label = f"{title} - {key.replace('_', ' ')}" if title else key.replace("_", " ")
        if isinstance(item, dict):
            yield from _tables(label, item)
        else:
            keys: list[str] = []
            for entry in item:
                keys += [k for k in _flat(entry) if k not in keys]
            yield label, keys, [[_flat(entry).get(k) for k in keys] for entry in item]


def _flat(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict) and not {"message", "name", "code"} & set(value):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = _cell(value)
    return flat


def export_report(media: str, name: str, report: dict[str, Any] | BaseModel) -> Response:
    """A report as CSV (its tables one after the other, each under its name) or Excel (a sheet each)."""
    content = report.model_dump() if isinstance(report, BaseModel) else report
    tables = list(_tables("", content))
    headers = _filename(name, media)
    if media == CSV:
        lines: list[list[Any]] = []
        for title, header, rows in tables:
            if lines:
                lines.append([])
            lines += [[title or name], header, *rows]
        return Response(_csv_lines(lines), media_type=f"{CSV}; charset=utf-8", headers=headers)
    handle, path = tempfile.mkstemp(prefix="kam-report-", suffix=".xlsx")
    os.close(handle)
    try:
        sheets = _Sheets(path)
        for title, header, rows in tables:
            sheets.start(title or name.capitalize(), header)
            sheets.write_all(rows)
        sheets.close()
        with open(path, "rb") as file:
            body = file.read()
    finally:
        os.unlink(path)
    return Response(body, media_type=media, headers=headers)


# Every report also comes as CSV and Excel; those a person reads as a document, as Markdown too,
# ready to paste into a meeting's notes.
AS_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {media: {"schema": {"type": "string"}} for media in (CSV, XLSX)},
        "description": "The report; CSV (its tables one after the other) or Excel (a sheet each) by `Accept`.",
    }
}
AS_MARKDOWN: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {media: {"schema": {"type": "string"}} for media in ("text/markdown", CSV, XLSX)},
        "description": "The report; Markdown, CSV or Excel when `Accept` asks.",
    }
}


def as_accepted(
    request: Request,
    name: str,
    report: Any,
    markdown: Callable[[dict[str, Any], Readable], str] | None = None,
) -> Any:
    """The report as JSON, or as Markdown, CSV or Excel when the client accepts it."""
    if markdown is not None and wants_markdown(request):
        return PlainTextResponse(markdown(report, readable_for(request)), media_type="text/markdown; charset=utf-8")
    if media := export_media(request):
        return export_report(media, name, report)
    return report
