"""The users of a shared (PostgreSQL) ledger: logins with a role and a unit (``zs user``)."""
