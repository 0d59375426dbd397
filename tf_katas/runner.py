"""Runs katas' tests in a pytest subprocess and turns the outcomes into kata statuses."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tf_katas.manifest import Kata

# A kata's status, as `kata list` shows it.
PASSING, FAILING, TODO, ERROR = "passing", "failing", "todo", "error"


@dataclass
class Outcome:
    nodeid: str
    outcome: str  # passed / failed / error / skipped
    message: str = ""
    detail: str = ""
    not_implemented: bool = False
    failure: str = ""  # how it failed: "assertion", "kata" (raised in the kata) or "test"
    sandbox: str = (
        ""  # grading: "crashed", "timeout" or "memory" when the kata's process was stopped
    )
    duration: float = 0.0

    @property
    def name(self) -> str:
        return self.nodeid.split("::", 1)[-1]


@dataclass
class KataResult:
    name: str
    status: str
    tests: list[Outcome] = field(default_factory=list)
    message: str = ""  # why the kata could not be run at all, if it could not

    @property
    def passed(self) -> int:
        return sum(t.outcome == "passed" for t in self.tests)

    @property
    def first_failure(self) -> Outcome | None:
        failures = [t for t in self.tests if t.outcome in ("failed", "error")]
        # A learner acts on a real failure before a test still waiting for a stub.
        return next(
            (t for t in failures if not t.not_implemented), failures[0] if failures else None
        )


def kata_status(tests: list[Outcome]) -> str:
    if not tests:
        return ERROR
    counted = [t for t in tests if t.outcome != "skipped"]
    if all(t.outcome == "passed" for t in counted):
        return PASSING
    if all(t.outcome == "error" and not t.not_implemented for t in counted):
        return ERROR
    if not any(t.outcome == "passed" for t in counted) and all(
        t.not_implemented for t in counted if t.outcome != "passed"
    ):
        return TODO
    return FAILING


def pytest_command(
    impl_dir: Path,
    katas: list[Kata],
    results: Path,
    workers: int = 0,
    extra: tuple[str, ...] = (),
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(k.test_file for k in katas),
        f"--impl={impl_dir}",
        "-p",
        "tf_katas.collect",
        f"--kata-results={results}",
        "-p",
        "no:cacheprovider",
        "-q",
        "--no-header",
        "-rN",
        # Plugins installed beside pytest that no kata's test uses: each costs every start.
        "-p",
        "no:anyio",
        "-p",
        "no:benchmark",
        *extra,
    ]
    if workers > 1:
        command += ["-n", str(workers)]
    else:
        command += ["-p", "no:xdist"]
    return command


def default_workers(katas: list[Kata]) -> int:
    """xdist pays a second TensorFlow import; worth it only for several katas."""
    return min(os.cpu_count() or 1, 4) if len(katas) > 12 else 0


def run_katas(
    root: Path,
    impl_dir: Path,
    katas: list[Kata],
    *,
    workers: int | None = None,
    extra: tuple[str, ...] = (),
    runner=None,
) -> dict[str, KataResult]:
    """Runs the katas' tests against `impl_dir`; one KataResult per kata.

    `runner(command, cwd)` runs the pytest command and returns (exit code, output); the
    default is a fresh subprocess, the watcher passes a pre-warmed one.
    """
    workers = default_workers(katas) if workers is None else workers
    with tempfile.TemporaryDirectory(prefix="kata-") as tmp:
        results_file = Path(tmp) / "results.json"
        command = pytest_command(impl_dir, katas, results_file, workers, extra)
        code, output = (runner or run_subprocess)(command, root)
        if not results_file.is_file():
            raise RuntimeError(f"pytest stopped before reporting (exit {code}):\n{output[-3000:]}")
        data = json.loads(results_file.read_text(encoding="utf-8"))
    by_kata: dict[str, list[Outcome]] = {k.name: [] for k in katas}
    for entry in data["tests"]:
        name = _kata_of(entry["nodeid"])
        if name in by_kata:
            by_kata[name].append(Outcome(**entry))
    broken = {_kata_of(e["nodeid"]): e["message"] for e in data["collect_errors"]}
    return {
        k.name: KataResult(
            k.name,
            ERROR if k.name in broken else kata_status(by_kata[k.name]),
            by_kata[k.name],
            broken.get(k.name, ""),
        )
        for k in katas
    }


def _kata_of(nodeid: str) -> str:
    return Path(nodeid.split("::")[0]).stem.removeprefix("test_")


def run_subprocess(command: list[str], cwd: Path) -> tuple[int, str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


class ResultCache:
    """Remembers results per kata, keyed by the content of everything that decides them, so
    `kata list` reruns only the katas whose code or tests changed."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".kata-cache" / "results.json"
        self.root = root
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def key(self, impl_dir: Path, kata: Kata) -> str:
        digest = hashlib.sha256(str(impl_dir).encode())
        for path in (
            impl_dir / f"{kata.name}.py",
            self.root / kata.test_file,
            self.root / "conftest.py",
            Path(__file__).with_name("testing.py"),
        ):
            digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        return digest.hexdigest()

    def get(self, impl_dir: Path, kata: Kata) -> KataResult | None:
        entry = self.entries.get(f"{impl_dir}::{kata.name}")
        if not entry or entry["key"] != self.key(impl_dir, kata):
            return None
        result = entry["result"]
        return KataResult(
            result["name"],
            result["status"],
            [Outcome(**t) for t in result["tests"]],
            result["message"],
        )

    def put(self, impl_dir: Path, kata: Kata, result: KataResult) -> None:
        self.entries[f"{impl_dir}::{kata.name}"] = {
            "key": self.key(impl_dir, kata),
            "result": asdict(result),
        }

    def save(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        self.path.write_text(json.dumps(self.entries), encoding="utf-8")


# A pytest process's start with TensorFlow's import, on 2 cores: what every run pays first.
STARTUP_SECONDS = 6.0


def refresh_estimate(
    root: Path, impl_dir: Path, katas: list[Kata], *, fresh: bool = False
) -> tuple[list[Kata], float]:
    """The katas whose results are not cached (all of them when `fresh`), and about how
    many seconds running them takes: their last run's test times where known, else the
    reference's graded times."""
    from tf_katas.grading.timing import REFERENCE_TIMES

    cache = ResultCache(root)
    stale = list(katas) if fresh else [k for k in katas if cache.get(impl_dir, k) is None]
    if not stale:
        return [], 0.0
    try:
        reference = json.loads(REFERENCE_TIMES.read_text(encoding="utf-8"))["tests"]
    except (OSError, ValueError, KeyError):
        reference = {}
    seconds = 0.0
    for kata in stale:
        entry = cache.entries.get(f"{impl_dir}::{kata.name}")
        if entry:
            seconds += sum(t.get("duration", 0.0) for t in entry["result"]["tests"])
        else:
            prefix = f"{kata.test_file}::"
            seconds += sum(v for k, v in reference.items() if k.startswith(prefix))
    workers = max(1, default_workers(stale))
    return stale, STARTUP_SECONDS * min(workers, 2) + seconds / workers


def results_for(
    root: Path, impl_dir: Path, katas: list[Kata], *, fresh: bool = False, **run_options
) -> dict[str, KataResult]:
    """Results for `katas`, from the cache where nothing changed, else by running them."""
    cache = ResultCache(root)
    results = {} if fresh else {k.name: r for k in katas if (r := cache.get(impl_dir, k))}
    stale = [k for k in katas if k.name not in results]
    if stale:
        fresh_results = run_katas(root, impl_dir, stale, **run_options)
        for kata in stale:
            results[kata.name] = fresh_results[kata.name]
            cache.put(impl_dir, kata, fresh_results[kata.name])
        cache.save()
    return {k.name: results[k.name] for k in katas}
