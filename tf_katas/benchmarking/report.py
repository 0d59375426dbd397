"""The benchmarks' report: a table in the terminal, `benchmarks.json` and a plot."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tf_katas.benchmarking.devices import DevicePeak


@dataclass
class Row:
    hot_path: str  # matmul, conv or rnn
    cell: str  # the problem's path: matmul, conv, rnn, lstm or gru
    problem: str
    precision: str
    mode: str  # "function" (under tf.function) or "eager"
    impl: str  # "kata" (the code under test) or "tensorflow"
    status: str
    detail: str
    flops: int
    intensity: float
    tf32_enabled: bool
    seconds: float | None = None
    first_call_s: float | None = None
    rounds: int = 0
    peak_memory_bytes: int | None = None
    flop_per_s: float | None = None
    share_of_peak: float | None = None
    speedup: float | None = None  # TensorFlow's time / the kata's time (kata rows only)

    @property
    def key(self) -> tuple:
        return (self.cell, self.problem, self.precision, self.mode)


def complete(rows: list[Row], peak: DevicePeak) -> None:
    """Fills in FLOP/s, the share of the peak and, for the kata's rows, the speedup."""
    tensorflow = {r.key: r for r in rows if r.impl == "tensorflow" and r.status == "ok"}
    for row in rows:
        if row.status != "ok" or not row.seconds:
            continue
        row.flop_per_s = row.flops / row.seconds
        if row.precision in peak.flops:
            row.share_of_peak = row.flop_per_s / peak.flops[row.precision]
        baseline = tensorflow.get(row.key)
        if row.impl == "kata" and baseline and baseline.seconds:
            row.speedup = baseline.seconds / row.seconds


def kernelbench_summary(rows: list[Row]) -> dict:
    """KernelBench's terms over the kata's rows: fast_0, the share that are correct, and
    fast_1, the share correct and at least as fast as TensorFlow's op (rows not written
    yet are left out)."""
    kata = [r for r in rows if r.impl == "kata" and r.status != "todo"]
    correct = [r for r in kata if r.status == "ok"]  # too slow: never checked, never timed
    fast = [r for r in kata if r.status == "ok" and r.speedup is not None and r.speedup >= 1]
    total = len(kata)
    return {
        "benchmarks": total,
        "correct": len(correct),
        "fast_0": len(correct) / total if total else None,
        "fast_1": len(fast) / total if total else None,
    }


def _si(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    for factor, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.1f} {prefix}{unit}"
    return f"{value:.1f} {unit}"


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> list[str]:
    header = ("hot path", "size", "dtype", "mode", "code", "time", "FLOP/s", "% peak", "speedup",
              "status")
    lines = [header]
    for r in sorted(rows, key=lambda r: (r.hot_path, r.problem, r.precision, r.mode, r.impl)):
        lines.append((
            r.hot_path, r.problem, r.precision, r.mode, r.impl, _time(r.seconds),
            _si(r.flop_per_s, "FLOP/s"),
            "-" if r.share_of_peak is None else f"{100 * r.share_of_peak:.1f}",
            "-" if r.speedup is None else f"{r.speedup:.2f}x",
            r.status if r.status == "ok" else f"{r.status}: {r.detail}"[:60],
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    return ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)) + "  " +
            str(line[-1]) for line in lines]


def summary_line(summary: dict) -> str:
    if not summary["benchmarks"]:
        return "kernelbench: no benchmark of the code under test ran"
    return (f"kernelbench: fast_0 = {summary['fast_0']:.2f} ({summary['correct']} of "
            f"{summary['benchmarks']} correct), fast_1 = {summary['fast_1']:.2f} (correct and "
            "at least as fast as TensorFlow)")


def write_json(path: Path, rows: list[Row], peak: DevicePeak, device: dict, summary: dict) -> None:
    import keras
    import tensorflow as tf

    data = {
        "device": device,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "peak": {"name": peak.name, "flop_per_s": peak.flops, "bytes_per_s": peak.bandwidth,
                 "source": peak.source},
        "summary": summary,
        "rows": [asdict(r) for r in rows],
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def plot(path: Path, rows: list[Row], peak: DevicePeak, title: str) -> None:
    """Per hot path, achieved FLOP/s of the kata and of TensorFlow against the peak (under
    tf.function); and a roofline: arithmetic intensity against FLOP/s under the device's
    compute and bandwidth roofs."""
    from matplotlib.figure import Figure

    paths = ["matmul", "conv", "rnn"]
    fig = Figure(figsize=(15, 9), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    ok = [r for r in rows if r.status == "ok" and r.mode == "function" and r.flop_per_s]
    for column, hot_path in enumerate(paths):
        ax = fig.add_subplot(grid[0, column])
        mine = [r for r in ok if r.hot_path == hot_path]
        labels = sorted({(r.problem, r.precision) for r in mine})
        for offset, impl in ((-0.2, "kata"), (0.2, "tensorflow")):
            values = {(r.problem, r.precision): r.flop_per_s for r in mine if r.impl == impl}
            ax.bar([i + offset for i in range(len(labels))],
                   [values.get(label, 0) for label in labels], width=0.4, label=impl)
        for precision, flops in peak.flops.items():
            if any(p == precision for _, p in labels):
                ax.axhline(flops, linestyle="--", linewidth=1, color="grey")
                ax.annotate(f"peak {precision}", (0, flops), fontsize=7, color="grey")
        ax.set_xticks(range(len(labels)), [f"{p}\n{d}" for p, d in labels], rotation=30,
                      ha="right", fontsize=6)
        ax.set_yscale("log")
        ax.set_ylabel("FLOP/s")
        ax.set_title(f"{hot_path} (under tf.function)")
        ax.legend(fontsize=7)

    roof = fig.add_subplot(grid[1, :])
    intensities = [r.intensity for r in rows] or [1.0]
    low, high = min(intensities) / 4, max(intensities) * 4
    xs = [low * (high / low) ** (i / 100) for i in range(101)]
    for precision, flops in peak.flops.items():
        roof.plot(xs, [min(flops, x * peak.bandwidth) for x in xs], linewidth=1,
                  label=f"roof {precision}")
    markers = {"kata": "o", "tensorflow": "x"}
    for impl in ("kata", "tensorflow"):
        for hot_path in paths:
            points = [r for r in ok if r.impl == impl and r.hot_path == hot_path]
            if points:
                roof.scatter([r.intensity for r in points], [r.flop_per_s for r in points],
                             marker=markers[impl], label=f"{impl} {hot_path}")
    roof.set_xscale("log")
    roof.set_yscale("log")
    roof.set_xlabel("arithmetic intensity (FLOP per byte moved, at least)")
    roof.set_ylabel("FLOP/s")
    roof.set_title(f"roofline ({peak.source})", fontsize=9)
    roof.legend(fontsize=7, ncol=4)
    fig.suptitle(title)
    fig.savefig(path, dpi=110)
