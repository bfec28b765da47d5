"""Ledger settings (``zs config``): the issuer, document numbers and the watch thresholds."""
