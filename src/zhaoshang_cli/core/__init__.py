"""Basics that know nothing of the ledger: money, dates, periods, text, errors, language, terms."""
