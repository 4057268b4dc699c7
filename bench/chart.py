"""Draw bench/results/scaling.png from results-*.json (run with the peers venv's Python).

    bench/.work/peers-venv/bin/python bench/chart.py bench/results
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

# (configuration, tool): label. Files from before configurations hold "tools" only (peer).
LINES = {("peer", "briefings"): "Briefings (peer)", ("defaults", "briefings"):
         "Briefings (defaults)", ("peer", "hugo"): "Hugo", ("peer", "pelican"): "Pelican"}
PANELS = (("full", "Full build from nothing"), ("edit-article", "Rebuild after one article edit"))


def summaries(data: dict, config: str, tool: str) -> dict:
    """The per-case summary of TOOL in CONFIG ({} when absent)."""
    configs = data.get("configs") or {"peer": {"tools": data.get("tools", {})}}
    tools = configs.get(config, {}).get("tools", {})
    return tools[tool]["summary"] if tool in tools else {}


def main(results: Path) -> None:
    """Plot median seconds (min-max bars) against article count, per tool and case."""
    data = sorted((json.loads(p.read_text(encoding="utf-8"))
                   for p in results.glob("results-*.json")), key=lambda d: d["articles"])
    fig, axes = plt.subplots(1, len(PANELS), figsize=(11, 4.5))
    for ax, (case, title) in zip(axes, PANELS, strict=True):
        for (config, tool), label in LINES.items():
            points = [(d["articles"], summaries(d, config, tool)[case]) for d in data
                      if case in summaries(d, config, tool)]
            if not points:
                continue
            xs = [n for n, _ in points]
            med = [s["median_s"] for _, s in points]
            low = [s["median_s"] - s["min_s"] for _, s in points]
            high = [s["max_s"] - s["median_s"] for _, s in points]
            ax.errorbar(xs, med, yerr=[low, high], marker="o", capsize=3, label=label,
                        linestyle="--" if config == "defaults" else "-")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([d["articles"] for d in data])
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,g}"))
            axis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("articles")
        ax.set_ylabel("wall seconds (median, min\u2013max)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(results / "scaling.png", dpi=120)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
