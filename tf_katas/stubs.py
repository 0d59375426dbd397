"""Stubs are generated from the solutions, so the two can never drift apart.

A stub keeps the solution module's docstring, imports, constants, and every public
function's signature and docstring; its body becomes `raise NotImplementedError`.
Private helpers (`_name`) are the reference's business and are left out.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

STUB_BODY = 'raise NotImplementedError("{name}: your code here")'


def _stub_body(qualname: str) -> str:
    return STUB_BODY.format(name=qualname)


def _stub_edits(
    node: ast.AST,
    edits: list[tuple[int, int, list[str]]],
    owner: str = "",
    body_of: Callable[[str], str] = _stub_body,
) -> None:
    """Collects (first line, last line, replacement) for `node`'s functions, 1-based;
    `body_of(qualified name)` is the line a public function's body becomes."""
    for child in node.body:
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
            public = not child.name.startswith("_") or (
                child.name.startswith("__") and child.name.endswith("__")
            )
            if not public:
                edits.append((first, child.end_lineno, []))
                continue
            body = child.body
            has_doc = ast.get_docstring(child, clean=False) is not None
            # Everything after the docstring goes, comments included: they are the answer.
            start = body[0].end_lineno + 1 if has_doc else body[0].lineno
            stub = [" " * body[0].col_offset + body_of(owner + child.name)]
            edits.append((start, max(start - 1, child.end_lineno), stub))
        elif isinstance(child, ast.ClassDef) and not child.name.startswith("_"):
            _stub_edits(child, edits, f"{owner}{child.name}.", body_of)
        elif isinstance(child, ast.ClassDef) and not owner:
            # A private class is the reference's business, as a private function is.
            first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
            edits.append((first, child.end_lineno, []))


def stub_source(solution_source: str, body: Callable[[str], str] = _stub_body) -> str:
    """The stub module for a solution module's source text; `body(qualified name)` gives
    the line each public function's body becomes (default: raise NotImplementedError)."""
    tree = ast.parse(solution_source)
    lines = solution_source.splitlines()
    edits: list[tuple[int, int, list[str]]] = []
    _stub_edits(tree, edits, body_of=body)
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1 : last] = replacement
    text = "\n".join(lines).rstrip() + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


def stale_stubs(solutions: Path, katas: Path) -> list[str]:
    """Names of the kata modules whose stub differs from the one generated from solutions."""
    stale = []
    for solution in sorted(solutions.glob("*.py")):
        if solution.name == "__init__.py":
            continue
        stub = katas / solution.name
        if not stub.is_file() or stub.read_text(encoding="utf-8") != stub_source(
            solution.read_text(encoding="utf-8")
        ):
            stale.append(solution.stem)
    return stale


def has_learner_code(path: Path) -> bool:
    """True when a public function of the kata module no longer just raises
    NotImplementedError: somebody's work, which regenerating the stub would erase."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return path.exists()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith(
            "_"
        ):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            if not (
                len(body) == 1
                and isinstance(body[0], ast.Raise)
                and "NotImplementedError" in ast.unparse(body[0])
            ):
                return True
    return False


def write_stubs(
    solutions: Path, katas: Path, names: list[str] | None = None, force: bool = False
) -> tuple[list[Path], list[Path]]:
    """(Re)writes katas/<name>.py from solutions/<name>.py; all modules when `names` is None.

    A kata module holding a learner's code is kept unless `force`. Returns (written, kept).
    """
    katas.mkdir(exist_ok=True)
    written, kept = [], []
    for solution in sorted(solutions.glob("*.py")):
        if solution.name == "__init__.py" or (names is not None and solution.stem not in names):
            continue
        target = katas / solution.name
        stub = stub_source(solution.read_text(encoding="utf-8"))
        if target.exists() and target.read_text(encoding="utf-8") == stub:
            continue
        if not force and target.exists() and has_learner_code(target):
            kept.append(target)
            continue
        target.write_text(stub, encoding="utf-8")
        written.append(target)
    return written, kept
