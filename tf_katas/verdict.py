"""How a kata's verdict reads, for `kata check` and `kata watch`, at 80 columns.

Passing tests are folded into a count, tests waiting for a stub into one line, and the
failures come last, each led by the test's own message: pytest's introspection of a bare
`assert` and NumPy's dumps of whole arrays are shown only with -v.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from tf_katas.manifest import Kata
from tf_katas.runner import ERROR, FAILING, PASSING, TODO, KataResult, Outcome

STYLE = {PASSING: "green", FAILING: "red", TODO: "yellow", ERROR: "bold red"}
MESSAGE_LINES = 8  # of a failure's message, without -v
MESSAGES_SHOWN = 3  # failures shown with their message, without -v; the rest by name
# Where the test's own words end and a dump begins: pytest's rewritten assert, NumPy's
# "x: array(...)" / "ACTUAL: array(...)" lines.
_INTROSPECTION = re.compile(r"\n(assert |\s*\+\s+where )")
_ARRAY_DUMP = re.compile(r"^\s*(x|y|ACTUAL|DESIRED): array\(")


def short_message(message: str) -> str:
    """A failure's message as a learner needs it first: the test's words, not the dumps."""
    text = _INTROSPECTION.split(message.strip(), maxsplit=1)[0]
    lines = []
    for line in text.splitlines():
        if _ARRAY_DUMP.match(line):
            break
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    cut = len(lines) > MESSAGE_LINES or "\n".join(lines) != message.strip()
    lines = lines[:MESSAGE_LINES] or message.strip().splitlines()[:1]
    return "\n".join(lines) + ("\n(kata check -v shows the whole message)" if cut else "")


def is_todo(test: Outcome) -> bool:
    return test.not_implemented and test.outcome != "passed"


def show_failure(console: Console, test: Outcome, *, verbose: bool, with_message: bool) -> None:
    console.print(f"  [red]✗[/] {escape(test.name)}")
    if with_message:
        text = test.detail if verbose and test.detail else short_message(test.message)
        console.print("      " + escape(text).replace("\n", "\n      "), style="red")


def unfinished_functions(module: Path) -> list[str]:
    """Public functions of a kata module that still raise NotImplementedError."""
    import ast

    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return []
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and (not node.name.startswith("_") or node.name == "__init__")
        and any(
            isinstance(inner, ast.Raise) and "NotImplementedError" in ast.unparse(inner)
            for inner in ast.walk(node)
        )
    ]


def show_verdict(console: Console, kata: Kata, result: KataResult, impl_dir: Path, *,
                 verbose: bool = False, note: str = "") -> None:
    """The whole verdict: passing folded, waiting stubs in one line, failures last."""
    console.print(f"[bold]{kata.name}[/] — {escape(kata.title)}  [dim]({kata.heading})[/]")
    if result.message:
        console.print(f"[bold red]its tests could not be collected:[/]\n{escape(result.message)}")
    passed = [t for t in result.tests if t.outcome == "passed"]
    todo = [t for t in result.tests if is_todo(t)]
    failures = [t for t in result.tests if t.outcome in ("failed", "error") and not is_todo(t)]
    if passed:
        console.print(f"  [green]✓ {len(passed)} passing[/]")
    if todo:
        waiting = unfinished_functions(impl_dir / f"{kata.name}.py")
        console.print(f"  [yellow]… {len(todo)} waiting for what you have not written yet"
                      + (f": {', '.join(waiting)}[/]" if waiting else "[/]"))
    for number, test in enumerate(failures):
        show_failure(console, test, verbose=verbose,
                     with_message=verbose or number < MESSAGES_SHOWN)
    console.print(
        f"[{STYLE[result.status]}]{result.status}[/]: {len(passed)} of {len(result.tests)} "
        f"tests pass{note}"
    )
