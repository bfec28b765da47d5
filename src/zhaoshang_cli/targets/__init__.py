"""Targets (目标任务): setting them, which is in force, and allocating them down the tree."""
