"""Domain errors: each carries one plain sentence that the CLI prints as it is."""


class ZsError(Exception):
    """Anything the user can fix; the CLI prints the message and exits 1."""

    exit_code = 1


class NotFound(ZsError):
    pass


class Invalid(ZsError):
    pass


class MissingExtra(ZsError, ImportError):
    """An optional part of zs whose package is not installed (pandas for data frames)."""


class CannotWrite(ZsError):
    """A file could not be written (a full disk, no permission); nothing was left behind."""


class LedgerError(ZsError):
    """The ledger file is missing, foreign, or at the wrong schema revision."""


class LedgerDamaged(LedgerError):
    """SQLite found the file damaged: restore it from a backup."""


class LedgerBusy(LedgerError):
    """Another writer held the ledger for longer than the busy timeout."""
