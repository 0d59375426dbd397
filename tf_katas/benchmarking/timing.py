"""Timing one function honestly: correct first, within a budget, the device synchronised.

KernelBench's rule: a result that is wrong (or not finite) is reported as *incorrect* and
never timed, so a fast wrong kernel earns nothing. A function far too slow (a Python loop
over pixels) is stopped at the budget and reported as *too slow* with the time of its first
call; running out of memory is reported as such. Every timed call ends with
`synchronise()`, so the clock never stops on an asynchronous dispatch.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

# Largest error allowed, relative to the largest magnitude of the expected result: two
# correct implementations differ by their summation order, which costs a few units of the
# precision's rounding error times the growth of long sums.
TOLERANCE = {"float64": 1e-9, "float32": 1e-4, "tf32": 1e-2, "bfloat16": 3e-2, "float16": 1e-2}


class BudgetExceeded(Exception):
    """The call did not finish within its time budget."""


@dataclass
class Outcome:
    status: str  # "ok", "incorrect", "too slow", "out of memory", "error" or "todo"
    detail: str = ""
    first_call_s: float | None = None
    seconds: float | None = None  # median of the timed rounds
    rounds: int = 0
    peak_memory_bytes: int | None = None


def synchronise() -> None:
    """Waits until every device has finished the work queued so far."""
    import tensorflow as tf

    tf.test.experimental.sync_devices()


@contextmanager
def deadline(seconds: float):
    """Raises BudgetExceeded in the block once `seconds` have passed (a SIGALRM timer, as
    pytest-timeout's own, which is saved and given back with its remaining time)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: the budget is then checked after the call
        return
    started = time.monotonic()
    old_handler = signal.getsignal(signal.SIGALRM)
    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)

    def stop(signum, frame):
        raise BudgetExceeded

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            remaining = max(old_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, remaining, old_interval)


def mismatch(actual, expected: np.ndarray, precision: str) -> str | None:
    """Why `actual` is not `expected` within the precision's tolerance, or None."""
    if actual is None:
        return "the result is None: not an array"
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError) as err:
        return f"the result is not an array of numbers ({type(actual).__name__}: {err})"
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    if not np.all(np.isfinite(actual)):
        return f"{int(np.sum(~np.isfinite(actual)))} values are NaN or infinite"
    scale = max(float(np.max(np.abs(expected))), np.finfo(np.float32).tiny) if expected.size else 1
    error = float(np.max(np.abs(actual - expected))) / scale if expected.size else 0.0
    if error > TOLERANCE[precision]:
        return (f"largest error {error:.2e} of the result's scale, over the {precision} "
                f"tolerance {TOLERANCE[precision]:.0e}")
    return None


def _is_out_of_memory(err: BaseException) -> bool:
    import tensorflow as tf

    return isinstance(err, (MemoryError, tf.errors.ResourceExhaustedError))


def measure(
    fn: Callable[[], object],
    expected: np.ndarray | None,
    precision: str,
    *,
    budget_s: float,
    max_rounds: int,
    timer: Callable[[Callable[[], object], int], float | None] | None = None,
    sync: Callable[[], None] = synchronise,
    memory: tuple[Callable[[], None], Callable[[], int | None]] | None = None,
) -> Outcome:
    """Checks, then times, `fn` (a call with its arguments bound).

    `expected`: the oracle's result at this size (None: `fn` is the oracle itself). `timer`
    runs `rounds` timed calls and returns their median in seconds (pytest-benchmark's
    pedantic mode in the benchmarks); by default a plain loop. `memory`: (reset, peak) of
    the device's allocator, where TensorFlow can tell it.
    """

    def timed():
        result = fn()
        sync()
        return result

    try:
        if memory:
            memory[0]()
        started = time.perf_counter()
        with deadline(budget_s):
            result = timed()
        first = time.perf_counter() - started
        peak = memory[1]() if memory else None
    except BudgetExceeded:
        return Outcome("too slow", f"the first call did not finish within the {budget_s:g} s "
                       "budget", first_call_s=budget_s)
    except NotImplementedError:
        return Outcome("todo", "not written yet (NotImplementedError)")
    except Exception as err:  # the code under test is anyone's: report, never crash the run
        status = "out of memory" if _is_out_of_memory(err) else "error"
        return Outcome(status, f"{type(err).__name__}: {str(err)[:300]}")
    if first > budget_s:
        return Outcome("too slow", f"the first call took {first:.2f} s, over the {budget_s:g} s "
                       "budget", first_call_s=first)
    if expected is not None:
        problem = mismatch(result, expected, precision)
        if problem:
            return Outcome("incorrect", problem + "; not timed", first_call_s=first)

    try:
        with deadline(budget_s):
            started = time.perf_counter()
            timed()  # warm-up: the first call traced a tf.function and filled caches
            warm = time.perf_counter() - started
        rounds = max(1, min(max_rounds, math.floor(budget_s / 2 / max(warm, 1e-9))))
        with deadline(budget_s):
            seconds = timer(timed, rounds) if timer else None
            if seconds is None:  # no timer, or one that declined (pytest-benchmark disabled)
                seconds = _median_of_loop(timed, rounds)
    except BudgetExceeded:
        return Outcome("too slow", f"timing did not finish within the {budget_s:g} s budget "
                       f"(first call {first:.3f} s)", first_call_s=first)
    except Exception as err:
        status = "out of memory" if _is_out_of_memory(err) else "error"
        return Outcome(status, f"{type(err).__name__}: {str(err)[:300]}", first_call_s=first)
    return Outcome("ok", first_call_s=first, seconds=seconds, rounds=rounds,
                   peak_memory_bytes=peak)


def _median_of_loop(timed: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        timed()
        times.append(time.perf_counter() - started)
    return float(np.median(times))
