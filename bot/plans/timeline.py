"""The plan as a PNG timeline (matplotlib's Agg backend, no display, no pyplot state).

Weeks are cells in rows of 12 (the 3-month plan) or 13 (a quarter of the longer plans),
coloured by the chapter block they belong to. A week's cell fills from the bottom with the
share of its tasks done; the current week has a thick red outline. Labels are in the
reader's language; Japanese is drawn with IPAexGothic, the font the japanize-matplotlib
package ships (only its font file is used: importing the package would change matplotlib's
global settings). Without that font the labels fall back to English rather than tofu boxes.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.plans.library import Plan

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

log = logging.getLogger(__name__)

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
           "#e15759", "#bab0ac", "#ff9da7")
CURRENT = "#d62728"
DONE_ALPHA, TODO_ALPHA = 0.95, 0.25
JAPANESE_FONT = ("japanize_matplotlib", "fonts/ipaexg.ttf")  # package, file inside it
LABELS = {
    "current": {"ja": "{title} — 現在: 第{week}週", "en": "{title} — current week {week}"},
    "week": {"ja": "第{first}週", "en": "Week {first}"},
    "weeks": {"ja": "第{first}〜{last}週", "en": "Weeks {first}-{last}"},
    "legend": {"ja": "現在の週(塗り = 完了したタスクの割合)",
               "en": "current week (fill = share of tasks done)"},
    # A monthly plan's cells are months (issue 16).
    "current_month": {"ja": "{title} — 現在: 第{week}か月", "en": "{title} — current month {week}"},
    "month": {"ja": "第{first}か月", "en": "Month {first}"},
    "months": {"ja": "第{first}〜{last}か月", "en": "Months {first}-{last}"},
    "legend_month": {"ja": "現在の月(塗り = 完了したタスクの割合)",
                     "en": "current month (fill = share of tasks done)"},
}


@cache
def japanese_font() -> FontProperties | None:
    """IPAexGothic from the japanize-matplotlib package, or None if it is not installed."""
    from matplotlib.font_manager import FontProperties

    spec = importlib.util.find_spec(JAPANESE_FONT[0])  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        log.warning("japanize-matplotlib is not installed: timeline labels stay English")
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / JAPANESE_FONT[1]
    return FontProperties(fname=path) if path.is_file() else None


def timeline_texts(plan: Plan, current_week: int | None, language: str
                   ) -> tuple[str, list[str], str]:
    """The picture's title, one legend label per block, and the current-week label."""
    monthly = bool(plan.weeks) and plan.weeks[0].unit == "month"

    def label(key: str, **values: object) -> str:
        if monthly:
            key = {"current": "current_month", "week": "month", "weeks": "months",
                   "legend": "legend_month"}[key]
        return LABELS[key][language].format(**values)

    title = plan.title.ja if language == "ja" else plan.title.en
    if current_week:
        title = label("current", title=title, week=current_week)
    blocks = [label("week" if first == last else "weeks", first=first, last=last) + ": " +
              (text.ja if language == "ja" else text.en) for first, last, text in plan.blocks()]
    return title, blocks, label("legend")


def render_timeline(plan: Plan, current_week: int | None = None,
                    done: Mapping[int, set[int]] | None = None, dpi: int = 100,
                    language: str = "en") -> bytes:
    # Imported here, not at the top: importing matplotlib needs its cache directory, which
    # bot.caches points under data_dir once the settings are known (read-only containers).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch, Rectangle

    done = done or {}
    font = japanese_font() if language == "ja" else None
    if font is None:
        language = "en"
    columns = 12 if plan.total_weeks <= 12 else 13
    rows = math.ceil(plan.total_weeks / columns)
    blocks = plan.blocks()
    colour = {first: PALETTE[i % len(PALETTE)] for i, (first, _, _) in enumerate(blocks)}
    # Heights in inches: title, the grid, then the legend underneath.
    legend_rows = math.ceil((len(blocks) + 1) / 2)
    title_h, grid_h, legend_h = 0.5, 0.62 * rows, 0.24 * legend_rows + 0.25
    height = title_h + grid_h + legend_h
    figure = Figure(figsize=(11, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.03, legend_h / height, 0.94, grid_h / height))
    for week in plan.weeks:
        row, col = divmod(week.week - 1, columns)
        y = rows - 1 - row
        share = len(done.get(week.week, set()) & {t.index for t in week.tasks}) / len(week.tasks)
        if week.choose and done.get(week.week):
            share = 1.0  # a "pick one" week is complete once one option is done
        fill = colour[week.block_first]
        axes.add_patch(Rectangle((col + 0.05, y + 0.05), 0.9, 0.9, facecolor=fill,
                                 alpha=TODO_ALPHA, edgecolor="none"))
        if share > 0:
            axes.add_patch(Rectangle((col + 0.05, y + 0.05), 0.9, 0.9 * share,
                                     facecolor=fill, alpha=DONE_ALPHA, edgecolor="none"))
        is_current = week.week == current_week
        axes.add_patch(Rectangle((col + 0.05, y + 0.05), 0.9, 0.9, fill=False,
                                 edgecolor=CURRENT if is_current else "#666666",
                                 linewidth=3.0 if is_current else 0.5))
        axes.text(col + 0.5, y + 0.5, str(week.week), ha="center", va="center",
                  fontsize=8 if columns == 13 else 10,
                  fontweight="bold" if is_current else "normal")
    axes.set_xlim(0, columns)
    axes.set_ylim(0, rows)
    axes.set_aspect("auto")
    axes.axis("off")
    title, block_labels, current_label = timeline_texts(plan, current_week, language)
    axes.set_title(title, fontsize=12, fontproperties=font)
    legend = [Patch(facecolor=colour[first], label=text)
              for (first, _, _), text in zip(blocks, block_labels, strict=True)]
    legend.append(Patch(facecolor="white", edgecolor=CURRENT, linewidth=2, label=current_label))
    legend_font = font.copy() if font is not None else FontProperties()
    legend_font.set_size(8)
    figure.legend(handles=legend, loc="lower center", ncol=2, prop=legend_font, frameon=False,
                  bbox_to_anchor=(0.5, 0.0))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

