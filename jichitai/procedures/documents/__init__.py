"""Documents made from applications: the receipt PDF (受付票) and serving uploaded files."""
