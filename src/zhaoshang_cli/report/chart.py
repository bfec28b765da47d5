"""The 通报's chart of completion by unit against 时序进度 and the 黄牌 line, as a PNG for the
Word document: drawn with matplotlib when the ``plot`` extra is installed, left out (None)
when it is not — the document is complete without it."""

import io
import warnings
from decimal import Decimal

from zhaoshang_cli.report.compute import Report

# Chinese unit names need a CJK font; the first one found is used (matplotlib falls back).
FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "DejaVu Sans",
]
COLOURS = {"county": "#C23531", "zone": "#2F4554", "department": "#61A0A8"}


def completion_png(report: Report) -> bytes | None:
    """The chart, or None without matplotlib or without units to draw."""
    try:
        from matplotlib import rc_context  # noqa: PLC0415 (the plot extra, optional)
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
        from matplotlib.ticker import PercentFormatter  # noqa: PLC0415
    except ImportError:
        return None
    rows = [(group.kind, row) for group in report.groups for row in group.rows]
    if not rows:
        return None
    progress = float(report.time_progress)
    yellow = float(report.threshold * report.time_progress)
    with (
        rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS}),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # a glyph missing from one font is drawn by the next
        figure = Figure(figsize=(10, 4.2), dpi=150)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        values = [float(row.completion or Decimal(0)) for _kind, row in rows]
        colours = [COLOURS.get(kind, "#91C7AE") for kind, _row in rows]
        axes.bar(range(len(rows)), values, color=colours, width=0.6)
        axes.axhline(progress, color="#1F5FBF", linewidth=1.6, label=f"时序进度 {progress:.1%}")
        axes.axhline(
            yellow, color="#E6A700", linewidth=1.6, linestyle="--", label=f"黄牌线 {yellow:.1%}"
        )
        axes.set_xticks(range(len(rows)))
        axes.set_xticklabels([row.unit for _kind, row in rows], rotation=45, ha="right", fontsize=8)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_ylabel("完成%")
        axes.set_title("各单位完成情况与时序进度")
        axes.legend(loc="upper right", fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
