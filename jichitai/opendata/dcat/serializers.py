"""Turtle and JSON-LD from a graph, with the content types harvesters expect."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from jichitai.opendata.dcat.graph import PREFIXES


@dataclass(frozen=True)
class Format:
    rdflib_name: str
    content_type: str


FORMATS = {
    "ttl": Format("turtle", "text/turtle; charset=utf-8"),
    # JSON is UTF-8 by definition (RFC 8259): no charset parameter.
    "jsonld": Format("json-ld", "application/ld+json"),
}

# An inline context: a remote one would make every reader fetch it from the network.
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def serialize(graph: Graph, extension: str) -> bytes:
    found = FORMATS[extension]
    if extension == "jsonld":
        text = graph.serialize(
            format=found.rdflib_name, context=JSONLD_CONTEXT, auto_compact=True, indent=2
        )
    else:
        text = graph.serialize(format=found.rdflib_name)
    return text.encode("utf-8")
