"""Exchange rates (汇率): a currency's rate for a month, set once and read by every conversion."""
