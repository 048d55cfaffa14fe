"""The catalogue as DCAT-AP 3 (RDF): /catalog.{jsonld,ttl} paged, /dataset/<name>.{jsonld,ttl}.

graph.py builds the RDF graph, selectors.py reads what it needs in a bounded number of queries,
serializers.py writes Turtle and JSON-LD, views.py is thin.
"""
