"""How a dataset is declared: its columns (the Chinese headers of the bureau's exports, with aliases), their
kinds, which are required, enumerations, the natural key, the table they map to, and the hooks that write
valid rows. The pydantic row model is built from the declaration (``Dataset.model``).

A cell is validated by the parser of its kind (``ingest.parse``), run as a pydantic ``BeforeValidator``;
cross-field rules live in a ``model_validator`` of the dataset's base model. Every message is Chinese and
``reason_of`` turns a ``ValidationError`` into one line: ``受理时间 格式无法识别：'2025-13-45'``.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Iterable

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, create_model
from sqlalchemy import Table

from ingest import parse

KINDS = ("text", "datetime", "bool", "float", "int", "phone")
_TYPES = {"text": str, "datetime": dt.datetime, "bool": bool, "float": float, "int": int, "phone": str}
_PARSERS = {"text": parse.parse_text, "datetime": parse.parse_datetime, "bool": parse.parse_bool,
            "float": parse.parse_float, "int": parse.parse_int, "phone": parse.parse_phone}


@dataclass(frozen=True)
class Column:
    """One column of an export and the table column it fills.

    ``required``: the file must have the column and every row must fill it (else the file is refused, or
    the row quarantined with 必填字段为空). ``choices``: the enumeration a value must belong to.
    ``default``: the value of an empty optional cell. ``max_length``: defaults to the table column's
    length. ``parse``: a custom parser ``(value, context) -> value`` run after the kind's parser, e.g. to
    resolve a district name to its code against reference tables loaded once per run.
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    default: Any = None
    max_length: int | None = None
    parse: Callable[[Any, dict], Any] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")


class RowModel(BaseModel):
    """Base of every generated row model: unknown keys are refused (a declaration bug, not user data)."""

    model_config = ConfigDict(extra="forbid", validate_default=False)


@dataclass(frozen=True)
class Dataset:
    """An importable dataset: its declaration and the hooks the engine calls.

    * ``prepare(conn) -> dict``: reference lookups loaded once per run, handed to validators as context.
    * ``write(conn, rows, batch_id) -> (inserted, updated, unchanged, touched)``: upsert the valid rows of
      one batch by natural key inside the caller's transaction.
    * ``after_batch(conn, touched)``: derived data of what changed (e.g. rollups), same transaction.
    * ``core_fields`` / ``range_checks``: the data-quality report (missing rates; out-of-range counts as
      SQL conditions over ``table``).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    natural_key: str
    table: Table
    write: Callable
    base_model: type[RowModel] = RowModel
    prepare: Callable[[Any], dict] = lambda conn: {}
    after_batch: Callable | None = None
    core_fields: tuple[str, ...] = ()
    range_checks: dict[str, Callable[[Table], Any]] = field(default_factory=dict)

    # ---------------------------------------------------------------- declaration helpers
    @property
    def headers(self) -> dict[str, str]:
        """Field → its Chinese header."""
        return {c.field: c.header for c in self.columns}

    @property
    def key_column(self) -> Column:
        """The natural key's column."""
        return next(c for c in self.columns if c.field == self.natural_key)

    def known_headers(self) -> set[str]:
        """Every header and alias the dataset understands (used to sniff a CSV's delimiter)."""
        return {name for c in self.columns for name in (c.header, *c.aliases)}

    def header_map(self, header: list[str]) -> tuple[dict[int, Column], list[str], list[str]]:
        """Column index → Column for a file's header; the required headers it lacks; headers given twice."""
        by_name = {name: c for c in self.columns for name in (c.header, *c.aliases)}
        found: dict[int, Column] = {}
        seen: dict[str, str] = {}
        doubled = []
        for i, name in enumerate(header):
            col = by_name.get(name)
            if col is None:
                continue
            if col.field in seen:
                doubled.append(f"{seen[col.field]}/{name}" if seen[col.field] != name else name)
                continue
            seen[col.field] = name
            found[i] = col
        missing = [c.header for c in self.columns if c.required and c.field not in seen]
        return found, missing, doubled

    def max_length(self, col: Column) -> int | None:
        """The length limit of a column: declared, or the table column's String length."""
        if col.max_length is not None:
            return col.max_length
        table_col = self.table.c.get(col.field)
        return getattr(table_col.type, "length", None) if table_col is not None else None

    @functools.cached_property
    def model(self) -> type[RowModel]:
        """The pydantic model of one row, generated from the declaration."""
        fields = {}
        for col in self.columns:
            validator = BeforeValidator(_cell_parser(col, self.max_length(col)))
            annotation = _TYPES[col.kind] if col.required or col.default is not None else _TYPES[col.kind] | None
            fields[col.field] = (Annotated[annotation, validator], ... if col.required else col.default)
        return create_model(f"{self.name}_row", __base__=self.base_model, **fields)

    def validate(self, values: dict, context: dict) -> tuple[dict | None, list[str]]:
        """(clean row, []) or (None, Chinese problems) for one row's non-blank cells (field → cell)."""
        try:
            return self.model.model_validate(values, context=context).model_dump(), []
        except ValidationError as exc:
            return None, reasons_of(self, exc)

    def key_of(self, values: dict) -> str | None:
        """The natural key of a row's cells as the model would clean it, or None when absent or unreadable."""
        value = values.get(self.natural_key)
        if value is None:
            return None
        try:
            return parse.parse_text(value)
        except ValueError:
            return None


def _quote(value) -> str:
    text = parse.parse_text(value) if not isinstance(value, str) else value.strip()
    return f"'{text[:60]}'"


def _cell_parser(col: Column, max_length: int | None) -> Callable:
    """The BeforeValidator of one column: the kind's parser, enumeration, length, custom resolver."""
    kind_parser = _PARSERS[col.kind]
    choices = frozenset(col.choices)
    listed = "、".join(col.choices)

    def run(value, info: ValidationInfo):
        if parse.blank(value):
            if col.required:
                raise ValueError("__missing__")
            return col.default
        result = kind_parser(value)
        if isinstance(result, str):
            if choices and result not in choices:
                raise ValueError(f"取值不在允许范围：{_quote(value)}（可选：{listed}）")
            if max_length is not None and len(result) > max_length:
                raise ValueError(f"超过最大长度 {max_length} 个字符：{_quote(value)}")
        if col.parse is not None:
            result = col.parse(result, info.context or {})
        return result

    return run


_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def reasons_of(dataset: Dataset, error: ValidationError) -> list[str]:
    """The Chinese problems of a failed row: one per field, the empty required fields grouped first."""
    headers = dataset.headers
    missing: list[str] = []
    problems: list[str] = []
    for e in error.errors(include_url=False):
        loc = e.get("loc") or ()
        header = headers.get(loc[0], str(loc[0])) if loc else ""
        msg = _PREFIX.sub("", e.get("msg", ""))
        if e["type"] == "missing" or msg == "__missing__":
            missing.append(header)
        elif not header:  # a cross-field rule: its message names the columns itself
            problems.extend(part for part in msg.split("；") if part)
        elif e["type"] == "value_error":
            problems.append(f"{header} {msg}")
        else:  # a type pydantic refused after our parser (should not happen): still say which column
            problems.append(f"{header} 取值无效：{_quote(e.get('input'))}")
    if missing:
        order = [c.header for c in dataset.columns]
        missing.sort(key=lambda h: order.index(h) if h in order else len(order))
        problems.insert(0, f"必填字段为空：{'、'.join(missing)}")
    return problems


def reason_of(dataset: Dataset, error: ValidationError) -> str:
    """All problems of a failed row as one line, joined by '；'."""
    return "；".join(reasons_of(dataset, error))


def rule_error(problems: Iterable[str]) -> None:
    """Raise the cross-field problems of a row (from a model_validator) as one ValueError, if any."""
    problems = [p for p in problems if p]
    if problems:
        raise ValueError("；".join(problems))
