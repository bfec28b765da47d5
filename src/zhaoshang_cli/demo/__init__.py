"""The demo city (``zs demo``): the same realistic ledger every time."""
