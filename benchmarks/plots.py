"""The report's PNG plots (matplotlib, Agg backend: no display on these machines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after matplotlib.use: the backend must be chosen first


def _style(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("corpus size (synthetic pages)")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def latency(rows: list[dict[str, Any]], path: Path) -> Path:
    """`ask` p50/p95/p99 and the floor's p95 against corpus size, with the targets."""
    sizes = [r["size"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for key, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^-")):
        ax.plot(sizes, [r["ask_ms"][key] for r in rows], style, label=f"ask {key}")
    floor = [r["floor_ms"]["p95"] for r in rows]
    ax.plot(sizes, floor, "k--", label="floor p95 (encode + Chroma query)")
    ax.plot(sizes, [2 * f for f in floor], "k:", label="target: 2 x floor p95")
    ax.axhline(100, color="red", linestyle="-.", linewidth=1, label="target: p95 < 100 ms")
    ax.set_xscale("log")
    _style(ax, "Query latency (extractive, model loaded)", "milliseconds")
    return _save(fig, path)


def throughput(rows: list[dict[str, Any]], path: Path) -> Path:
    """Ingest and raw-encode chunks/s against size; projected points drawn hollow."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label, color in (
        ("raw_chunks_per_s", "raw SentenceTransformer.encode", "tab:blue"),
        ("ingest_chunks_per_s", "ingest (sync)", "tab:orange"),
    ):
        _measured_and_projected(left, rows, key, color, label, " (projected)")
    left.set_xscale("log")
    left.set_ylim(bottom=0)
    _style(left, "Throughput", "chunks per second")
    _measured_and_projected(
        right, rows, "ratio", "tab:green", "ingest / raw encode", " (projected range)"
    )
    right.axhline(0.85, color="red", linestyle="-.", linewidth=1, label="target >= 0.85")
    right.set_xscale("log")
    right.set_ylim(0, 1.1)
    _style(right, "Ingest throughput relative to raw encode", "ratio")
    return _save(fig, path)


def _measured_and_projected(
    ax: Any, rows: list[dict[str, Any]], key: str, color: str, label: str, projected_note: str
) -> None:
    """One series as dots: filled where measured, hollow where projected."""
    for projected in (False, True):
        points = [(r["size"], r[key]) for r in rows if r["projected"] == projected]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(
                xs,
                ys,
                "o",
                color=color,
                markerfacecolor="none" if projected else color,
                label=label + (projected_note if projected else ""),
            )


def quality(sets: dict[str, dict[str, Any]], path: Path) -> Path:
    """section_hit@1 and outcome accuracy per question kind, assistant vs baseline."""
    fig, axes = plt.subplots(1, len(sets), figsize=(6 * len(sets), 4), squeeze=False)
    for ax, (name, data) in zip(axes[0], sets.items(), strict=True):
        kinds = list(data["by_kind"])
        width = 0.2
        for offset, (system, metric) in enumerate(
            (
                ("assistant", "section_hit@1"),
                ("baseline", "section_hit@1"),
                ("assistant", "outcome_accuracy"),
                ("baseline", "outcome_accuracy"),
            )
        ):
            values = [data["by_kind"][k][system].get(metric) or 0.0 for k in kinds]
            xs = [i + (offset - 1.5) * width for i in range(len(kinds))]
            ax.bar(xs, values, width, label=f"{system} {metric}")
        ax.set_xticks(range(len(kinds)))
        ax.set_xticklabels(kinds, rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{name} set", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=7)
    return _save(fig, path)


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
