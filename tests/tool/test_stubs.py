import ast

from tf_katas.stubs import stale_stubs, stub_source, write_stubs

SOLUTION = '''"""Module docstring."""

import numpy as np

SCALE = 2


def _helper(x):
    return x * SCALE


class _Cache:
    def answer(self):
        return "the cached answer"


def double(x: np.ndarray) -> np.ndarray:
    """Return twice x."""
    # the answer, which the stub must not give away
    return _helper(x)


class Meter:
    """A meter."""

    def __init__(self):
        """Start at zero."""
        self.total = 0

    def _private(self):
        return 1
'''


def test_stub_keeps_signatures_docstrings_and_imports():
    stub = stub_source(SOLUTION)
    tree = ast.parse(stub)
    double = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert double.name == "double" and ast.unparse(double.args) == "x: np.ndarray"
    assert ast.get_docstring(double) == "Return twice x."
    assert "import numpy as np" in stub and "SCALE = 2" in stub


def test_stub_bodies_raise_and_give_nothing_away():
    stub = stub_source(SOLUTION)
    assert 'raise NotImplementedError("double: your code here")' in stub
    assert 'raise NotImplementedError("Meter.__init__: your code here")' in stub
    assert "_helper" not in stub and "_private" not in stub and "the answer" not in stub
    assert "_Cache" not in stub and "cached answer" not in stub  # private classes go too
    namespace = {}
    exec(compile(stub, "stub", "exec"), namespace)
    for call in (lambda: namespace["double"](1), namespace["Meter"]):
        try:
            call()
        except NotImplementedError:
            continue
        raise AssertionError("a stub ran without raising NotImplementedError")


def test_stale_stubs_are_found_and_rewritten(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "m.py").write_text(SOLUTION)
    assert stale_stubs(tmp_path / "solutions", tmp_path / "katas") == ["m"]
    write_stubs(tmp_path / "solutions", tmp_path / "katas")
    assert stale_stubs(tmp_path / "solutions", tmp_path / "katas") == []
    (tmp_path / "katas" / "m.py").write_text(stub_source(SOLUTION).replace("twice", "thrice"))
    assert stale_stubs(tmp_path / "solutions", tmp_path / "katas") == ["m"]


def test_regenerating_stubs_keeps_a_learners_work_unless_forced(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "m.py").write_text(SOLUTION)
    (tmp_path / "katas").mkdir()
    work = "def double(x):\n    return x + x\n"
    (tmp_path / "katas" / "m.py").write_text(work)
    written, kept = write_stubs(tmp_path / "solutions", tmp_path / "katas")
    assert (written, kept) == ([], [tmp_path / "katas" / "m.py"])
    assert (tmp_path / "katas" / "m.py").read_text() == work
    written, _ = write_stubs(tmp_path / "solutions", tmp_path / "katas", force=True)
    assert (
        written == [tmp_path / "katas" / "m.py"]
        and stale_stubs(tmp_path / "solutions", tmp_path / "katas") == []
    )
