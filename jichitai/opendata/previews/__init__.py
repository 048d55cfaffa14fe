"""Previews of a published table on its data set page: a map of its points, a chart of a
numeric column. Both read their rows from the datastore (データストア)."""
