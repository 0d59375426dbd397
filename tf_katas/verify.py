"""`kata verify`: the maintainers' proof that every test can fail and every kata can pass.

- the manifest, solutions/, katas/ and tests/ name the same katas;
- katas/ is exactly the stubs generated from solutions/ (so public names, signatures and
  docstrings are identical) and the README's kata table is the manifest's;
- every test passes on solutions/;
- every test fails on the untouched stubs, and fails because a stub raised
  NotImplementedError (a test that fails on a stub for another reason is broken);
- a copy of solutions/, graded as `kata grade` grades (each kata in a sandbox process,
  the tests seeing it through proxies), scores full marks;
- the proofs (tf_katas.proofs): every catalogued mistake fails a test, every test fails on
  the trivial implementations, every alternative solution passes every test.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from tf_katas.grading.grade import grade_submission
from tf_katas.grading.remote import Limits
from tf_katas.manifest import Kata
from tf_katas.proofs import run_proofs
from tf_katas.readme import table_is_current
from tf_katas.runner import default_workers, run_katas
from tf_katas.stubs import stale_stubs, stub_source


def layout_breaches(root: Path, katas: list[Kata]) -> list[str]:
    breaches = []
    listed = {k.name for k in katas}
    for kata in katas:
        for path in (f"solutions/{kata.name}.py", f"katas/{kata.name}.py", kata.test_file):
            if not (root / path).is_file():
                breaches.append(f"{kata.name}: {path} is missing")
    for folder in ("solutions", "katas"):
        for module in sorted((root / folder).glob("*.py")):
            if module.stem not in listed and module.stem != "__init__":
                breaches.append(f"{folder}/{module.name} is not in manifest.toml")
    for test in sorted((root / "tests").glob("test_*.py")):
        if test.stem.removeprefix("test_") not in listed:
            breaches.append(f"tests/{test.name} tests no kata in manifest.toml")
    return breaches


def _public_api(source: str) -> dict[str, tuple[str, str | None]]:
    api = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            args = ast.unparse(node.args) if isinstance(node, ast.FunctionDef) else "class"
            api[node.name] = (args, ast.get_docstring(node))
    return api


def stub_breaches(root: Path) -> list[str]:
    breaches = []
    for name in stale_stubs(root / "solutions", root / "katas"):
        stub = root / "katas" / f"{name}.py"
        expected = _public_api(stub_source((root / "solutions" / f"{name}.py").read_text("utf-8")))
        actual = _public_api(stub.read_text("utf-8")) if stub.is_file() else {}
        details = [
            f"{fn}: {'missing' if fn not in actual else 'signature or docstring differs'}"
            for fn in expected
            if actual.get(fn) != expected[fn]
        ]
        details += [f"{fn}: not in solutions" for fn in actual if fn not in expected]
        breaches.append(
            f"katas/{name}.py is not the stub generated from solutions/{name}.py"
            f" ({'; '.join(details) or 'bodies differ'}): run `kata sync`"
        )
    return breaches


def grading_checks(root: Path, katas: list[Kata], workers: int | None) -> tuple[int, list[str]]:
    """Graded as `kata grade` grades (sandboxed), solutions/ earns full marks and the
    untouched stubs earn nothing, every kata a `todo`. Returns (checks passed, breaches)."""
    workers = default_workers(katas) if workers is None else workers
    checks, breaches = 0, []
    for folder in ("solutions", "katas"):
        for kata in grade_submission(root, katas, root / folder, Limits(), workers=workers).katas:
            if folder == "solutions":
                held = kata.points == kata.max_points
            else:
                held = kata.points == 0 and kata.status == "todo"
            if held:
                checks += 1
                continue
            wrong = [t for t in kata.tests if (t.outcome == "passed") == (folder == "katas")]
            details = "; ".join(f"{t.name}: {t.message[:300]}" for t in wrong)[:800]
            breaches.append(
                f"graded {folder}/{kata.name}: {kata.points:g} of {kata.max_points} points, "
                f"{kata.status}: {details or kata.message[:300]}"
            )
    return checks, breaches


def verify(
    root: Path,
    katas: list[Kata],
    *,
    workers: int | None = None,
    progress: Callable[[str], None] = print,
    proofs: bool = True,
    caught: Callable[[str], None] | None = None,
) -> tuple[int, list[str]]:
    """Returns (checks passed, breaches); `proofs=False` leaves tf_katas.proofs out, and
    `caught` hears which test caught each catalogued mistake."""
    breaches = layout_breaches(root, katas) + stub_breaches(root)
    if not table_is_current(root, katas):
        breaches.append("README.md's kata table is not the manifest's: run `kata sync`")
    checks = 0
    present = [k for k in katas if (root / k.test_file).is_file()]

    progress(f"running every test on solutions/ ({len(present)} katas)...")
    on_solutions = run_katas(root, root / "solutions", present, workers=workers)
    progress("running every test on the untouched stubs in katas/...")
    on_stubs = run_katas(root, root / "katas", present, workers=workers)
    progress("grading solutions/ and the stubs as `kata grade` would (sandboxed)...")
    graded_checks, graded_breaches = grading_checks(root, present, workers)
    checks += graded_checks
    breaches += graded_breaches

    for kata in present:
        solved, stubbed = on_solutions[kata.name], on_stubs[kata.name]
        if solved.message or stubbed.message:
            breaches.append(
                f"{kata.name}: tests cannot be collected: {solved.message or stubbed.message}"
            )
            continue
        if not solved.tests:
            breaches.append(f"{kata.name}: has no tests")
        for test in solved.tests:
            if test.outcome == "passed":
                checks += 1
            else:
                breaches.append(
                    f"{test.nodeid}: {test.outcome} on solutions/: {test.message[:500]}"
                )
        for test in stubbed.tests:
            if test.outcome == "passed":
                breaches.append(f"{test.nodeid}: passes on the untouched stub: it tests nothing")
            elif test.outcome == "skipped":
                breaches.append(f"{test.nodeid}: skipped on the stubs: {test.message[:200]}")
            elif not test.not_implemented:
                breaches.append(
                    f"{test.nodeid}: fails on the stub for another reason than "
                    f"NotImplementedError: {test.message[:500]}"
                )
            else:
                checks += 1
        missing = {t.nodeid for t in solved.tests} ^ {t.nodeid for t in stubbed.tests}
        breaches += [
            f"{nodeid}: ran on only one of solutions/ and katas/" for nodeid in sorted(missing)
        ]
    if proofs:
        report = run_proofs(root, present, progress=progress)
        checks += report.checks
        breaches += report.breaches
        for line in report.caught if caught else ():
            caught(line)
    return checks, breaches
