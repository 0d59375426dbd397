"""Red team: submissions that try to take points without doing the work, or to break the
grader, each graded by `kata grade` on a toy project with two katas.

In each attack the kata `toy` is the attacker and must score 0 (or be graded on its
merits); the honest kata `other` must keep its full points; the reports must be well
formed; and no process of the submission may outlive the grader.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tf_katas.grading.isolation import bubblewrap_problem

from .conftest import make_toy_project

OTHER_SOLUTION = '''"""Other kata."""

import numpy as np


def add(a, b):
    """Return a + b, element-wise."""
    return np.add(a, b)
'''

OTHER_TESTS = """
import numpy as np
import pytest

from tf_katas.testing import assert_array


def test_add_scalars(kata):
    assert kata.add(2, 3) == 5


def test_add_arrays(kata):
    assert_array(kata.add(np.arange(3), np.ones(3)), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("n", [1, 4])
def test_add_many(kata, n):
    assert_array(kata.add(np.zeros(n), np.full(n, 2.0)), np.full(n, 2.0))
"""

OTHER_MANIFEST = """
[[kata]]
name = "other"
title = "Other"
heading = "别的"
section = "A. Toys"
points = 7
hints = ["np.add"]
"""

HONEST_TOY = """
def double(x):
    return 2 * x


def halve(x):
    return x / 2
"""

MARKER = "kata-redteam-marker"


@pytest.fixture
def grading_project(tmp_path: Path) -> Path:
    return make_grading_project(tmp_path)


def make_grading_project(tmp_path: Path) -> Path:
    """The toy project with a second kata, `other`, and array-valued tests for `toy`."""
    toy_project = make_toy_project(tmp_path)
    (toy_project / "solutions" / "other.py").write_text(OTHER_SOLUTION)
    (toy_project / "tests" / "test_other.py").write_text(OTHER_TESTS)
    with open(toy_project / "manifest.toml", "a") as manifest:
        manifest.write(OTHER_MANIFEST)
    with open(toy_project / "tests" / "test_toy.py", "a") as tests:
        tests.write(
            textwrap.dedent("""

            def test_double_array(kata):
                import numpy as np
                from tf_katas.testing import assert_array
                assert_array(kata.double(np.arange(3.0)), [0.0, 2.0, 4.0])
        """)
        )
    return toy_project


def submission(project: Path, name: str, toy_source: str, extra_files: dict | None = None) -> Path:
    folder = project / "submissions" / name
    folder.mkdir(parents=True)
    (folder / "toy.py").write_text(textwrap.dedent(toy_source))
    shutil.copy(project / "solutions" / "other.py", folder / "other.py")
    for filename, text in (extra_files or {}).items():
        (folder / filename).write_text(textwrap.dedent(text))
    return folder


def grade(
    project: Path, path: Path, *options: str, env: dict | None = None
) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "tf_katas.cli",
        "grade",
        str(path),
        "--out",
        str(project / "out"),
        "--test-seconds",
        "3",
        "--kata-seconds",
        "20",
        "--memory-mb",
        "600",
        *options,
    ]
    return subprocess.run(
        command,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def leftover_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if MARKER.encode() in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                pass
    return found


def read_reports(out: Path) -> dict:
    """Every report, parsed: they must be well formed whatever the submission did."""
    report = json.loads((out / "report.json").read_text())
    results = json.loads((out / "results.json").read_text())
    junit = ET.parse(out / "junit.xml").getroot()
    assert junit.tag == "testsuites" and {s.get("name") for s in junit} == {"toy", "other"}
    assert results["score"] == report["total"]
    assert {t["name"].split(":")[0]: t["score"] for t in results["tests"]} == {
        k["name"]: k["points"] for k in report["katas"]
    }
    assert (out / "summary.md").read_text().startswith("## tf-katas")
    return {k["name"]: k for k in report["katas"]}


ATTACKS = {
    "exit_at_import": "import sys\nsys.exit(0)\n",
    "os_exit_in_a_call": """
        import os

        def double(x):
            os._exit(0)

        def halve(x):
            return x / 2
    """,
    "infinite_loop": """
        def double(x):
            while True:
                pass

        def halve(x):
            return x / 2
    """,
    "sleeps_ignoring_sigterm": """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

        def double(x):
            time.sleep(1000)

        halve = double
    """,
    "child_processes_and_a_daemon": f'''
        import os, subprocess
        import sys
        SLEEPER = [sys.executable, "-c", "import time; time.sleep(1000)", "{MARKER}"]
        subprocess.Popen(SLEEPER)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(SLEEPER[0], SLEEPER)
            os._exit(0)

        def double(x):
            subprocess.Popen(SLEEPER, start_new_session=True)
            return 2 * x + 1

        def halve(x):
            return x
    ''',
    "eats_memory": """
        def double(x):
            hoard = []
            while True:
                hoard.append(bytearray(50 * 2**20))
                hoard[-1][::4096] = b"x" * len(hoard[-1][::4096])

        def halve(x):
            return x / 2
    """,
    "equal_to_anything": """
        class Anything(float):
            def __eq__(self, other):
                return True
            __ne__ = lambda self, other: False
            __hash__ = float.__hash__
            def __array__(self, dtype=None, copy=None):
                raise TypeError("no")

        def double(x):
            return Anything(0)

        def halve(x):
            return Anything(0)
    """,
    "patches_assertions_and_pytest": """
        import numpy, numpy.testing, unittest, pytest, _pytest.runner, _pytest.outcomes
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.testing.assert_array_equal = lambda *a, **k: None
        numpy.allclose = lambda *a, **k: True
        unittest.TestCase.assertEqual = lambda *a, **k: None
        pytest.approx = lambda *a, **k: a[0]
        _pytest.outcomes.fail = lambda *a, **k: None
        _pytest.runner.call_and_report = lambda *a, **k: None
        import builtins
        builtins.AssertionError = type("Never", (Exception,), {})

        def double(x):
            return x

        def halve(x):
            return x
    """,
    "swaps_sys_modules": """
        import sys, types
        fake = types.ModuleType("tf_katas.testing")
        fake.assert_array = lambda *a, **k: None
        sys.modules["tf_katas.testing"] = fake
        sys.modules["numpy"] = types.ModuleType("numpy")

        def double(x):
            return 0

        def halve(x):
            return 0
    """,
    "prints_a_fake_summary": """
        print("toy: 5 of 5 points (100 %)")
        print("==================== 99 passed in 0.01s ====================")

        def double(x):
            print("PASSED " * 1000)
            raise ValueError("x" * 10_000_000)

        def halve(x):
            return x
    """,
    "kills_the_judge": """
        import os, signal

        def double(x):
            os.kill(os.getppid(), signal.SIGKILL)

        halve = double
    """,
}


@pytest.fixture(scope="module")
def graded_attacks(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, dict]:
    """Every attack graded in one `kata grade` over a folder of submissions."""
    project = make_grading_project(tmp_path_factory.mktemp("redteam"))
    for name, source in ATTACKS.items():
        submission(project, name, source)
    submission(
        project,
        "with_a_conftest",
        "def double(x):\n    return 0\n\nhalve = double\n",
        {
            "conftest.py": """
            import pytest

            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_makereport(item, call):
                outcome = yield
                outcome.get_result().outcome = "passed"
        """,
            "pytest.ini": "[pytest]\naddopts = -p no:tf_katas.collect\n",
        },
    )
    submission(project, "honest", HONEST_TOY)
    done = grade(project, project / "submissions", "--jobs", "2")
    return (
        project,
        done,
        {
            name: read_reports(project / "out" / name)
            for name in [*ATTACKS, "with_a_conftest", "honest"]
        },
    )


@pytest.mark.parametrize("attack", [*ATTACKS, "with_a_conftest"])
def test_the_attacker_scores_nothing_and_the_honest_kata_everything(graded_attacks, attack):
    _, done, reports = graded_attacks
    assert done.returncode == 0, done.stdout + done.stderr
    katas = reports[attack]
    assert katas["toy"]["points"] == 0, katas["toy"]
    assert katas["other"]["points"] == 7 and katas["other"]["status"] == "passed", katas["other"]


def test_an_honest_submission_scores_full_marks(graded_attacks):
    _, _, reports = graded_attacks
    assert reports["honest"]["toy"]["points"] == 5 and reports["honest"]["other"]["points"] == 7


@pytest.mark.parametrize(
    ("attack", "status"),
    [
        ("exit_at_import", "error"),
        ("os_exit_in_a_call", "error"),
        ("infinite_loop", "timeout"),
        ("sleeps_ignoring_sigterm", "timeout"),
        ("eats_memory", "error"),
    ],
)
def test_stopped_katas_say_why(graded_attacks, attack, status):
    _, _, reports = graded_attacks
    assert reports[attack]["toy"]["status"] == status


def test_no_process_of_a_submission_outlives_the_grader(graded_attacks):
    assert leftover_processes() == []


def test_printed_text_is_never_taken_for_the_grade(graded_attacks):
    project, done, reports = graded_attacks
    assert "toy: 5 of 5 points" not in done.stdout and "99 passed" not in done.stdout
    assert "prints_a_fake_summary: 7 of 12 points" in done.stdout


def test_huge_outputs_are_cut_in_the_reports(graded_attacks):
    project, _, _ = graded_attacks
    for report in (project / "out" / "prints_a_fake_summary").iterdir():
        assert report.stat().st_size < 100_000, report


def test_the_class_table_lists_every_submission(graded_attacks):
    project, _, _ = graded_attacks
    rows = (project / "out" / "scores.csv").read_text().splitlines()
    assert rows[0] == "submission,total,max,percent,toy,other"
    assert len(rows) == 1 + len(ATTACKS) + 2
    assert "honest,12.0,12,100.0,5.0,7.0" in rows


def test_a_forged_report_is_overwritten_by_the_real_one(grading_project):
    out = grading_project / "out"
    folder = submission(
        grading_project,
        "forger",
        f'''
        import json, os
        os.makedirs("{out}", exist_ok=True)
        for name in ("report.json", "results.json"):
            with open(os.path.join("{out}", name), "w") as forged:
                json.dump({{"total": 12, "score": 12}}, forged)

        def double(x):
            return x

        halve = double
    ''',
    )
    grade(grading_project, folder)
    katas = read_reports(out)
    assert katas["toy"]["points"] == 0 and katas["other"]["points"] == 7


def test_min_score_fails_the_run_below_the_bar(grading_project):
    folder = submission(
        grading_project, "half", "def double(x):\n    return 2 * x\n\nhalve = double\n"
    )
    done = grade(grading_project, folder, "--min-score", "90")
    assert done.returncode == 1
    katas = read_reports(grading_project / "out")
    assert katas["toy"]["status"] == "failed" and 0 < katas["toy"]["points"] < 5


@pytest.mark.skipif(
    os.geteuid() != 0, reason="only root can run the submission as another user"
)
def test_solutions_are_out_of_reach_of_a_submission_run_by_root(grading_project):
    folder = submission(
        grading_project,
        "reader",
        f'''
        import importlib.util
        spec = importlib.util.spec_from_file_location("s", "{grading_project}/solutions/toy.py")
        solution = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(solution)
        double, halve = solution.double, solution.halve
    ''',
    )
    grade(grading_project, folder)
    katas = read_reports(grading_project / "out")
    assert katas["toy"]["points"] == 0 and "PermissionError" in json.dumps(katas["toy"])


def test_a_judge_killed_from_the_same_user_loses_only_the_attackers_kata(grading_project):
    """Without a user switch the submission can kill the judge: grading goes on kata by kata."""
    folder = submission(grading_project, "judge_killer", ATTACKS["kills_the_judge"])
    done = grade(grading_project, folder, env={"KATA_SANDBOX_USER": "same"})
    assert done.returncode == 0, done.stderr
    katas = read_reports(grading_project / "out")
    assert katas["toy"]["points"] == 0 and katas["toy"]["status"] == "error"
    assert katas["other"]["points"] == 7
    assert leftover_processes() == []
