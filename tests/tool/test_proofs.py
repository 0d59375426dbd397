"""`kata verify`'s proofs on the toy project: mistakes caught or not, trivial implementations,
alternative solutions, and the catalogue's own rules."""

from __future__ import annotations

import builtins
import tempfile

import numpy as np
import pytest

from tf_katas.batch import run_pooled
from tf_katas.manifest import load_manifest
from tf_katas.proofs import load_catalogue, run_proofs
from tf_katas.runner import run_katas
from tf_katas.trivial import ANYTHING, NONE, Anything, trivial_source


def add_mistakes(project, text: str) -> None:
    catalogue = project / "solutions" / "mistakes" / "toy.toml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + text, encoding="utf-8")


def mistake(name: str, find: str, replace: str, function: str = "double") -> str:
    return (
        f'\n[[mistake]]\nname = "{name}"\nfunction = "{function}"\nlearner = "{name}"\n'
        f"find = '''{find}'''\nreplace = '''{replace}'''\n"
    )


def proofs(project, *which: str, progress=lambda _: None):
    return run_proofs(
        project, load_manifest(project), workers=2, progress=progress,
        proofs=which or ("mistakes", "trivial", "alternatives"),
    )


def test_a_sound_toy_proves_everything(toy_project):
    lines = []
    report = proofs(toy_project, progress=lines.append)
    assert report.breaches == []
    # 5 mistakes and 2 trivial runs: a line per tenth of the way (each run here), the last
    assert lines[-1] == "proofs: 7 of 7 runs done", lines
    assert report.checks == 1 + 5 + 2 * 2  # the catalogue, its mistakes, 2 tests x 2 trivial
    caught = "\n".join(report.caught)
    assert "mistake toy/plus-two (added 2 instead of doubling): caught by test_double" in caught
    assert "assert 5 == 6" in caught  # the catching test's message, for the maintainer


def test_survivors_crashes_and_vanished_snippets_name_themselves(toy_project):
    add_mistakes(
        toy_project,
        mistake("times-half", "return x / 2", "return x * 0.5", "halve")  # equivalent: survives
        + mistake("gone", "return 3 * x", "return 4 * x")  # the snippet is not in the solution
        + mistake("raises-inside", "return 2 * x", "return 2 * x + undefined_name"),
    )
    add_mistakes(toy_project, mistake("string", "return x / 2", "return str(x / 2)", "halve"))
    report = proofs(toy_project, "mistakes")
    breaches = "\n".join(report.breaches)
    assert "mistake toy/times-half survives" in breaches
    assert "mistake #7 (gone): its `find` snippet is gone from solutions/toy.py" in breaches
    caught = "\n".join(report.caught)
    # NameError raised while the kata's code ran: a mistake the tests do catch.
    assert "toy/raises-inside" in caught and "raised in the kata: NameError" in caught
    # A str where a float belongs: test_halve's `==` fails first, an assertion.
    assert "toy/string" in caught


def test_a_crash_in_the_tests_own_code_is_no_catch(toy_project):
    (toy_project / "tests" / "test_toy.py").write_text(
        "def test_halve_plus_one(kata):\n    assert kata.halve(4) + 1 == 3.0\n",
        encoding="utf-8",
    )
    add_mistakes(toy_project, mistake("string", "return x / 2", "return str(x / 2)", "halve"))
    breaches = "\n".join(proofs(toy_project, "mistakes").breaches)
    assert "test_halve_plus_one crashes in the test's own code" in breaches
    assert "TypeError" in breaches


def test_a_test_passing_on_a_trivial_implementation_is_named(toy_project):
    tests = toy_project / "tests" / "test_toy.py"
    tests.write_text(
        tests.read_text(encoding="utf-8")
        + "\n\ndef test_runs(kata):\n    kata.double(1)\n"
        + "\n\ndef test_equals(kata):\n    assert kata.halve(1) == 0.5\n",
        encoding="utf-8",
    )
    breaches = proofs(toy_project, "trivial").breaches
    assert any("test_runs: passed" in b and "returns None" in b for b in breaches)
    assert any("test_runs: passed" in b and "equals and converts" in b for b in breaches)
    assert any("test_equals: passed" in b and "equals and converts" in b for b in breaches)
    assert not any("test_equals: passed" in b and "returns None" in b for b in breaches)
    assert not any("test_double" in b or "test_halve" in b for b in breaches)


def test_alternative_solutions_must_pass_every_test(toy_project):
    alternatives = toy_project / "solutions" / "alternatives"
    alternatives.mkdir()
    (alternatives / "toy.py").write_text(
        "def double(x):\n    return x + x\n\n\ndef halve(x):\n    return x * 0.5\n"
    )
    report = proofs(toy_project, "alternatives")
    assert (report.checks, report.breaches) == (2, [])
    (alternatives / "toy.py").write_text(
        "def double(x):\n    return x + x\n\n\ndef halve(x):\n    return x // 2\n"
    )
    (alternatives / "nokata.py").write_text("")
    breaches = proofs(toy_project, "alternatives").breaches
    assert any("test_halve: failed on the correct alternative" in b for b in breaches)
    assert any("alternatives/nokata.py is not a kata" in b for b in breaches)


def test_the_catalogue_rules(toy_project):
    catalogue = toy_project / "solutions" / "mistakes" / "toy.toml"
    catalogue.write_text(
        mistake("a", "return 2 * x", "return 3 * x")
        + mistake("a", "return x / 2", "return x / 3", "halve")  # name used twice
        + mistake("b", "return 2 * x", "return 3 * x", "triple")  # no such function
        + mistake("c", "return 2 * x", "return 3 * x").replace('learner = "c"\n', "")
        + mistake("d", "return 2 * x", "return 3 * x") + "colour = 'red'\n"
        + mistake("e", "return 2 * x", "return 3 * x") + "count = 2\n"
        + '\n[[mistake]]\nname = "f"\nfunction = "double"\nlearner = "f"\nreplace = "x"\n',
        encoding="utf-8",
    )
    mistakes, breaches = load_catalogue(toy_project, "toy")
    text = "\n".join(breaches)
    assert [m.name for m in mistakes] == ["a"]
    assert "mistake #2 (a): the name 'a' is used twice" in text
    assert "mistake #3 (b): 'triple' is not a public function of solutions/toy.py" in text
    assert "mistake #4 (c): missing `learner`" in text
    assert "mistake #5 (d): unknown field `colour`" in text
    assert "mistake #6 (e): its `find` snippet occurs 1 times (count = 2)" in text
    assert "mistake #7 (f): missing `find`" in text
    assert "3 mistakes, at least 5 are needed" in text  # a, b and e have names of their own
    catalogue.write_text(mistake("a", "return 2 * x", "return 3 * x"), encoding="utf-8")
    _, breaches = load_catalogue(toy_project, "toy")
    assert "1 mistakes, at least 5 are needed" in "\n".join(breaches)
    assert "no mistake breaks halve()" in "\n".join(breaches)
    catalogue.unlink()
    assert "toy.toml is missing" in load_catalogue(toy_project, "toy")[1][0]


def test_every_session_of_a_worker_starts_clean(toy_project):
    """A kata that changes its process (here: a builtin; in real life a mistake calling
    tf.compat.v1.disable_eager_execution()) must not change the next session's."""
    katas = load_manifest(toy_project)
    leaky = toy_project / "leaky"
    leaky.mkdir()
    (leaky / "toy.py").write_text(
        "import builtins\nbuiltins.LEAKED = True\n\n\ndef double(x):\n    return 2 * x\n\n\n"
        "def halve(x):\n    return x / 2\n"
    )
    tests = toy_project / "tests" / "test_toy.py"
    tests.write_text(
        tests.read_text(encoding="utf-8")
        + "\n\ndef test_clean(kata):\n    import builtins\n"
        "    assert not hasattr(builtins, 'LEAKED') or kata.__file__.endswith('leaky/toy.py')\n",
        encoding="utf-8",
    )
    results = run_pooled(
        toy_project, 1, ["leaky", "solutions"],
        lambda impl, worker: run_katas(
            toy_project, toy_project / impl, katas, workers=0, runner=worker
        )["toy"],
    )
    assert [r.passed for r in results] == [3, 3]



def test_a_workers_sessions_leave_no_temporary_file(toy_project, tmp_path, monkeypatch):
    """A session ends with os._exit, so atexit never runs: the temporary files a kata makes
    and means to remove at exit (as autograph does for every tf.function) must go anyway."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    leaky = toy_project / "leaky"
    leaky.mkdir()
    (leaky / "toy.py").write_text(
        "import atexit, os, tempfile\n"
        "fd, path = tempfile.mkstemp(prefix='generated')\n"
        "atexit.register(os.remove, path)\n\n\n"
        "def double(x):\n    return 2 * x\n\n\ndef halve(x):\n    return x / 2\n"
    )
    katas = load_manifest(toy_project)
    results = run_pooled(
        toy_project, 1, ["leaky"],
        lambda impl, worker: run_katas(
            toy_project, toy_project / impl, katas, workers=0, runner=worker
        )["toy"],
    )
    assert results[0].passed == 2  # the toy's two tests
    assert list(scratch.iterdir()) == []

# --- the object that equals anything ------------------------------------------------------


def test_anything_slips_through_weak_checks_only():
    thing = Anything()
    assert thing == 3 and thing == "x" and not (thing != 3) and thing < 1 and thing > 1
    assert thing.shape == (2, 3) and thing.numpy() is thing and thing(1, 2)[0] is thing
    assert abs(thing - 1.0) < 1e-6 and int(thing) == 0 and float(thing) == 0.0
    assert len(thing) == 2 and list(thing) == [thing, thing] and 5 in thing
    assert bool(np.all(np.asarray(thing) == np.arange(6).reshape(2, 3)))
    assert np.asarray(thing, dtype=np.float32).dtype == np.float32
    assert not isinstance(thing, (int, float, tuple, np.ndarray))  # what a value check asks


def test_trivial_modules_keep_the_api_and_compute_nothing():
    source = (
        '"""Doc."""\n\nimport math\n\nSCALE = 2\n\n\ndef double(x: int) -> int:\n'
        '    """Return 2 * x."""\n    return SCALE * x\n\n\nclass Counter:\n'
        '    """Counts."""\n\n    def __init__(self, start):\n        self.n = start\n\n'
        "    def up(self):\n        self.n += 1\n        return self.n\n\n\n"
        "def _helper():\n    return 1\n"
    )
    for kind in (NONE, ANYTHING):
        namespace: dict = {}
        exec(compile(trivial_source(source, kind), "<trivial>", "exec"), namespace)
        assert namespace["SCALE"] == 2 and "_helper" not in namespace
        counter = namespace["Counter"](5)  # __init__ still returns None: the class builds
        if kind == NONE:
            assert namespace["double"](3) is None and counter.up() is None
        else:
            assert isinstance(namespace["double"](3), Anything)
            assert isinstance(counter.up(), Anything)
    with pytest.raises(ValueError, match="unknown trivial"):
        trivial_source(source, "zero")
    assert not hasattr(builtins, "LEAKED")
