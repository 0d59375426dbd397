"""`kata watch`'s fast path: runs collected ahead of a save, results streamed, a verdict that
always reflects the file as saved, and syntax errors, crashes and hangs shown as such.

The toy project's tests import no TensorFlow, and the waiting runs preload nothing, so each
case costs a pytest start, not TensorFlow's import.
"""

from __future__ import annotations

import io
import os

import pytest
from rich.console import Console

from tf_katas.loader import load_kata_module
from tf_katas.manifest import load_manifest
from tf_katas.runner import ERROR, FAILING, PASSING, TODO
from tf_katas.verdict import short_message
from tf_katas.watch import KataRuns, changed_functions, run_verdict

RIGHT = "def double(x):\n    return 2 * x\n\n\ndef halve(x):\n    return x / 2\n"
WRONG = "def double(x):\n    return 3 * x\n\n\ndef halve(x):\n    return x / 2\n"


def verdict(project, module_text: str, test_seconds: float = 20.0, failed=(), changed=()):
    """Saves the toy kata as `module_text`, then runs a verdict as `kata watch` does."""
    (project / "katas" / "toy.py").write_text(module_text, encoding="utf-8")
    kata = load_manifest(project)[0]
    runs = KataRuns(project, project / "katas", kata, preload=())
    console = Console(file=io.StringIO(), width=80, highlight=False)
    runs.start()
    try:
        result = run_verdict(runs, list(failed), list(changed), console, test_seconds)
    finally:
        runs.close()
    return result, console.file.getvalue()


def test_a_wrong_answer_streams_its_failure_first(toy_project):
    result, shown = verdict(toy_project, WRONG)
    assert result.status == FAILING and result.passed == 1
    first = shown.splitlines()[0]
    assert first.startswith("✗ test_double"), shown
    assert "complete" not in shown  # the first verdict is never called complete


def test_a_right_answer_passes_so_far_then_completely(toy_project):
    result, shown = verdict(toy_project, RIGHT)
    assert result.status == PASSING and result.passed == 2
    assert "passing so far" in shown and "✗" not in shown


def test_a_stub_is_todo_not_a_failure(toy_project):
    stub = (toy_project / "katas" / "toy.py").read_text()
    result, shown = verdict(toy_project, stub)
    assert result.status == TODO and "waiting for what you have not written" in shown


@pytest.mark.parametrize(("text", "words"), [
    ("def double(x):\n    return 2 * x\n\ndef halve(x:\n", "SyntaxError"),
    ("raise RuntimeError('boom at import')\n", "boom at import"),
])
def test_syntax_errors_and_import_crashes_are_shown_as_such(toy_project, text, words):
    result, shown = verdict(toy_project, text)
    assert result.status == ERROR
    assert "could not be imported" in shown and words in shown


def test_a_hanging_function_is_named_and_stopped(toy_project):
    looping = RIGHT.replace("return 2 * x", "while True:\n        pass")
    result, shown = verdict(toy_project, looping, test_seconds=1.0)
    assert "test_double" in shown and "gave no result within 1 s" in shown
    assert result.status == FAILING


def test_a_verdict_reflects_the_saved_file_even_within_the_same_second(toy_project):
    """Two saves of the same size within one second: a .pyc trusted by mtime and size would
    run the first save's code for the second."""
    module = toy_project / "katas" / "toy.py"
    assert len(RIGHT) == len(WRONG)
    first, _ = verdict(toy_project, RIGHT)
    stamp = module.stat().st_mtime_ns
    module.write_text(WRONG, encoding="utf-8")
    os.utime(module, ns=(stamp, stamp))
    second, _ = verdict(toy_project, WRONG)
    os.utime(module, ns=(stamp, stamp))
    assert (first.status, second.status) == (PASSING, FAILING)


def test_the_loader_never_trusts_a_stale_bytecode_cache(tmp_path):
    module = tmp_path / "toy.py"
    module.write_text(RIGHT)
    stamp = module.stat().st_mtime_ns
    assert load_kata_module(tmp_path, "toy").double(2) == 4
    module.write_text(WRONG)
    os.utime(module, ns=(stamp, stamp))  # same size, same mtime: what a quick save can give
    assert load_kata_module(tmp_path, "toy").double(2) == 6


def test_failed_tests_run_first_then_those_calling_changed_functions(toy_project):
    result, shown = verdict(toy_project, RIGHT, failed=["tests/test_toy.py::test_halve"])
    assert [t.name for t in result.tests] == ["test_halve", "test_double"]
    result, _ = verdict(toy_project, RIGHT, changed=["halve"])
    assert [t.name for t in result.tests] == ["test_halve", "test_double"]


def test_changed_functions_compares_definitions():
    assert changed_functions(RIGHT, WRONG) == ["double"]
    assert changed_functions(RIGHT, RIGHT + "\n# a comment\n") == []
    assert changed_functions(RIGHT, "def double(:\n") == ["double", "halve"]


def test_messages_lead_with_the_tests_words_not_the_dumps():
    rewritten = "expected 4, got 6 (multiplied by 3?)\nassert 6 == 4\n +  where 6 = f(2)"
    assert short_message(rewritten).startswith("expected 4, got 6 (multiplied by 3?)")
    assert "where" not in short_message(rewritten)
    numpy = ("Arrays are not equal\nthe image, channel order\nMismatched elements: 3 / 3\n"
             " x: array([1, 2, 3])\n y: array([3, 2, 1])")
    shown = short_message(numpy)
    assert "Mismatched elements" in shown and "array(" not in shown
    assert short_message("assert 6 == 4\n +  where 6 = f(2)") == "assert 6 == 4\n" \
        "(kata check -v shows the whole message)"
