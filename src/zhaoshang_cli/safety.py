"""Text from users must never become a formula in a spreadsheet (OWASP ASVS V1.2.10)."""

from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\0")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def csv_safe(value: Any) -> Any:
    """In CSV, formula-looking text gets a leading single quote."""
    return "'" + value if looks_like_formula(value) else value
