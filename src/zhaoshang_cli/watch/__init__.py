"""Watching projects and units (督查): what to chase, who lags, how the pipeline flows, and
the quarterly 评比. Computed into plain data over one read snapshot; the CLI renders it."""
