"""The `kata` command as a learner meets it, on the toy project."""

import subprocess
import sys


def kata(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "tf_katas.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_next_names_the_kata_what_to_write_and_the_first_failure(toy_project):
    done = kata(toy_project, "next")
    assert done.returncode == 0
    assert "kata 1 of 1, toy" in done.stdout and "玩具" in done.stdout
    assert "write: double, halve" in done.stdout
    assert "NotImplementedError" in done.stdout or "your code here" in done.stdout


def test_check_folds_its_verdict_and_exits_0_only_when_the_kata_passes(toy_project):
    stub = kata(toy_project, "check", "toy")
    assert stub.returncode == 1 and "todo: 0 of 2 tests pass" in stub.stdout
    assert "2 waiting for what you have not written yet: double, halve" in stub.stdout
    solved = kata(toy_project, "check", "toy", "--impl", "solutions")
    assert solved.returncode == 0 and "passing: 2 of 2 tests pass" in solved.stdout


def test_a_wrong_answer_shows_what_was_expected(toy_project):
    (toy_project / "katas" / "toy.py").write_text(
        "def double(x):\n    return x + 2\n\n\ndef halve(x):\n    return x / 2\n"
    )
    done = kata(toy_project, "check", "toy")
    assert "failing: 1 of 2 tests pass" in done.stdout and "✓ 1 passing" in done.stdout
    lines = [line.strip() for line in done.stdout.splitlines()]
    failure = lines.index("✗ test_double")  # after the passing count, led by its message
    assert lines[failure - 1] == "✓ 1 passing" and lines[failure + 1] == "assert 5 == 6"


def test_hints_come_one_at_a_time_then_repeat_the_last(toy_project):
    shown = [kata(toy_project, "hint", "toy").stdout for _ in range(3)]
    assert "hint 1/2" in shown[0] and "first hint" in shown[0]
    assert "hint 2/2" in shown[1] and "second hint" in shown[1]
    assert "hint 2/2" in shown[2] and "last hint" in shown[2]
    assert "first hint" in kata(toy_project, "hint", "toy", "--all").stdout


def test_list_shows_status_and_progress_and_reuses_unchanged_results(toy_project):
    first = kata(toy_project, "list", "--impl", "solutions")
    assert "passing" in first.stdout and "1 of 1 katas passing, 5 of 5 points" in first.stdout
    assert "running the tests of 1 of 1 katas" in first.stdout  # and about how long
    cache = toy_project / ".kata-cache" / "results.json"
    stamp = cache.stat().st_mtime_ns
    again = kata(toy_project, "list", "--impl", "solutions")
    assert "running the tests" not in again.stdout and again.stdout in first.stdout
    assert cache.stat().st_mtime_ns == stamp


def test_unknown_names_and_folders_get_a_clear_error(toy_project):
    assert "no kata named 'tyo'" in kata(toy_project, "check", "tyo").stdout
    missing = kata(toy_project, "list", "--impl", "nowhere")
    assert missing.returncode == 2 and "no such folder" in missing.stdout
