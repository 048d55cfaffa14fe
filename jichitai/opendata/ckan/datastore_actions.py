"""CKAN's datastore read actions (`ckanext/datastore/logic/action.py`): datastore_search and
datastore_info, over the tables the loader keeps (opendata.datastore).

Each docstring is what `help_show` returns for the action.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from jichitai.core.spreadsheet_csv import defuse_formula
from jichitai.opendata.ckan import params
from jichitai.opendata.ckan.errors import NotAuthorized, NotFound, ValidationError
from jichitai.opendata.ckan.registry import ActionContext, action
from jichitai.opendata.datastore import selectors, sql
from jichitai.opendata.datastore.query import QueryError
from jichitai.opendata.datastore.tables import sql_type
from jichitai.opendata.models import Resource

RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
# Datastore types whose values are numbers: a negative one (-3) is written as it is.
NUMERIC_TYPES = frozenset({"int", "numeric"})


def _resource(context: ActionContext, data: dict[str, Any]) -> tuple[str, Resource]:
    """The resource named by `resource_id` (or `id`), if the caller may read it and it has a
    datastore table; CKAN's NotFound otherwise (a private one is not told apart)."""
    raw = data.get("resource_id")
    if raw is None or raw == "":
        raw = data.get("id")
    if isinstance(raw, (dict, list)):
        raise ValidationError({"resource_id": ["Must be a string"]})
    resource_id = "" if raw is None else str(raw).strip()
    if not resource_id:
        raise ValidationError({"resource_id": ["Missing value"]})
    resource = selectors.datastore_resource_visible_to(context.user, resource_id)
    if resource is None or selectors.datastore_table(resource) is None:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    return resource_id, resource


def _json_param(data: dict[str, Any], key: str) -> Any:
    """A parameter that is JSON: given as such in a JSON body, or as JSON text in a query
    string or form."""
    value = data.get(key)
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith(("{", "[")):
            try:
                return json.loads(stripped)
            except ValueError:
                raise ValidationError({key: ["Could not parse as valid JSON"]}) from None
    return value


def _filters(data: dict[str, Any]) -> dict[str, Any] | None:
    value = _json_param(data, "filters")
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise ValidationError({"filters": ["Not a json object"]})
    for name, wanted in value.items():
        options = wanted if isinstance(wanted, list) else [wanted]
        if any(isinstance(option, (dict, list)) for option in options):
            raise ValidationError({"filters": [f'Invalid value for field "{name}"']})
    return value


def _q(data: dict[str, Any]) -> str | dict[str, str] | None:
    value = _json_param(data, "q")
    if value is None or value == "":
        # CKAN's `full_text`: text found anywhere in a row, as a plain `q` is.
        full_text = params.text(data, "full_text").strip()
        return full_text or None
    if isinstance(value, dict):
        if not all(isinstance(text, str) for text in value.values()):
            raise ValidationError({"q": ["Not a string or a dict of strings"]})
        return value
    if isinstance(value, (list, bool)):
        raise ValidationError({"q": ["Not a string or a dict of strings"]})
    return str(value)


def _names(data: dict[str, Any], key: str) -> list[str] | None:
    """A list of names: a JSON list, a list, or CKAN's comma-separated string."""
    value = _json_param(data, key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value]
    raise ValidationError({key: ["Not a list of strings"]})


def _sort(data: dict[str, Any]) -> str | None:
    value = data.get("sort")
    if value is None or value == "":
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    if isinstance(value, str):
        return value
    raise ValidationError({"sort": ["Not a string"]})


def _records_format(data: dict[str, Any]) -> str:
    value = params.text(data, "records_format", "objects") or "objects"
    if value not in RECORDS_FORMATS:
        raise ValidationError({"records_format": [f"Must be one of: {', '.join(RECORDS_FORMATS)}"]})
    return value


def _formatted(result: selectors.SearchResult, records_format: str) -> Any:
    """The records in the asked format. objects and lists carry the values as stored; csv
    and tsv are text a spreadsheet may open, so a cell it would run as a formula (=, +, -,
    @, a tab or a carriage return first) gets a leading apostrophe, as every CSV the
    portal serves does; numbers in numeric columns are kept as they are."""
    if records_format == "objects":
        return result.records
    if records_format == "lists":
        return [list(row) for row in result.rows]
    numeric = [field["type"] in NUMERIC_TYPES for field in result.fields]
    buffer = io.StringIO()
    delimiter = "," if records_format == "csv" else "\t"
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in result.rows:
        writer.writerow(
            [
                _cell(value, numeric=is_numeric)
                for value, is_numeric in zip(row, numeric, strict=True)
            ]
        )
    return buffer.getvalue()


def _cell(value: Any, *, numeric: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return defuse_formula(str(value), numeric=numeric)


def _links(context_data: dict[str, Any], offset: int, limit: int) -> dict[str, str]:
    """CKAN's `_links`: the first page and the next one, with the request's parameters."""
    kept = {}
    for key, value in context_data.items():
        if key == "offset" or value is None:
            continue
        kept[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    start = "/api/3/action/datastore_search?" + urlencode(kept)
    following = "/api/3/action/datastore_search?" + urlencode({**kept, "offset": offset + limit})
    return {"start": start, "next": following}


@action(side_effect_free=True)
def datastore_search(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Search a resource's table in the datastore.

    resource_id (or id); filters: a JSON object of field → value or list of values; q: text
    found anywhere in a row, or a JSON object of field → text (full_text: the same as a
    plain q); fields: a list or a
    comma-separated string; sort: "field desc, other asc"; limit (default 100, at most
    32000); offset; include_total (default true); distinct; records_format: objects, lists,
    csv or tsv. Japanese text in q matches substrings.

    Unlike CKAN, csv and tsv records are safe to open in a spreadsheet: a text cell starting
    with =, +, -, @, a tab or a carriage return gets a leading apostrophe (numbers in int
    and numeric fields are kept as they are). objects and lists give the values as stored.
    """
    resource_id, resource = _resource(context, data)
    filters = _filters(data)
    q = _q(data)
    fields = _names(data, "fields")
    sort = _sort(data)
    limit = params.integer(data, "limit", selectors.DEFAULT_LIMIT, maximum=selectors.MAX_LIMIT)
    offset = params.integer(data, "offset", 0)
    include_total = params.boolean(data, "include_total", True)
    distinct = params.boolean(data, "distinct", False)
    records_format = _records_format(data)
    try:
        result = selectors.search_rows(
            resource,
            fields=fields,
            filters=filters,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
            distinct=distinct,
            include_total=include_total,
        )
    except QueryError as error:
        raise ValidationError({error.field or "query": [error.message]}) from None
    echoed = {
        "resource_id": resource_id,
        "filters": filters,
        "q": q,
        "fields": fields,
        "sort": sort,
        "distinct": distinct or None,
        "records_format": None if records_format == "objects" else records_format,
        "limit": None if limit == selectors.DEFAULT_LIMIT else limit,
    }
    answer: dict[str, Any] = {
        "include_total": include_total,
        "limit": limit,
        "records_format": records_format,
        "resource_id": resource_id,
        "total_estimation_threshold": None,
        "records": _formatted(result, records_format),
        "fields": result.fields,
        "_links": _links(echoed, offset, limit),
    }
    for key in ("filters", "q", "sort"):
        if echoed[key] is not None:
            answer[key] = echoed[key]
    if offset:
        answer["offset"] = offset
    if distinct:
        answer["distinct"] = True
    if include_total:
        answer["total"] = result.total
        answer["total_was_estimated"] = False
    return answer


@action(side_effect_free=True)
def datastore_info(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Describe a resource's table in the datastore: its row count and its fields (id, type,
    the native database type, and the file's header label)."""
    resource_id, resource = _resource(context, data)
    table = selectors.datastore_table(resource)
    if table is None:  # loaded meanwhile by nobody: _resource checked it
        raise NotFound(f'Resource "{resource_id}" was not found.')
    return {
        "meta": {
            "id": resource_id,
            "count": table.row_count,
            "table_type": "BASE TABLE",
            "aliases": [],
        },
        "fields": [
            {
                "id": field.id,
                "type": field.type,
                "schema": {"native_type": sql_type(field.type), "notnull": False},
                "info": {"label": field.label},
            }
            for field in selectors.table_fields(resource)
        ],
    }


@action(side_effect_free=True)
def datastore_search_sql(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Run one SQL SELECT over datastore tables: `sql`, e.g.
    SELECT "名称", "定員" FROM "<resource id>" WHERE "定員" > 100 ORDER BY "定員" DESC.

    Read-only; only tables of resources the caller may read (named by resource id); only
    safe functions; a time limit; at most 32000 rows (records_truncated says when cut).
    """
    statement = params.required_text(data, "sql")
    try:
        runnable, names = sql.check(
            statement, lambda wanted: selectors.readable_tables(context.user, wanted)
        )
        result = sql.execute(runnable, names, selectors.field_types_of(sorted(names)))
    except sql.SqlRefused as refused:
        if refused.kind == "forbidden":
            raise NotAuthorized(refused.message) from None
        raise ValidationError({"query": [refused.message]}) from None
    answer: dict[str, Any] = {
        "sql": statement,
        "records": result.records,
        "fields": result.fields,
    }
    if result.truncated:
        answer["records_truncated"] = True
    return answer
