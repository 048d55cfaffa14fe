"""Checking JSON and GeoJSON files before they are published.

JSON is parsed with limits — size, nesting depth, no NaN or Infinity (not JSON), no numbers
longer than Python will convert — so a hostile file is refused with a reason instead of
exhausting the worker. A GeoJSON must be a FeatureCollection (RFC 7946) whose features have
known geometry types with well-formed coordinates, in [longitude, latitude] order and within
Japan; each problem is reported like a CSV cell error, the feature's number standing for the
row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from jichitai.opendata.checking import FileCheck, Unreadable
from jichitai.opendata.standards.fields import LATITUDE_RANGE, LONGITUDE_RANGE
from jichitai.opendata.tabular.report import Issue, Report

MAX_JSON_BYTES = 100_000_000  # parsed in memory: Python's objects take ten times the bytes
MAX_DEPTH = 64  # a GeoJSON MultiPolygon needs 7
# Nesting depth of a position inside each geometry's coordinates.
POSITION_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
GEOMETRY_TYPES = frozenset([*POSITION_DEPTH, "GeometryCollection"])


def parse_json(raw: bytes) -> Any:
    """The parsed document; raises Unreadable with a reason for staff."""
    if len(raw) > MAX_JSON_BYTES:
        raise Unreadable(
            _("JSON ファイルが大きすぎます（上限 %(limit)s MB）。")
            % {"limit": MAX_JSON_BYTES // 1_000_000}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            _("JSON は UTF-8 で保存してください（%(offset)s バイト目が UTF-8 ではありません）。")
            % {"offset": error.start + 1}
        ) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise Unreadable(
            _("JSON として読めません（%(line)s 行 %(column)s 文字目）。")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        # A number too long to convert (Python's int limit), or NaN/Infinity.
        raise Unreadable(
            _("JSON に読めない数値（NaN、Infinity、桁数の多すぎる数）があります。")
        ) from None
    if _depth(document) > MAX_DEPTH:
        raise _too_deep()
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _too_deep() -> Unreadable:
    return Unreadable(_("JSON の入れ子が深すぎます（上限 %(limit)s 段）。") % {"limit": MAX_DEPTH})


def _depth(document: Any) -> int:
    """Nesting depth, without recursion (the parser has already bounded it)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


GEOJSON_TYPES = frozenset({"FeatureCollection", "Feature", *GEOMETRY_TYPES})


def check_json(raw: bytes, file_format: str) -> FileCheck:
    document = parse_json(raw)
    if isinstance(document, dict) and document.get("type") in GEOJSON_TYPES:
        # Sniffing saw only the first bytes; the whole document says it is GeoJSON.
        file_format = "GEOJSON"
    if file_format != "GEOJSON":
        rows = len(document) if isinstance(document, list) else 1
        return FileCheck(file_format, Report([], rows))
    issues = list(geojson_issues(document))
    features = document.get("features") if isinstance(document, dict) else None
    count = len(features) if isinstance(features, list) else 0
    labels = _property_names(features if isinstance(features, list) else [])
    report = Report(labels, count, issues, len(issues))
    return FileCheck(file_format, report)


def _property_names(features: list[Any]) -> list[str]:
    names: dict[str, None] = {}
    for feature in features[:1000]:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            names.update(dict.fromkeys(str(key) for key in properties))
    return list(names)


def geojson_issues(document: Any) -> Iterator[Issue]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        yield Issue("geojson-structure", note="not-feature-collection")
        return
    features = document.get("features")
    if not isinstance(features, list):
        yield Issue("geojson-structure", field_name="features", note="features-not-list")
        return
    for number, feature in enumerate(features, 1):
        yield from _feature_issues(number, feature)


def _feature_issues(number: int, feature: Any) -> Iterator[Issue]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield Issue("geojson-structure", number, note="not-feature")
        return
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        yield Issue("geojson-structure", number, "properties", note="properties-not-object")
    if "geometry" not in feature:
        yield Issue("geojson-structure", number, "geometry", note="geometry-missing")
        return
    if feature["geometry"] is not None:  # null: a feature without a place, as RFC 7946 allows
        yield from _geometry_issues(number, feature["geometry"], nested=False)


def _geometry_issues(number: int, geometry: Any, *, nested: bool) -> Iterator[Issue]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str) or kind not in GEOMETRY_TYPES:
        yield Issue("geojson-geometry-type", number, "geometry", cell=str(kind)[:50])
        return
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if nested or not isinstance(members, list):
            yield Issue("geojson-coordinates", number, "geometry", cell=kind)
            return
        for member in members:
            yield from _geometry_issues(number, member, nested=True)
        return
    coordinates = geometry.get("coordinates")
    positions = _positions(coordinates, POSITION_DEPTH[kind])
    if positions is None:
        yield Issue("geojson-coordinates", number, "geometry", cell=kind)
        return
    if kind in {"Polygon", "MultiPolygon"}:
        rings = [coordinates] if kind == "Polygon" else coordinates
        for ring in (ring for polygon in rings for ring in polygon):
            if len(ring) < 4 or ring[0] != ring[-1]:
                yield Issue("geojson-ring", number, "geometry", cell=kind)
                break
    yield from _place_issues(number, positions)


def _positions(value: Any, depth: int) -> list[list[float]] | None:
    """Every position at the given depth, or None when the nesting or a position is wrong."""
    level = [value]
    for _step in range(depth):
        if not all(isinstance(item, list) and item for item in level):
            return None
        level = [child for item in level for child in item]
    if not all(_is_position(item) for item in level):
        return None
    return level


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and 2 <= len(value) <= 3
        and all(
            isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n)
            for n in value
        )
    )


def _place_issues(number: int, positions: list[list[float]]) -> Iterator[Issue]:
    """One issue per feature at most: its first position outside Japan."""
    for position in positions:
        longitude, latitude = position[0], position[1]
        if _within(longitude, LONGITUDE_RANGE) and _within(latitude, LATITUDE_RANGE):
            continue
        cell = f"[{longitude}, {latitude}]"
        if _within(longitude, LATITUDE_RANGE) and _within(latitude, LONGITUDE_RANGE):
            yield Issue("geojson-swapped", number, "geometry", cell=cell)
        else:
            yield Issue("geojson-outside-japan", number, "geometry", cell=cell)
        return


def _within(value: float, bounds: tuple[float, float]) -> bool:
    low, high = bounds
    return low <= value <= high
