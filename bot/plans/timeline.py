"""The plan as a PNG timeline (matplotlib's Agg backend, no display, no pyplot state).

Weeks are cells in rows of 12 (the 3-month plan) or 13 (a quarter of the longer plans),
coloured by the chapter block they belong to. A week's cell fills from the bottom with the
share of its tasks done; the current week has a thick red outline. Labels are English:
the container ships no Japanese font, and tofu boxes would help nobody.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping

from bot.plans.library import Plan

log = logging.getLogger(__name__)

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
           "#e15759", "#bab0ac", "#ff9da7")
CURRENT = "#d62728"
DONE_ALPHA, TODO_ALPHA = 0.95, 0.25


def render_timeline(plan: Plan, current_week: int | None = None,
                    done: Mapping[int, set[int]] | None = None, dpi: int = 100) -> bytes:
    # Imported here, not at the top: importing matplotlib needs its cache directory, which
    # bot.caches points under data_dir once the settings are known (read-only containers).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    done = done or {}
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
    title = plan.title.en
    if current_week:
        title += f" — current week {current_week}"
    axes.set_title(title, fontsize=12)
    legend = [Patch(facecolor=colour[first], label=f"{_weeks(first, last)}: {text.en}")
              for first, last, text in blocks]
    legend.append(Patch(facecolor="white", edgecolor=CURRENT, linewidth=2,
                        label="current week (fill = share of tasks done)"))
    figure.legend(handles=legend, loc="lower center", ncol=2, fontsize=8, frameon=False,
                  bbox_to_anchor=(0.5, 0.0))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _weeks(first: int, last: int) -> str:
    return f"Week {first}" if first == last else f"Weeks {first}-{last}"
