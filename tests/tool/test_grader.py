"""Red team: submissions that try to take points without doing the work, or to break the
grader, each graded by `kata grade` on a toy project with two katas.

In each attack the kata `toy` is the attacker and must score 0 (or be graded on its
merits); the honest kata `other` must keep its full points; the reports must be well
formed; and no process of the submission may outlive the grader. The attacks run twice:
in a bubblewrap sandbox (skipped where bwrap cannot run; CI installs it) and in the
plain-process fallback (`--isolation=process`).

Tests named `test_finding_N_...` are the regressions of the eleven breaches of issue 12.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import make_toy_project


def _bubblewrap_runs() -> bool:
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "true"]
    if os.geteuid() != 0:
        probe.insert(1, "--unshare-user")
    return subprocess.run(probe, capture_output=True).returncode == 0


BUBBLEWRAP_RUNS = _bubblewrap_runs()
# Each module fixture grades a score of submissions, twice (sandbox and fallback).
pytestmark = pytest.mark.timeout(1200)
MODES = [
    pytest.param(
        "required",
        id="bubblewrap",
        marks=pytest.mark.skipif(not BUBBLEWRAP_RUNS, reason="bwrap cannot run here"),
    ),
    pytest.param("process", id="fallback"),
]

OTHER_SOLUTION = '''"""Other kata."""

import numpy as np


def add(a, b):
    """Return a + b, element-wise."""
    return np.add(a, b)


def fill(a, value):
    """Set every element of the array `a` to `value`, IN PLACE; return None."""
    a[...] = value
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


def test_fill_works_in_place(kata):
    a = np.zeros(3)
    assert kata.fill(a, 2.0) is None
    assert_array(a, [2.0, 2.0, 2.0])
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

# Named after this run: two red teams on one machine must not kill or delete each other's.
RUN = os.getpid()
MARKER = f"kata-redteam-marker-{RUN}"
HIJACKED = f"/tmp/kata-redteam-hijacked-{RUN}"  # written by a planted package, if ever run
SECRET = f"/var/tmp/kata-redteam-secret-{RUN}.txt"  # root's only: never seen by a submission
SECRET_TEXT = "TOP-SECRET-c0ffee"
VICTIM = f"/var/tmp/kata-redteam-victim-{RUN}.txt"  # root's: a submission must never truncate it


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


            def test_double_array_expected_computed_after_the_call(kata):
                # Written as a careless test would be (finding 8): only a grader that never
                # copies a kata's changes back into the tests' array keeps it honest.
                import numpy as np
                from tf_katas.testing import assert_array
                x = np.arange(1.0, 4.0)
                assert_array(kata.double(x), 2 * x)
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


def grade_command(project: Path, path: Path, out: Path | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tf_katas.cli",
        "grade",
        str(path),
        "--out",
        str(out or project / "out"),
        "--test-seconds",
        "3",
        "--kata-seconds",
        "20",
        "--memory-mb",
        "600",
    ]


def grade(
    project: Path,
    path: Path,
    *options: str,
    env: dict | None = None,
    out: Path | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*grade_command(project, path, out), *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
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
            while True:  # written at memset speed: over the limit within a check or two
                hoard.append(b"x" * (200 * 2**20))

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
    # Finding 1: a tf_katas package planted where a root process started with -m from the
    # temporary folder would import it first.
    "plants_a_tf_katas_package": f"""
        import os
        PLANT = "import os\\nopen({HIJACKED!r}, 'w').write(str(os.getuid()))\\n"
        # Not in the machine's /tmp when run as root without a sandbox: every Python started
        # from /tmp on a shared machine would import it (CI's fallback runs as another user).
        shared = ["/tmp"] if os.getuid() != 0 else []
        for base in {{*shared, os.getcwd(), os.environ.get("TMPDIR", os.getcwd())}}:
            for package in ("tf_katas", "tf_katas/grading"):
                try:
                    os.makedirs(os.path.join(base, package), exist_ok=True)
                    for module in ("__init__", "zygote", "sandbox"):
                        with open(os.path.join(base, package, module + ".py"), "w") as f:
                            f.write(PLANT)
                except OSError:
                    pass
        double = halve = None
    """,
    # Finding 2: links planted where the grader might open a file as root: the kata's own
    # log, and (a watcher, for 20 s) any folder that appears within reach, where the next
    # kata's log could be opened.
    "plants_links_for_root": f"""
        import glob, os, time
        TARGETS = {{"output.log": {VICTIM!r}, "secret.log": {SECRET!r}}}

        def plant(folder):
            for name, target in TARGETS.items():
                path = os.path.join(folder, name)
                try:
                    if os.path.lexists(path):
                        os.remove(path)
                    os.symlink(target, path)
                except OSError:
                    pass

        for folder in {{os.getcwd(), os.environ.get("HOME", ""), os.environ.get("TMPDIR", "")}}:
            for log in glob.glob(os.path.join(folder, "*.log")):
                TARGETS.setdefault(os.path.basename(log), {SECRET!r})
            plant(folder)
        if os.fork() == 0:
            os.setsid()
            end = time.time() + 20
            while time.time() < end:
                here = os.path.dirname(os.getcwd())
                for folder in glob.glob("/tmp/kata-*") + glob.glob(os.path.join(here, "*")):
                    planted = os.path.lexists(os.path.join(folder, "output.log"))
                    if os.path.isdir(folder) and not planted:
                        plant(folder)
            os._exit(0)

        def double(x):
            # Slow to answer (wrongly), within the test limit: its process, and the watcher
            # with it, lives on while the submissions graded beside it start theirs.
            time.sleep(2)
            return 0

        halve = double
    """,
    # Finding 3: one byte of a frame's header, then silence.
    "half_a_frame": """
        import gc, socket, time

        def double(x):
            for thing in gc.get_objects():
                if isinstance(thing, socket.socket):
                    try:
                        thing.send(b"\\x00")
                    except OSError:
                        pass
            time.sleep(1000)

        halve = double
    """,
    # Finding 4: a chain that forks, setsids and exits every 40 ms to outrun any reaper.
    "escaping_fork_chain": f"""
        import subprocess, sys
        CHAIN = (
            "import os, time\\n"
            "while True:\\n"
            "    if os.fork() == 0:\\n"
            "        os.setsid()\\n"
            "        continue\\n"
            "    time.sleep(0.04)\\n"
            "    os._exit(0)\\n"
        )
        subprocess.Popen([sys.executable, "-c", CHAIN, "{MARKER}"], start_new_session=True)

        def double(x):
            return 0

        halve = double
    """,
    # Finding 6: text no report format can hold as it is.
    "unsafe_message": """
        def double(x):
            raise ValueError("lone \\ud800 surrogate, \\x00\\x01\\x1b[31m controls, </failure>"
                             "<![CDATA[ | `code` | and another \\udfff")

        halve = double
    """,
    # Finding 7: a reply of millions of tiny objects, written straight to the wire.
    "huge_reply_of_tiny_objects": """
        import gc, socket, struct

        def double(x):
            body = b'{"ok":{"__t":"list","v":[' + b"{}," * 15_000_000 + b"{}]}}"
            for thing in gc.get_objects():
                if isinstance(thing, socket.socket) and thing.type == socket.SOCK_STREAM:
                    try:
                        thing.sendall(struct.pack("!I", len(body)) + body)
                    except OSError:
                        pass
            return 0

        halve = double
    """,
    # Finding 8: the input array set to zeros, so that a test computing its expected value
    # after the call from its own (changed) array compares a constant with itself.
    "mutates_its_input": """
        import numpy as np

        def double(x):
            if isinstance(x, np.ndarray):
                x[...] = 0
                return x
            return 0

        halve = double
    """,
}


def kill_leftovers() -> None:
    """Never leave an attack running on the machine, even when a test failed."""
    for _ in range(100):
        found = leftover_processes()
        if not found:
            return
        for pid in found:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def remove_plants() -> None:
    for path in (Path("/tmp/tf_katas"), Path(HIJACKED)):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


STUB_TOY = "def double(x):\n    raise NotImplementedError\n\n\nhalve = double\n"
STUB_OTHER = (
    "def add(a, b):\n    raise NotImplementedError\n\n\n"
    "def fill(a, value):\n    raise NotImplementedError\n"
)


@pytest.fixture(scope="module", params=MODES)
def graded_attacks(request, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, dict]:
    """Every attack graded in one `kata grade` over a folder of submissions, then (finding
    1) an untouched stub graded by a second `kata grade` on the same machine."""
    mode = request.param
    project = make_grading_project(tmp_path_factory.mktemp(f"redteam-{mode}"))
    remove_plants()
    Path(SECRET).write_text(SECRET_TEXT)
    os.chmod(SECRET, 0o600)
    Path(VICTIM).write_text("intact")
    scratch = Path(tempfile.mkdtemp(prefix="kata-redteam-tmp-"))  # the grader's TMPDIR
    os.chmod(scratch, 0o755)
    try:
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
        tmpdir = {"TMPDIR": str(scratch)}
        done = grade(
            project, project / "submissions", "--jobs", "2", f"--isolation={mode}", env=tmpdir
        )
        stub = project / "later" / "stub"
        stub.mkdir(parents=True)
        (stub / "toy.py").write_text(STUB_TOY)
        (stub / "other.py").write_text(STUB_OTHER)
        grade(project, stub, f"--isolation={mode}", out=project / "out-later", env=tmpdir)
        left_in_tmp = sorted(path.name for path in scratch.iterdir())
        hijacked = Path(HIJACKED).exists()
        victim = Path(VICTIM).read_text()
        secret = Path(SECRET).read_text()
    finally:
        remove_plants()
        Path(SECRET).unlink(missing_ok=True)
        Path(VICTIM).unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
        time.sleep(0.5)
        leftovers = leftover_processes()
        kill_leftovers()
    reports = {
        name: read_reports(project / "out" / name)
        for name in [*ATTACKS, "with_a_conftest", "honest"]
    }
    reports["later stub"] = read_reports(project / "out-later")
    facts = {
        "hijacked": hijacked,
        "victim": victim,
        "secret": secret,
        "leftovers": leftovers,
        "left_in_tmp": left_in_tmp,
        "mode": mode,
    }
    return project, done, reports, facts


@pytest.mark.parametrize("attack", [*ATTACKS, "with_a_conftest"])
def test_the_attacker_scores_nothing_and_the_honest_kata_everything(graded_attacks, attack):
    _, done, reports, _ = graded_attacks
    assert done.returncode == 0, done.stdout + done.stderr
    katas = reports[attack]
    assert katas["toy"]["points"] == 0, katas["toy"]
    assert katas["other"]["points"] == 7 and katas["other"]["status"] == "passed", katas["other"]


def test_an_honest_submission_scores_full_marks(graded_attacks):
    _, _, reports, _ = graded_attacks
    assert reports["honest"]["toy"]["points"] == 5 and reports["honest"]["other"]["points"] == 7


def test_grading_leaves_no_file_behind(graded_attacks):
    """Whatever the submissions did, the grader's temporary folders (staging, the judge's
    logs and work folders, the tests' files) are gone when it exits."""
    *_, facts = graded_attacks
    assert facts["left_in_tmp"] == [], f"left in the grader's TMPDIR: {facts['left_in_tmp']}"


@pytest.mark.parametrize(
    ("attack", "status"),
    [
        ("exit_at_import", "error"),
        ("os_exit_in_a_call", "error"),
        ("infinite_loop", "timeout"),
        ("sleeps_ignoring_sigterm", "timeout"),
        ("eats_memory", "error"),
        ("half_a_frame", "timeout"),
        ("huge_reply_of_tiny_objects", "error"),
    ],
)
def test_stopped_katas_say_why(graded_attacks, attack, status):
    _, _, reports, _ = graded_attacks
    assert reports[attack]["toy"]["status"] == status, reports[attack]["toy"]


def test_printed_text_is_never_taken_for_the_grade(graded_attacks):
    project, done, reports, _ = graded_attacks
    assert "toy: 5 of 5 points" not in done.stdout and "99 passed" not in done.stdout
    assert "prints_a_fake_summary: 7 of 12 points" in done.stdout


def test_huge_outputs_are_cut_in_the_reports(graded_attacks):
    project, _, _, _ = graded_attacks
    for report in (project / "out" / "prints_a_fake_summary").iterdir():
        if report.is_file():
            assert report.stat().st_size < 100_000, report


def test_the_class_table_lists_every_submission(graded_attacks):
    project, _, _, _ = graded_attacks
    rows = (project / "out" / "scores.csv").read_text().splitlines()
    assert rows[0] == "submission,total,max,percent,toy,other"
    assert len(rows) == 1 + len(ATTACKS) + 2
    assert "honest,12.0,12,100.0,5.0,7.0" in rows


def test_finding_1_a_planted_tf_katas_package_never_runs(graded_attacks):
    _, _, reports, facts = graded_attacks
    assert not facts["hijacked"], "a tf_katas package planted by a submission was imported"
    stub = reports["later stub"]
    assert stub["toy"]["points"] == 0 and stub["other"]["points"] == 0, stub


def test_finding_2_the_grader_never_follows_a_link_the_submission_planted(graded_attacks):
    project, _, reports, facts = graded_attacks
    assert facts["victim"] == "intact", "a file was truncated through a planted link"
    assert facts["secret"] == SECRET_TEXT, "a file was overwritten through a planted link"
    assert reports["plants_links_for_root"]["toy"]["points"] == 0
    for report in (project / "out" / "plants_links_for_root").rglob("*"):
        if report.is_file():
            assert SECRET_TEXT not in report.read_text(), report


def test_finding_3_half_a_frame_is_stopped_by_the_test_limit(graded_attacks):
    _, _, reports, _ = graded_attacks
    toy = reports["half_a_frame"]["toy"]
    assert toy["status"] == "timeout", toy
    assert toy["tests"][0]["duration"] < 30, toy["tests"][0]


def test_finding_4_no_process_of_a_submission_outlives_the_grader(graded_attacks):
    _, _, _, facts = graded_attacks
    assert facts["leftovers"] == [], "processes of the submissions survived the grade"


@pytest.mark.parametrize("mode", MODES)
def test_finding_4_a_fork_chain_neither_outlives_nor_stalls_its_grade(grading_project, mode):
    """Graded alone, the fork chain costs its grade nothing: 2-3 s here, where the grader
    before the sandbox took 27-444 s (the chain's zombies filled its user's process cap)."""
    folder = submission(grading_project, "chain", ATTACKS["escaping_fork_chain"])
    started = time.monotonic()
    grade(grading_project, folder, f"--isolation={mode}")
    took = time.monotonic() - started
    time.sleep(0.5)
    leftovers = leftover_processes()
    kill_leftovers()
    assert leftovers == [], "processes of the fork chain survived the grade"
    assert took < 20, f"{took:.0f} s to grade two katas: the fork chain stalled the grader"
    assert read_reports(grading_project / "out")["other"]["points"] == 7


def test_finding_6_unsafe_text_is_made_safe_in_every_report(graded_attacks):
    project, _, reports, _ = graded_attacks
    out = project / "out" / "unsafe_message"
    junit = (out / "junit.xml").read_text(encoding="utf-8")  # parsed by read_reports too
    assert "\x00" not in junit and "\x1b" not in junit
    message = json.dumps(reports["unsafe_message"]["toy"], ensure_ascii=False)
    assert "controls" in message and "\ufffd" in message
    exercism = json.loads((out / "exercism" / "results.json").read_text(encoding="utf-8"))
    assert exercism["version"] == 3 and exercism["status"] == "fail"
    assert not list(out.glob(".*")), "a temporary report file was left behind"


def test_finding_7_a_reply_of_millions_of_objects_is_refused_unparsed(graded_attacks):
    _, _, reports, _ = graded_attacks
    toy = reports["huge_reply_of_tiny_objects"]["toy"]
    assert any("item limit" in t["message"] for t in toy["tests"]), toy


def test_finding_8_a_kata_changing_its_inputs_changes_nothing_in_the_tests(graded_attacks):
    _, _, reports, _ = graded_attacks
    toy = reports["mutates_its_input"]["toy"]
    assert toy["points"] == 0, toy
    after = [t for t in toy["tests"] if t["name"].endswith("computed_after_the_call")]
    assert after and after[0]["outcome"] == "failed", toy["tests"]
    # while a function whose docstring says it works in place still changes them
    assert reports["honest"]["other"]["points"] == 7


def test_finding_9_every_report_says_how_and_as_whom_the_code_ran(graded_attacks):
    project, done, _, facts = graded_attacks
    report = json.loads((project / "out" / "honest" / "report.json").read_text())
    expected = "bubblewrap" if facts["mode"] == "required" else "process"
    assert report["isolation"] == expected and report["user"]
    results = json.loads((project / "out" / "honest" / "results.json").read_text())
    assert expected in results["output"] and report["user"] in results["output"]
    if os.geteuid() == 0 and expected == "bubblewrap":
        assert report["user"].startswith("uid ") and "root" not in report["user"]
    if expected == "process":
        assert "WITHOUT a sandbox" in done.stdout


@pytest.fixture(scope="module", params=MODES)
def graded_classmates(request):
    """Finding 5: submissions graded at once attack a classmate. The project lies where
    others may read, as a course's checkout would."""
    mode = request.param
    readable = Path(tempfile.mkdtemp(prefix=f"kata-classmates-{mode}-"))
    os.chmod(readable, 0o755)
    project = make_grading_project(readable)
    # Kills every process it may signal, for as long as the others are graded (not as root:
    # there, on a machine without a sandbox, it would take down the whole machine).
    submission(
        project,
        "sniping/sniper",
        """
        import os, signal, time
        if os.getuid() != 0 and os.fork() == 0:
            os.setsid()
            end = time.time() + 40
            while time.time() < end:
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    pass
                time.sleep(0.05)
            os._exit(0)

        def double(x):
            return 0

        halve = double
    """,
    )
    # Finds a classmate's module through the command lines in /proc: the judges' staged
    # modules (--impl=) and the folder of submissions the grader was given.
    submission(
        project,
        "stealing/thief",
        """
        import glob, importlib.util, os, time
        HERE = os.path.dirname(os.path.abspath(__file__))
        double = halve = None

        def modules(word):
            if word.startswith("--impl="):
                return [word[len("--impl=") :] + "/toy.py"]
            if word.startswith("/"):
                return glob.glob(word + "/toy.py") + glob.glob(word + "/*/toy.py")
            return []

        end = time.time() + 20
        while double is None and time.time() < end:
            for pid in os.listdir("/proc"):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        words = f.read().decode(errors="replace").split("\\0")
                except OSError:
                    continue
                for toy in (toy for word in words for toy in modules(word)):
                    if os.path.dirname(toy) == HERE or "/thief/" in toy:
                        continue
                    try:
                        spec = importlib.util.spec_from_file_location("loot", toy)
                        loot = importlib.util.module_from_spec(spec)
                        spec.loader.exec_module(loot)
                        if loot.double(3) == 6:
                            double, halve = loot.double, loot.halve
                    except Exception:
                        pass
            time.sleep(0.1)
    """,
    )
    # Each attacker is graded beside a victim of its own: the sniper would kill the thief.
    done, reports = [], {}
    for attack, attacker in (("sniping", "sniper"), ("stealing", "thief")):
        submission(project, f"{attack}/victim", HONEST_TOY)
        out = project / "out" / attack
        folder = project / "submissions" / attack
        done.append(grade(project, folder, "--jobs", "2", f"--isolation={mode}", out=out))
        kill_leftovers()
        reports[attacker] = read_reports(out / attacker)
        reports[f"victim of the {attacker}"] = read_reports(out / "victim")
    user = json.loads((project / "out" / "stealing" / "thief" / "report.json").read_text())["user"]
    yield done, reports, user
    shutil.rmtree(readable, ignore_errors=True)


def test_finding_5_submissions_graded_at_once_cannot_touch_each_other(graded_classmates):
    done, reports, user = graded_classmates
    assert [d.returncode for d in done] == [0, 0], [d.stdout + d.stderr for d in done]
    for victim in ("victim of the sniper", "victim of the thief"):
        assert reports[victim]["toy"]["points"] == 5, (victim, reports[victim]["toy"])
        assert reports[victim]["other"]["points"] == 7, (victim, reports[victim]["other"])
    assert reports["sniper"]["toy"]["points"] == 0
    if user.startswith("root"):
        pytest.skip("the fallback ran the submissions as root: nothing stops a thief (README)")
    assert reports["thief"]["toy"]["points"] == 0, reports["thief"]["toy"]


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


READER = """
    import importlib.util
    spec = importlib.util.spec_from_file_location("s", "{root}/solutions/toy.py")
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    double, halve = solution.double, solution.halve
"""


@pytest.mark.skipif(not BUBBLEWRAP_RUNS, reason="bwrap cannot run here")
def test_solutions_are_out_of_sight_in_the_sandbox(grading_project):
    folder = submission(grading_project, "reader", READER.format(root=grading_project))
    grade(grading_project, folder, "--isolation=required")
    katas = read_reports(grading_project / "out")
    assert katas["toy"]["points"] == 0 and "FileNotFoundError" in json.dumps(katas["toy"])


def test_isolation_required_refuses_to_grade_without_bubblewrap(grading_project, tmp_path):
    """Where bwrap cannot run (here: not on PATH), --isolation=required grades nothing."""
    folder = submission(grading_project, "honest", HONEST_TOY)
    done = grade(grading_project, folder, "--isolation=required", env={"PATH": str(tmp_path)})
    assert done.returncode == 3 and "nothing graded" in done.stdout
    assert not (grading_project / "out" / "report.json").exists()


@pytest.fixture
def nobodys_home():
    """A folder nobody owns, outside root's private temporary folders."""
    home = Path(tempfile.mkdtemp(prefix="kata-nobody-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def grade_as_an_unprivileged_user(project: Path, folder: Path, home: Path, *options: str):
    """`kata grade` run by a user who cannot switch users (a CI runner's): the submission
    then runs as the grader's own user. As root, a copy of the project is graded by nobody."""
    if os.geteuid() != 0:
        return grade(project, folder, *options), project
    nobody = 65534
    copy = home / "project"
    shutil.copytree(project, copy)
    for path in (home, *home.rglob("*")):
        os.chown(path, nobody, nobody, follow_symlinks=False)
    command = grade_command(copy, copy / folder.relative_to(project))
    setpriv = ["setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups"]
    done = subprocess.run(
        [*setpriv, *command, *options],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HOME": str(home), "TMPDIR": str(home)},
    )
    return done, copy


def _nobody_can_run_the_grader() -> bool:
    from tf_katas.grading.isolation import interpreter_paths, readable_by_others

    return bool(shutil.which("setpriv")) and all(map(readable_by_others, interpreter_paths()))


@pytest.mark.skipif(
    os.geteuid() == 0 and not _nobody_can_run_the_grader(),
    reason="as root, needs setpriv and a Python that others may run",
)
def test_a_killed_judge_loses_only_the_attackers_kata(grading_project, nobodys_home):
    """Run as the grader's own user, the submission can kill its judge: grading goes on kata
    by kata (in the sandbox, the judge is out of its sight)."""
    folder = submission(grading_project, "judge_killer", ATTACKS["kills_the_judge"])
    done, graded = grade_as_an_unprivileged_user(
        grading_project, folder, nobodys_home, "--isolation=process"
    )
    assert done.returncode == 0, done.stderr
    katas = read_reports(graded / "out")
    assert (
        "the grader's own user" in json.loads((graded / "out" / "report.json").read_text())["user"]
    )
    assert katas["toy"]["points"] == 0 and katas["toy"]["status"] == "error", katas["toy"]
    assert katas["other"]["points"] == 7
    assert leftover_processes() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a submission its own user")
def test_a_submission_of_its_own_user_cannot_signal_its_judge(grading_project):
    folder = submission(grading_project, "judge_killer", ATTACKS["kills_the_judge"])
    done = grade(grading_project, folder, "--isolation=process")
    assert done.returncode == 0, done.stderr
    katas = read_reports(grading_project / "out")
    toy = katas["toy"]
    assert toy["points"] == 0 and toy["status"] == "failed", toy
    assert all("PermissionError" in test["message"] for test in toy["tests"]), toy
    assert katas["other"]["points"] == 7
    assert leftover_processes() == []


@pytest.mark.parametrize("mode", MODES)
def test_finding_10_sigterm_stops_everything_and_says_so(grading_project, mode):
    folder = submission(
        grading_project,
        "looper",
        f'''
        import subprocess, sys

        def double(x):
            subprocess.run([sys.executable, "-c", "while True: pass", "{MARKER}"])

        halve = double
    ''',
    )
    solutions = grading_project / "solutions"
    mode_before = stat.S_IMODE(solutions.stat().st_mode)
    command = [*grade_command(grading_project, folder), "--test-seconds", "120"]
    command += [f"--isolation={mode}"]
    grader = subprocess.Popen(command, cwd=grading_project, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not leftover_processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leftover_processes(), "the looping kata never started"
        grader.send_signal(signal.SIGTERM)
        output, _ = grader.communicate(timeout=60)
    finally:
        grader.kill()
        time.sleep(0.5)
        leftovers = leftover_processes()
        kill_leftovers()
    assert leftovers == []
    assert grader.returncode == 130 and "INTERRUPTED" in output
    assert stat.S_IMODE(solutions.stat().st_mode) == mode_before
    report = json.loads((grading_project / "out" / "report.json").read_text())
    assert report["interrupted"] is True
    assert {k["status"] for k in report["katas"]} == {"interrupted"}


def test_finding_11_a_hanging_submission_costs_one_test_limit_per_kata(grading_project):
    """Katas that hang when imported (before any test runs) and katas whose every
    function hangs: each kata is abandoned at its first timeout, and the whole submission
    is bounded by its budget."""
    hangs = "while True:\n    pass\n"
    folder = grading_project / "submissions" / "hangs_at_import"
    folder.mkdir(parents=True)
    (folder / "toy.py").write_text(hangs)
    (folder / "other.py").write_text(hangs)
    started = time.monotonic()
    grade(grading_project, folder, "--kata-seconds", "100")
    at_import = time.monotonic() - started
    katas = read_reports(grading_project / "out")
    assert {k["status"] for k in katas.values()} == {"timeout"}
    assert at_import < 90, f"{at_import:.0f} s: the katas were not stopped at the test limit"

    folder = submission(grading_project, "hangs_in_calls", ATTACKS["infinite_loop"])
    (folder / "other.py").write_text(
        "def add(a, b):\n    while True:\n        pass\n\n\nfill = add\n"
    )
    started = time.monotonic()
    grade(grading_project, folder, "--test-seconds", "200", "--budget-seconds", "15")
    in_calls = time.monotonic() - started
    katas = read_reports(grading_project / "out")
    assert {k["status"] for k in katas.values()} == {"timeout"}
    assert "budget" in json.dumps(katas)
    assert in_calls < 100, f"{in_calls:.0f} s: the submission's budget was not kept"
