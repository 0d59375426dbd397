"""The pytest side of the benchmarks: options, the device, skipping, the end-of-run report.

Registered by the project's conftest.py. Benchmarks are the tests marked `gpu`; the
project's `addopts` deselect them, so they run only under `pytest -m gpu`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tf_katas.benchmarking.devices import DevicePeak, known_peak, measured_peak
from tf_katas.benchmarking.report import (
    Row,
    complete,
    kernelbench_summary,
    plot,
    summary_line,
    table,
    write_json,
)

NO_GPU = (
    "no GPU visible to TensorFlow: run the CPU mode, `pytest -m gpu --bench-device=cpu` "
    "(small sizes, few rounds), or install the CUDA build: pip install -e \".[cuda]\""
)
DEFAULT_BUDGET_S = {"gpu": 10.0, "cpu": 10.0}
MAX_ROUNDS = {"gpu": 50, "cpu": 5}
# The ceiling measured where the device has no datasheet entry: the largest GEMM it runs.
CEILING_GEMM = {"gpu": 8192, "cpu": 1024}
CEILING_VECTOR = {"gpu": 1 << 28, "cpu": 1 << 24}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tf-katas benchmarks (pytest -m gpu)")
    group.addoption("--bench-device", choices=("gpu", "cpu"), default="gpu",
                    help="gpu (default; skips without one) or cpu: small sizes, few rounds")
    group.addoption("--bench-out", default=".benchmarks/hot-paths", metavar="DIR",
                    help="where benchmarks.json and benchmarks.png go")
    group.addoption("--bench-budget", type=float, default=None, metavar="SECONDS",
                    help="time allowed per benchmark before it is reported too slow "
                         "(default 10)")


@dataclass
class BenchSession:
    """What the benchmarks of one run share: the device, its peak, the rows so far."""

    kind: str  # "gpu" or "cpu"
    device: str  # "/GPU:0" or "/CPU:0"
    details: dict
    budget_s: float
    max_rounds: int
    precisions: list[str]
    rows: list[Row] = field(default_factory=list)
    _peak: DevicePeak | None = None

    @property
    def peak(self) -> DevicePeak:
        if self._peak is None:
            name = self.details.get("device_name", "")
            self._peak = (known_peak(name) if self.kind == "gpu" else None) or measured_peak(
                name or "CPU", self.device, CEILING_GEMM[self.kind], CEILING_VECTOR[self.kind])
        return self._peak


def _gpu_details() -> dict | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    details = dict(tf.config.experimental.get_device_details(gpus[0]))
    details["compute_capability"] = list(details.get("compute_capability") or ())
    return details


def _cpu_name() -> str:
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def precisions_for(kind: str, details: dict) -> list[str]:
    """float32 everywhere; on NVIDIA GPUs also TF32 and bfloat16 (compute capability 8.0
    and newer) and float16 (7.0 and newer)."""
    if kind == "cpu":
        return ["float32"]
    capability = tuple(details.get("compute_capability") or (0, 0))
    found = ["float32"]
    if capability >= (8, 0):
        found += ["tf32", "bfloat16"]
    if capability >= (7, 0):
        found.append("float16")
    return found


def bench_session(config: pytest.Config) -> BenchSession | None:
    """The run's BenchSession, made on first use; None without the device asked for."""
    key = "_tf_katas_bench"
    if not hasattr(config, key):
        kind = config.getoption("--bench-device")
        if kind == "gpu":
            details = _gpu_details()
        else:
            details = {"device_name": _cpu_name(), "cpus": os.cpu_count()}
        session = None
        if details is not None:
            budget = config.getoption("--bench-budget") or DEFAULT_BUDGET_S[kind]
            session = BenchSession(kind, "/GPU:0" if kind == "gpu" else "/CPU:0", details,
                                   budget, MAX_ROUNDS[kind], precisions_for(kind, details))
        setattr(config, key, session)
    return getattr(config, key)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    benchmarks = [item for item in items if item.get_closest_marker("gpu")]
    if not benchmarks or "gpu" not in (config.getoption("-m") or ""):
        return
    if bench_session(config) is None:
        for item in benchmarks:
            item.add_marker(pytest.mark.skip(reason=NO_GPU))


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    session = getattr(config, "_tf_katas_bench", None)
    if session is None or not session.rows:
        return
    peak = session.peak
    complete(session.rows, peak)
    summary = kernelbench_summary(session.rows)
    write = terminalreporter.write_line
    mode = "CPU mode (small sizes)" if session.kind == "cpu" else "GPU"
    terminalreporter.section(f"hot-path benchmarks: {mode}, {peak.name}")
    write(f"peak: {peak.source}; budget {session.budget_s:g} s per benchmark")
    for line in table(session.rows):
        write(line)
    write(summary_line(summary))
    if peak.source.startswith("measured") and any(
            (r.share_of_peak or 0) > 1 for r in session.rows):
        write("note: some results exceed the measured ceiling: it was measured on a busy "
              "machine, or a small problem ran from cache; read % peak as a rough guide here")
    out = Path(config.getoption("--bench-out"))
    out.mkdir(parents=True, exist_ok=True)
    device = {"kind": session.kind, **session.details}
    write_json(out / "benchmarks.json", session.rows, peak, device, summary)
    plot(out / "benchmarks.png", session.rows, peak, f"tf-katas hot paths: {mode}, {peak.name}")
    write(f"wrote {out / 'benchmarks.json'} and {out / 'benchmarks.png'}")
