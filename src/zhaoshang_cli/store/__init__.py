"""The ledger's storage: opening it, its tables, migrations, audit trail, backups and checks."""
