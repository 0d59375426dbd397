"""Chooses the implementation under test, registers markers, makes every test repeatable.

`pytest` tests the learner's `katas/`; `pytest --impl=solutions` the reference; and
`pytest --impl=PATH` any folder of kata modules. Tests get their kata through the `kata`
fixture (the module named by the test file: tests/test_<kata>.py) or `load_kata(name)`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Before TensorFlow is first imported, anywhere: keep its C++ INFO/WARNING lines out of reports,
# and keep the packages Keras imports for features no test uses out of every start.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from tf_katas import lean_import  # noqa: E402

lean_import.install()

import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

from tf_katas.grading import judge  # noqa: E402
from tf_katas.loader import KataLoadError, load_kata_module  # noqa: E402
from tf_katas.project import resolve_impl  # noqa: E402
from tf_katas.testing import SEED, fix_seeds  # noqa: E402

# The hot-path benchmarks' options and end-of-run report (`pytest -m gpu`).
pytest_plugins = ["tf_katas.benchmarking.plugin"]

MARKERS = {
    "gpu": "hot-path benchmark; runs only with `pytest -m gpu`",
    "slow": "takes more than 5 s on 2 CPU cores",
    "training": "trains a model to a threshold",
    "in_process": "observes how the kata runs from inside its process (spies on TensorFlow "
    "calls); grading runs the kata in a sandbox out of reach, so `kata grade` skips it",
}

# Property tests draw shapes and axes; derandomized so that a grade never depends on luck.
settings.register_profile(
    "katas",
    max_examples=25,
    deadline=None,
    derandomize=True,
    # Shrinking gives a learner the smallest failing input; the explain phase costs seconds
    # per failing test and says little more.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# `kata watch` gives a first verdict from a quick profile (few examples, no shrinking) while
# the full one runs beside it; the verdict says which it is.
settings.register_profile(
    "katas-quick",
    parent=settings.get_profile("katas"),
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile(os.environ.get("KATA_HYPOTHESIS_PROFILE", "katas"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        default="katas",
        metavar="PATH",
        help="folder of kata modules under test: katas (default), solutions, or a submission",
    )
    judge.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    try:
        config.impl_dir = resolve_impl(config.getoption("--impl"), Path(config.rootpath))
    except FileNotFoundError as err:
        raise pytest.UsageError(str(err)) from None
    config.judge = judge.Judge(config) if config.getoption("--sandbox") else None
    if config.judge:
        config.pluginmanager.register(config.judge, "kata-judge")
        judge.shareable_basetemp(config)


@pytest.fixture(scope="session", autouse=True)
def _tensorflow_thread_pools() -> None:
    """Share the cores among xdist workers instead of every worker taking them all.

    Test modules import TensorFlow when collected; a run that never imports it (the tool's
    own tests) does not pay for the import here either.
    """
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = max(1, (os.cpu_count() or 1) // workers)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # the runtime already started: a module made a tensor when imported
        pass


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The tool's own tests (tests/tool) run only when named, so that plain `pytest`
    runs kata tests alone: on untouched stubs, every one of them must fail."""
    tool_tests = Path(config.rootpath) / "tests" / "tool"
    if collection_path != tool_tests:
        return None
    named = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    return None if any(p == tool_tests or tool_tests in p.parents for p in named) else True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.judge:
        skip = pytest.mark.skip(reason="observes the kata from inside its process: not graded")
        for item in items:
            if item.get_closest_marker("in_process"):
                item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"kata implementation under test: {config.impl_dir}"


@pytest.fixture(autouse=True)
def _fixed_seeds() -> None:
    """Every test starts from the same seeds: Python's, NumPy's and TensorFlow's (and, when
    grading, the same in the kata's process: see tf_katas.grading.judge)."""
    fix_seeds(SEED)


@pytest.fixture(scope="session")
def impl_dir(pytestconfig: pytest.Config) -> Path:
    """The folder of kata modules under test."""
    return pytestconfig.impl_dir


@pytest.fixture(scope="module")
def load_kata(pytestconfig: pytest.Config, impl_dir: Path):
    """Loads `<impl>/<name>.py`; a missing or broken module fails the test that asked.

    In grading mode (`--sandbox`) the module runs in its own limited process instead, and
    the tests get a proxy of it (tf_katas.grading.remote).
    """
    loaded, sandboxes = {}, []

    def load(name: str):
        if name not in loaded:
            try:
                if pytestconfig.judge:
                    loaded[name] = judge.open_kata(pytestconfig.judge, impl_dir, name, sandboxes)
                else:
                    loaded[name] = load_kata_module(impl_dir, name)
            except (KataLoadError, pytest.fail.Exception, judge.SandboxFailure) as err:
                loaded[name] = err
        if isinstance(loaded[name], KataLoadError):
            pytest.fail(str(loaded[name]), pytrace=False)
        if isinstance(loaded[name], BaseException):
            raise loaded[name]
        return loaded[name]

    yield load
    for sandbox in sandboxes:
        sandbox.close()


@pytest.fixture(scope="module")
def kata(request: pytest.FixtureRequest, load_kata):
    """The kata module this test file is about: tests/test_<kata>.py tests <impl>/<kata>.py."""
    test_module = request.module.__name__.rpartition(".")[2]
    return load_kata(test_module.removeprefix("test_"))
