"""The completion report (通报): computed once into plain data, rendered separately."""

from zhaoshang_cli.report.compute import Report, build_report

__all__ = ["Report", "build_report"]
