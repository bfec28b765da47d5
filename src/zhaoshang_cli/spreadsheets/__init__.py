"""Spreadsheets in and out: templates, imports (all rows or none), the whole-ledger export.

``columns`` says what each sheet holds, ``reading`` turns a file into checked rows,
``importing`` applies them through the domain operations, ``writing`` makes xlsx files
(templates, exports) safely, and ``exporting`` gathers the ledger's tables for them.
openpyxl and python-calamine are imported inside functions: `zs --help` stays light.
"""
