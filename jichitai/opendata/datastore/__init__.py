"""The datastore (データストア): published tables loaded into the database, typed, for
CKAN's `datastore_search`, `datastore_info` and `datastore_search_sql`, and for the portal's
previews. `selectors.search_rows` is the one way to read rows; `loader` writes tables."""
