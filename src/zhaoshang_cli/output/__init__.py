"""Helpers of the features' renderers: Excel writing, terminal widths, progress bars."""
