"""The benchmark harness, piece by piece, on the CPU: no GPU is needed to prove that the
counts, the peaks, the correctness gate, the budget, the synchronisation and the report are
right; the GPU path is the same code with another device string and peak."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tf_katas.benchmarking.devices import DevicePeak, known_peak
from tf_katas.benchmarking.plugin import NO_GPU, precisions_for
from tf_katas.benchmarking.problems import (
    CPU_PROBLEMS,
    GPU_PROBLEMS,
    Problem,
    conv_flops,
    gemm_flops,
    rnn_flops,
)
from tf_katas.benchmarking.report import Row, complete, kernelbench_summary, plot, table
from tf_katas.benchmarking.timing import deadline, measure, mismatch

ROOT = Path(__file__).resolve().parents[2]


# --- counts -----------------------------------------------------------------------------


def test_flop_counts_match_hand_computed_values():
    assert gemm_flops(2, 3, 4) == 48
    # 5x5 images, 2 channels in, 3 out, 3x3 kernel: VALID gives 3x3 outputs, SAME 5x5.
    assert conv_flops(1, 5, 5, 2, 3, 3, 3, 1, "VALID") == 2 * 3 * 3 * 3 * 2 * 3 * 3 == 972
    assert conv_flops(1, 5, 5, 2, 3, 3, 3, 1, "SAME") == 2 * 3 * 5 * 5 * 2 * 3 * 3 == 2700
    assert conv_flops(1, 7, 7, 1, 1, 3, 3, 2, "SAME") == 2 * 4 * 4 * 9  # ceil(7 / 2) = 4
    assert conv_flops(1, 7, 7, 1, 1, 3, 3, 2, "VALID") == 2 * 3 * 3 * 9  # (7 - 3) // 2 + 1
    # hidden 2, input 3, batch 1, one step: 2 * gates * 2 * (2 + 3)
    assert rnn_flops("rnn", 2, 3, 1, 1) == 20
    assert rnn_flops("gru", 2, 3, 1, 1) == 60
    assert rnn_flops("lstm", 2, 3, 1, 1) == 80
    assert rnn_flops("lstm", 2, 3, 4, 5) == 80 * 4 * 5


def test_problems_carry_deepbench_sizes_in_their_ids():
    by_name = {p.name: p for p in GPU_PROBLEMS}
    assert by_name["gemm-m1760-n128-k1760"].flops() == 2 * 1760 * 128 * 1760
    lstm = by_name["deepbench-lstm-h512-b64-t25"]
    assert lstm.flops() == 2 * 4 * 512 * (512 + 512) * 64 * 25
    conv = by_name["resnet50-w56-h56-c64-n16-k64-3x3-s1"]
    assert conv.dims == (16, 56, 56, 64, 64, 3, 3, 1, "SAME")
    assert {p.hot_path for p in GPU_PROBLEMS} == {p.hot_path for p in CPU_PROBLEMS} == {
        "matmul", "conv", "rnn"}
    assert {p.path for p in CPU_PROBLEMS} == {"matmul", "conv", "rnn", "lstm", "gru"}


def test_arithmetic_intensity_counts_each_operand_once():
    gemm = Problem("matmul", "t", (4, 4, 4))
    assert gemm.min_bytes("float32") == 4 * 3 * 16
    assert gemm.min_bytes("bfloat16") == 2 * 3 * 16
    assert gemm.intensity("float32") == pytest.approx(128 / 192)


# --- peaks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("device_name", "expected"), [
    ("NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM"),
    ("NVIDIA H100 PCIe", "NVIDIA H100 PCIe"),
    ("NVIDIA H100 NVL", "NVIDIA H100 NVL"),
    ("NVIDIA H200", "NVIDIA H200 SXM"),
    ("NVIDIA A100-SXM4-80GB", "NVIDIA A100 80GB SXM"),
    ("NVIDIA A100 80GB PCIe", "NVIDIA A100 80GB PCIe"),
    ("NVIDIA A100-SXM4-40GB", "NVIDIA A100 40GB"),
    ("NVIDIA L4", "NVIDIA L4"),
    ("Tesla T4", "NVIDIA T4"),
    ("NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"),
    ("NVIDIA GeForce RTX 4070 Ti", "NVIDIA GeForce RTX 4070 Ti"),
    ("NVIDIA GeForce RTX 4070", "NVIDIA GeForce RTX 4070"),
])
def test_known_devices_get_their_datasheet_peak(device_name, expected):
    peak = known_peak(device_name)
    assert peak is not None and peak.name == expected
    assert peak.source.startswith("datasheet")
    assert peak.flops["float32"] > 1e12 and peak.bandwidth > 1e11


def test_datasheet_figures_are_dense_and_per_precision():
    h100 = known_peak("NVIDIA H100 80GB HBM3")
    assert h100.flops["tf32"] == pytest.approx(494.7e12)  # 989 TFLOPS is with sparsity
    assert h100.flops["bfloat16"] == pytest.approx(2 * h100.flops["tf32"], rel=1e-3)
    t4 = known_peak("Tesla T4")
    assert "tf32" not in t4.flops and "bfloat16" not in t4.flops and "float16" in t4.flops


@pytest.mark.parametrize("device_name", ["NVIDIA L40S", "NVIDIA GeForce GTX 1080 Ti", "", "cpu"])
def test_unknown_devices_get_no_datasheet_peak(device_name):
    """An L40S is not an L4: an unknown device gets a measured ceiling instead."""
    assert known_peak(device_name) is None


def test_precisions_follow_the_compute_capability():
    assert precisions_for("cpu", {}) == ["float32"]
    assert precisions_for("gpu", {"compute_capability": [7, 5]}) == ["float32", "float16"]
    assert precisions_for("gpu", {"compute_capability": [9, 0]}) == [
        "float32", "tf32", "bfloat16", "float16"]


# --- the correctness gate, the budget, synchronisation ------------------------------------


class Spy:
    def __init__(self, fn=None):
        self.calls = 0
        self.fn = fn or (lambda: np.ones((2, 2)))

    def __call__(self):
        self.calls += 1
        return self.fn()


def test_a_wrong_result_is_reported_incorrect_and_never_timed():
    kernel, timer = Spy(lambda: np.full((2, 2), 1.5)), Spy()
    outcome = measure(kernel, np.ones((2, 2)), "float32", budget_s=5, max_rounds=5,
                      timer=lambda timed, rounds: timer(), sync=lambda: None)
    assert outcome.status == "incorrect" and "not timed" in outcome.detail
    assert kernel.calls == 1 and timer.calls == 0 and outcome.seconds is None


@pytest.mark.parametrize(("result", "words"), [
    (np.full((2, 2), np.nan), "NaN"),
    (np.ones((2, 3)), "shape"),
    (None, "not an array"),
])
def test_non_finite_misshapen_or_missing_results_are_incorrect(result, words):
    outcome = measure(lambda: result, np.ones((2, 2)), "float32", budget_s=5, max_rounds=5,
                      sync=lambda: None)
    assert outcome.status == "incorrect" and words in outcome.detail


def test_tolerance_is_relative_to_the_result_scale_and_the_precision():
    expected = np.full((3,), 1000.0)
    assert mismatch(expected + 0.05, expected, "float32") is None  # 5e-5 of the scale
    assert mismatch(expected + 0.5, expected, "float32") is not None
    assert mismatch(expected + 5, expected, "bfloat16") is None  # 5e-3: bfloat16 rounding


def test_a_slow_kernel_is_stopped_at_the_budget():
    def python_loop_over_pixels():
        for _ in range(1000):
            time.sleep(0.01)  # 10 s if nobody stops it

    started = time.monotonic()
    outcome = measure(python_loop_over_pixels, None, "float32", budget_s=0.3, max_rounds=5,
                      sync=lambda: None)
    assert time.monotonic() - started < 2
    assert outcome.status == "too slow" and "0.3 s" in outcome.detail
    assert outcome.first_call_s == pytest.approx(0.3)


def test_a_first_call_over_the_budget_reports_its_time():
    outcome = measure(lambda: time.sleep(0.25), None, "float32", budget_s=0.2, max_rounds=5,
                      sync=lambda: None)
    assert outcome.status == "too slow"
    assert outcome.first_call_s is not None and outcome.first_call_s >= 0.2


@pytest.mark.parametrize("error", ["tensorflow", "python"])
def test_running_out_of_memory_is_reported_as_such(error):
    import tensorflow as tf

    def kernel():
        if error == "python":
            raise MemoryError
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor")

    outcome = measure(kernel, np.ones(2), "float32", budget_s=5, max_rounds=5, sync=lambda: None)
    assert outcome.status == "out of memory"


def test_a_stub_is_todo_and_another_error_is_an_error():
    def stub():
        raise NotImplementedError

    assert measure(stub, None, "float32", budget_s=5, max_rounds=5).status == "todo"
    outcome = measure(lambda: 1 / 0, None, "float32", budget_s=5, max_rounds=5,
                      sync=lambda: None)
    assert outcome.status == "error" and "ZeroDivisionError" in outcome.detail


@pytest.mark.parametrize("timer_kind", ["pytest-benchmark", "declining", "plain"])
def test_every_timed_call_ends_with_a_device_synchronisation(timer_kind):
    """The clock must never stop on an asynchronous dispatch: each call of the kernel is
    followed by exactly one synchronisation before the next call or the clock's stop."""
    events = []

    def kernel():
        events.append("call")
        return np.ones(2)

    def timer(timed, rounds):
        for _ in range(rounds):
            timed()
        return 1e-3

    timers = {"pytest-benchmark": timer, "declining": lambda timed, rounds: None, "plain": None}
    outcome = measure(kernel, np.ones(2), "float32", budget_s=5, max_rounds=4,
                      timer=timers[timer_kind], sync=lambda: events.append("sync"))
    assert outcome.status == "ok" and outcome.rounds == 4 and outcome.seconds > 0
    assert events == ["call", "sync"] * (1 + 1 + 4)  # check, warm-up, rounds


def test_the_budget_gives_back_an_outer_timer(monkeypatch):
    """pytest-timeout arms SIGALRM too: the budget must restore it, not cancel it."""
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with deadline(5):
            pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.5
        time.sleep(0.7)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --- the report ---------------------------------------------------------------------------


def _rows():
    def row(impl, problem, status="ok", seconds=1e-3, hot_path="matmul"):
        return Row(hot_path=hot_path, cell=hot_path, problem=problem, precision="float32",
                   mode="function", impl=impl, status=status, detail="", flops=2_000_000,
                   intensity=10.0, tf32_enabled=False, seconds=seconds if status == "ok"
                   else None)

    return [
        row("tensorflow", "a", seconds=1e-3), row("kata", "a", seconds=2e-3),  # half as fast
        row("tensorflow", "b", seconds=2e-3), row("kata", "b", seconds=1e-3),  # twice as fast
        row("tensorflow", "c"), row("kata", "c", status="incorrect"),
        row("tensorflow", "d", hot_path="conv"), row("kata", "d", status="todo", hot_path="conv"),
    ]


def test_report_computes_flops_share_of_peak_speedup_and_kernelbench_scores(tmp_path):
    rows = _rows()
    peak = DevicePeak("test device", {"float32": 4e9}, 1e10, "measured: test")
    complete(rows, peak)
    a_kata = rows[1]
    assert a_kata.flop_per_s == pytest.approx(1e9)
    assert a_kata.share_of_peak == pytest.approx(0.25)
    assert a_kata.speedup == pytest.approx(0.5) and rows[3].speedup == pytest.approx(2.0)
    assert rows[0].speedup is None  # TensorFlow's own rows have no speedup
    summary = kernelbench_summary(rows)
    # three kata benchmarks count (the todo does not): two correct, one of them faster.
    assert summary == {"benchmarks": 3, "correct": 2, "fast_0": 2 / 3, "fast_1": 1 / 3}
    lines = table(rows)
    assert lines[0].split()[:3] == ["hot", "path", "size"]
    assert any("incorrect" in line for line in lines)
    plot(tmp_path / "b.png", rows, peak, "test")
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- end to end, in the CPU mode --------------------------------------------------------

WRONG_MATMUL = '''
import tensorflow as tf


def batched_matmul(a, b):
    """Transposes b: right shape for square inputs, wrong values."""
    return tf.matmul(a, b, transpose_b=True)
'''

SLOW_CONV = '''
import time

import numpy as np


def conv2d(x, kernel, stride=1, padding="SAME"):
    """A Python loop over pixels."""
    for _ in range(10_000):
        time.sleep(0.01)
'''


def _pytest(*args, cwd=ROOT, timeout=300):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_plain_pytest_never_runs_benchmarks():
    run = _pytest("tests/benchmarks", "-q")
    assert "deselected" in run.stdout and " passed" not in run.stdout, run.stdout[-2000:]


def test_without_a_gpu_each_benchmark_skips_saying_how_to_run_the_cpu_mode(tmp_path):
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    run = _pytest("-m", "gpu", "tests/benchmarks", "-rs", "-k", "gemm-m1760",
                  f"--bench-out={tmp_path}")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "--bench-device=cpu" in run.stdout and " passed" not in run.stdout
    assert NO_GPU.split(":")[0] in run.stdout


def test_cpu_mode_gates_budgets_and_reports(tmp_path):
    """A wrong matmul is failed as incorrect and not timed, a pixel-loop conv is stopped
    at the budget, TensorFlow's ops are timed, and the JSON and the plot are written."""
    impl = tmp_path / "impl"
    impl.mkdir()
    (impl / "math_ops.py").write_text(textwrap.dedent(WRONG_MATMUL))
    (impl / "convolution.py").write_text(textwrap.dedent(SLOW_CONV))
    out = tmp_path / "out"
    run = _pytest("-m", "gpu", "--bench-device=cpu", f"--impl={impl}", f"--bench-out={out}",
                  "--bench-budget=1", "-k", "gemm-m256 or resnet-like", "-rs",
                  "tests/benchmarks")
    assert run.returncode == 1, run.stdout[-3000:]  # the incorrect kernel fails its test
    report = json.loads((out / "benchmarks.json").read_text())
    assert (out / "benchmarks.png").read_bytes()[:4] == b"\x89PNG"
    rows = {(r["cell"], r["impl"], r["mode"]): r for r in report["rows"]}
    for mode in ("function", "eager"):
        wrong = rows[("matmul", "kata", mode)]
        assert wrong["status"] == "incorrect" and wrong["seconds"] is None
        slow = rows[("conv", "kata", mode)]
        assert slow["status"] == "too slow" and slow["seconds"] is None
        for path in ("matmul", "conv"):
            baseline = rows[(path, "tensorflow", mode)]
            assert baseline["status"] == "ok" and baseline["seconds"] > 0
            assert baseline["flop_per_s"] > 0 and baseline["share_of_peak"] > 0
    assert report["summary"]["fast_0"] == 0 and report["peak"]["source"].startswith("measured")
    assert report["device"]["kind"] == "cpu" and report["tensorflow"]
    assert "kernelbench: fast_0 = 0.00" in run.stdout
    assert "incorrect" in run.stdout and "too slow" in run.stdout
