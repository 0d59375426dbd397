"""`kata verify`'s proofs that the tests catch wrong solutions and accept right ones.

1. The catalogue of mistakes, `solutions/mistakes/<kata>.toml`: plausible wrong solutions,
   each a small edit of the reference (the exact text `find` in `solutions/<kata>.py` and
   what it becomes). Each is applied to a copy of `solutions/` and the kata's tests run on
   it, stopping at the first failure: the mistake is caught only when a test fails with an
   assertion (AssertionError, pytest.fail, pytest.raises' "DID NOT RAISE") or with an
   exception raised while the kata's own code ran — not when the test's code crashes on
   what it got. A mistake that survives, or whose snippet is gone, is a breach.
2. Trivial implementations, generated from each kata's public API (tf_katas.trivial): every
   function returning None, and every function returning an object that equals, converts
   to and compares as anything. Every test must fail on both.
3. Alternative correct solutions, `solutions/alternatives/<kata>.py` (whole modules in
   another style): every test of the kata must pass on each.

The sessions run on a pool of pytest processes that import TensorFlow once each
(tf_katas.batch).
"""

from __future__ import annotations

import ast
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from tf_katas.batch import run_pooled
from tf_katas.collect import ASSERTION, KATA_RAISED
from tf_katas.manifest import Kata, load_manifest
from tf_katas.runner import KataResult, run_katas
from tf_katas.trivial import ANYTHING, NONE, trivial_source

MISTAKES_DIR = "solutions/mistakes"
ALTERNATIVES_DIR = "solutions/alternatives"
MIN_MISTAKES = 5
PROOFS = ("mistakes", "trivial", "alternatives")
REQUIRED_FIELDS = ("name", "function", "learner", "find", "replace")
OPTIONAL_FIELDS = ("count",)
TRIVIAL_MEANING = {
    NONE: "every function returns None",
    ANYTHING: "every function returns an object that equals and converts to anything",
}


@dataclass(frozen=True)
class Mistake:
    kata: str
    name: str
    function: str
    learner: str
    find: str
    replace: str
    count: int = 1

    @property
    def label(self) -> str:
        return f"mistake {self.kata}/{self.name}"


@dataclass
class ProofReport:
    checks: int = 0
    breaches: list[str] = field(default_factory=list)
    # One line per caught mistake: which test caught it, with the first line of its message.
    caught: list[str] = field(default_factory=list)


def public_names(solution_source: str) -> set[str]:
    """Public functions and classes of a kata module, and its classes' public methods as
    `Class.method`: what a mistake may name as the function it breaks."""
    names = set()
    for node in ast.parse(solution_source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                # As in the stubs: a method is public unless private (`_name`); dunders such
                # as `__init__` are public (the learner writes them).
                names.update(
                    f"{node.name}.{item.name}"
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                    and (not item.name.startswith("_") or item.name.startswith("__"))
                )
    return names


def top_level_functions(solution_source: str) -> list[str]:
    return [
        node.name
        for node in ast.parse(solution_source).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def load_catalogue(root: Path, kata: str) -> tuple[list[Mistake], list[str]]:
    """The kata's mistakes that can be applied, and the breaches of its catalogue file."""
    path = root / MISTAKES_DIR / f"{kata}.toml"
    where = f"{MISTAKES_DIR}/{kata}.toml"
    if not path.is_file():
        return [], [f"{where} is missing: every kata has a catalogue of mistakes"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        return [], [f"{where}: not valid TOML: {err}"]
    breaches = [f"{where}: unknown top-level key {key!r}" for key in data if key != "mistake"]
    entries = data.get("mistake", [])
    if not isinstance(entries, list):
        return [], breaches + [f"{where}: `mistake` must be an array of tables ([[mistake]])"]
    solution = (root / "solutions" / f"{kata}.py").read_text(encoding="utf-8")
    public = public_names(solution)
    mistakes, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        label = f"{where}: mistake #{number} ({entry.get('name', '?')})"
        problems = [f"missing `{f}`" for f in REQUIRED_FIELDS if f not in entry]
        unknown = set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
        problems += [f"unknown field `{f}`" for f in sorted(unknown)]
        problems += [
            f"`{f}` must be a string"
            for f in REQUIRED_FIELDS
            if f in entry and not isinstance(entry[f], str)
        ]
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            problems.append("`count` must be a positive integer")
        if problems:
            breaches.append(f"{label}: {'; '.join(problems)}")
            continue
        if entry["name"] in seen:
            breaches.append(f"{label}: the name {entry['name']!r} is used twice")
            continue
        seen.add(entry["name"])
        if entry["function"] not in public:
            breaches.append(
                f"{label}: {entry['function']!r} is not a public function of solutions/{kata}.py"
            )
            continue
        if entry["find"] == entry["replace"] or not entry["find"]:
            breaches.append(f"{label}: `replace` must change a non-empty `find`")
            continue
        found = solution.count(entry["find"])
        if found != count:
            what = "is gone from" if found == 0 else f"occurs {found} times (count = {count}) in"
            breaches.append(f"{label}: its `find` snippet {what} solutions/{kata}.py")
            continue
        mistakes.append(Mistake(kata=kata, count=count, **{f: entry[f] for f in REQUIRED_FIELDS}))
    if len(seen) < MIN_MISTAKES:
        breaches.append(f"{where}: {len(seen)} mistakes, at least {MIN_MISTAKES} are needed")
    named = {entry.get("function") for entry in entries if isinstance(entry, dict)}
    named |= {n.partition(".")[0] for n in named if isinstance(n, str)}
    breaches += [
        f"{where}: no mistake breaks {function}(): every public function needs one"
        for function in top_level_functions(solution)
        if function not in named
    ]
    return mistakes, breaches


def apply_mistake(mistake: Mistake, solutions: Path, target: Path) -> None:
    """A copy of `solutions` (its kata modules) in `target`, with the mistake's edit."""
    target.mkdir(parents=True)
    for module in solutions.glob("*.py"):
        shutil.copy(module, target / module.name)
    path = target / f"{mistake.kata}.py"
    path.write_text(
        path.read_text(encoding="utf-8").replace(mistake.find, mistake.replace),
        encoding="utf-8",
    )


def write_trivial(solutions: Path, target: Path, kind: str, katas: list[Kata]) -> None:
    target.mkdir(parents=True)
    for kata in katas:
        source = (solutions / f"{kata.name}.py").read_text(encoding="utf-8")
        (target / f"{kata.name}.py").write_text(trivial_source(source, kind), encoding="utf-8")


def write_alternative(solutions: Path, alternative: Path, target: Path) -> None:
    """A copy of `solutions` with one module replaced by the alternative solution."""
    target.mkdir(parents=True)
    for module in solutions.glob("*.py"):
        shutil.copy(module, target / module.name)
    shutil.copy(alternative, target / alternative.name)


def _first_line(text: str, limit: int = 300) -> str:
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[:limit] + "..."


def judge_mistake(mistake: Mistake, result: KataResult) -> tuple[bool, str]:
    """(caught?, what to say): caught by a failing assertion or an exception the kata raised."""
    if result.message:
        return False, f"{mistake.label}: the edited module's tests cannot run: {result.message}"
    failures = [t for t in result.tests if t.outcome in ("failed", "error")]
    catcher = next((t for t in failures if t.failure in (ASSERTION, KATA_RAISED)), None)
    if catcher is not None:
        how = "raised in the kata: " if catcher.failure == KATA_RAISED else ""
        return True, (
            f"{mistake.label} ({mistake.learner}): caught by {catcher.name}: "
            f"{how}{_first_line(catcher.message)}"
        )
    if failures:
        crash = failures[0]
        return False, (
            f"{mistake.label} ({mistake.learner}): {crash.nodeid} crashes in the test's own "
            f"code instead of saying what was expected: {_first_line(crash.message)}"
        )
    return False, (
        f"{mistake.label} survives: no test of {mistake.kata} fails when the learner "
        f"{mistake.learner} (`{_first_line(mistake.find, 80)}` -> "
        f"`{_first_line(mistake.replace, 80)}` in {mistake.function})"
    )


def judge_trivial(kind: str, kata: Kata, result: KataResult) -> tuple[int, list[str]]:
    if result.message:
        return 0, [f"{kata.name} ({TRIVIAL_MEANING[kind]}): tests cannot run: {result.message}"]
    checks, breaches = 0, []
    for test in result.tests:
        if test.outcome in ("failed", "error"):
            checks += 1
        else:
            breaches.append(
                f"{test.nodeid}: {test.outcome} on the trivial implementation where "
                f"{TRIVIAL_MEANING[kind]}: it checks nothing of the result"
            )
    return checks, breaches


def judge_alternative(kata: Kata, result: KataResult) -> tuple[int, list[str]]:
    where = f"{ALTERNATIVES_DIR}/{kata.name}.py"
    if result.message:
        return 0, [f"{where}: tests cannot run: {result.message}"]
    checks, breaches = 0, []
    for test in result.tests:
        if test.outcome == "passed":
            checks += 1
        else:
            breaches.append(
                f"{test.nodeid}: {test.outcome} on the correct alternative {where}: "
                f"{_first_line(test.message, 500)}"
            )
    return checks, breaches


@dataclass(frozen=True)
class _Job:
    kind: str  # "mistake", "trivial", "alternative"
    impl_dir: Path
    katas: tuple[Kata, ...]
    extra: tuple[str, ...] = ()
    mistake: Mistake | None = None
    trivial: str = ""


def default_proof_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run_proofs(
    root: Path,
    katas: list[Kata],
    *,
    workers: int | None = None,
    progress: Callable[[str], None] = print,
    proofs: tuple[str, ...] = PROOFS,
) -> ProofReport:
    """Runs the proofs (all three unless `proofs` names fewer) for `katas`; returns what
    held, what broke, and what caught which mistake."""
    report = ProofReport()
    solutions = root / "solutions"
    present = [k for k in katas if (root / k.test_file).is_file()]
    by_name = {k.name: k for k in present}
    with tempfile.TemporaryDirectory(prefix="kata-proofs-") as tmp:
        tmp = Path(tmp)
        jobs: list[_Job] = []
        for kind in (NONE, ANYTHING) if "trivial" in proofs else ():
            folder = tmp / f"trivial-{kind}"
            write_trivial(solutions, folder, kind, present)
            # Each kata alone: one kata's collection error must not hide another's tests.
            jobs += [_Job("trivial", folder, (k,), trivial=kind) for k in present]
        alternatives = sorted((root / ALTERNATIVES_DIR).glob("*.py"))
        alternatives = alternatives if "alternatives" in proofs else []
        listed = {k.name for k in load_manifest(root)}  # `katas` may be one kata alone
        for alternative in alternatives:
            if alternative.stem not in by_name:
                if alternative.stem not in listed:
                    report.breaches.append(
                        f"{ALTERNATIVES_DIR}/{alternative.name} is not a kata in manifest.toml"
                    )
                continue
            folder = tmp / f"alternative-{alternative.stem}"
            write_alternative(solutions, alternative, folder)
            jobs.append(_Job("alternative", folder, (by_name[alternative.stem],)))
        for kata in present if "mistakes" in proofs else ():
            mistakes, breaches = load_catalogue(root, kata.name)
            report.breaches += breaches
            report.checks += not breaches
            for mistake in mistakes:
                folder = tmp / f"mistake-{kata.name}-{mistake.name}"
                apply_mistake(mistake, solutions, folder)
                jobs.append(_Job("mistake", folder, (kata,), ("-x",), mistake=mistake))
        progress(
            f"proofs: {sum(j.kind == 'mistake' for j in jobs)} catalogued mistakes, "
            f"{sum(j.kind == 'trivial' for j in jobs)} runs on trivial implementations, "
            f"{sum(j.kind == 'alternative' for j in jobs)} alternative solutions..."
        )

        finished = itertools.count(1)
        tenth = max(1, len(jobs) // 10)  # a line each tenth of the way: verify runs for minutes

        def work(job: _Job, worker) -> dict[str, KataResult]:
            try:
                return run_katas(
                    root, job.impl_dir, list(job.katas), workers=0, extra=job.extra, runner=worker
                )
            except RuntimeError as err:  # pytest stopped before reporting
                return {k.name: KataResult(k.name, "error", [], str(err)[-800:]) for k in job.katas}
            finally:
                count = next(finished)  # atomic under the GIL: workers are threads
                if count % tenth == 0 or count == len(jobs):
                    progress(f"proofs: {count} of {len(jobs)} runs done")

        size = default_proof_workers() if workers is None else workers
        results = run_pooled(root, size, jobs, work)

    for job, result in zip(jobs, results, strict=True):
        for kata in job.katas:
            if job.kind == "mistake":
                caught, text = judge_mistake(job.mistake, result[kata.name])
                if caught:
                    report.checks += 1
                    report.caught.append(text)
                else:
                    report.breaches.append(text)
            elif job.kind == "trivial":
                checks, breaches = judge_trivial(job.trivial, kata, result[kata.name])
                report.checks += checks
                report.breaches += breaches
            else:
                checks, breaches = judge_alternative(kata, result[kata.name])
                report.checks += checks
                report.breaches += breaches
    return report

