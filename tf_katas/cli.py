"""The `kata` command: learners' progress, next kata, checks, hints and re-runs on save;
maintainers' verify and sync."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tf_katas.grading.remote import Limits
from tf_katas.hints import HintLog
from tf_katas.manifest import ManifestError, kata_named, load_manifest
from tf_katas.project import find_root, resolve_impl
from tf_katas.runner import PASSING, refresh_estimate, results_for
from tf_katas.verdict import STYLE, short_message, show_verdict, unfinished_functions

console = Console(highlight=False)
LIMITS = Limits()


def cmd_list(args, root, katas, impl_dir) -> int:
    stale, seconds = refresh_estimate(root, impl_dir, katas, fresh=args.fresh)
    if stale:
        console.print(f"[dim]running the tests of {len(stale)} of {len(katas)} katas (the "
                      f"others' results are cached): about {seconds:.0f} s...[/]")
    results = results_for(root, impl_dir, katas, fresh=args.fresh)
    table = Table(title=f"tf-katas — {impl_dir}", title_justify="left")
    for column in ("#", "kata", "title", "status", "tests", "points"):
        table.add_column(column, justify="right" if column in ("#", "tests", "points") else "left")
    for number, kata in enumerate(katas, start=1):
        r = results[kata.name]
        table.add_row(
            str(number),
            kata.name,
            kata.title,
            f"[{STYLE[r.status]}]{r.status}[/]",
            f"{r.passed}/{len(r.tests)}",
            str(kata.points),
        )
    console.print(table)
    done = [k for k in katas if results[k.name].status == PASSING]
    points = sum(k.points for k in done)
    console.print(
        f"progress: {len(done)} of {len(katas)} katas passing, "
        f"{points} of {sum(k.points for k in katas)} points"
    )
    return 0


def cmd_next(args, root, katas, impl_dir) -> int:
    for kata in katas:  # one at a time, so a learner at kata 1 does not wait for kata 30
        result = results_for(root, impl_dir, [kata], workers=0)[kata.name]
        if result.status != PASSING:
            break
    else:
        console.print("[green]Every kata passes. Well done![/]")
        return 0
    number = katas.index(kata) + 1
    console.print(f"[bold]Next: kata {number} of {len(katas)}, {kata.name}[/] — {kata.title}")
    console.print(f"  notes: {kata.heading}")
    waiting = unfinished_functions(impl_dir / f"{kata.name}.py")
    console.print(
        f"  open {impl_dir.name}/{kata.name}.py"
        + (f" and write: {', '.join(waiting)}" if waiting else "")
    )
    failure = result.first_failure
    if result.message:
        console.print(f"  its tests could not be collected:\n{escape(result.message)}", style="red")
    elif failure is not None:
        console.print(f"  first failing test: {escape(failure.name)}")
        message = short_message(failure.message)
        console.print("    " + escape(message).replace("\n", "\n    "), style="red")
    console.print(
        f"  then `kata check {kata.name}` (or `kata watch` to re-run on every save); "
        f"stuck? `kata hint {kata.name}`"
    )
    return 0


def cmd_check(args, root, katas, impl_dir) -> int:
    kata = kata_named(katas, args.name)
    result = results_for(root, impl_dir, [kata], fresh=True, workers=0)[kata.name]
    show_verdict(console, kata, result, impl_dir, verbose=args.verbose)
    return 0 if result.status == PASSING else 1


def cmd_hint(args, root, katas, impl_dir) -> int:
    kata = kata_named(katas, args.name)
    if args.all:
        for number, hint in enumerate(kata.hints, start=1):
            console.print(f"hint {number}/{len(kata.hints)}: {escape(hint)}")
        return 0
    number, hint = HintLog(root).next_hint(kata)
    console.print(f"hint {number}/{len(kata.hints)} for {kata.name}: {escape(hint)}")
    if number == len(kata.hints):
        console.print(
            f"[dim]that was the last hint; the docstrings in {impl_dir.name}/{kata.name}.py "
            "are the spec[/]"
        )
    return 0


def cmd_watch(args, root, katas, impl_dir) -> int:
    from tf_katas.watch import watch

    return watch(root, katas, impl_dir, args.name, console)


def cmd_verify(args, root, katas, impl_dir) -> int:
    from tf_katas.proofs import run_proofs
    from tf_katas.verify import verify

    def progress(text: str) -> None:
        console.print(f"[dim]{escape(text)}[/]")

    def caught(line: str) -> None:
        console.print(f"[green]✓[/] {escape(line)}")

    if args.mistakes is None:
        checks, breaches = verify(
            root, katas, workers=args.workers, progress=progress,
            caught=caught if args.verbose else None,
        )
    else:
        chosen = [kata_named(katas, args.mistakes)] if args.mistakes else katas
        report = run_proofs(root, chosen, workers=args.workers, progress=progress)
        checks, breaches = report.checks, report.breaches
        for line in report.caught if args.verbose else ():
            caught(line)
    for breach in breaches:
        console.print(f"[red]✗[/] {escape(breach)}")
    # One plain line a CI log reader can count: checks that held, breaches found.
    print(f"verify: {checks} passed, {len(breaches)} failed")
    return 1 if breaches else 0


def cmd_sync(args, root, katas, impl_dir) -> int:
    from tf_katas.readme import write_table
    from tf_katas.stubs import write_stubs

    written, kept = write_stubs(root / "solutions", root / "katas", args.names or None, args.force)
    for path in written:
        console.print(f"wrote {path.relative_to(root)}")
    for path in kept:
        console.print(
            f"[yellow]kept {path.relative_to(root)}: it holds code that is not a stub "
            "(yours?); --force overwrites it[/]"
        )
    write_table(root, katas)
    console.print("wrote the kata table in README.md")
    return 0


def cmd_grade(args, root, katas, impl_dir) -> int:
    from tf_katas.grading.grade import (
        STOP,
        IsolationRefused,
        choose_isolation,
        grade_path,
        is_submission,
    )
    from tf_katas.grading.reports import write_class_reports, write_reports

    path = Path(args.path).resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"{args.path}: no such folder")
    limits = Limits(
        test_seconds=args.test_seconds,
        kata_seconds=args.kata_seconds,
        memory_mb=args.memory_mb,
        submission_seconds=args.budget_seconds,
    )
    try:
        kind, problem = choose_isolation(args.isolation)
    except IsolationRefused as err:
        console.print(
            f"[bold red]kata grade: no bubblewrap sandbox here ({escape(str(err))}); "
            "--isolation=required: nothing graded[/]"
        )
        return 3
    if problem:
        console.print(
            f"[bold red]WARNING: grading WITHOUT a sandbox: {escape(problem)}. The submissions "
            "run as plain processes (see the README: what the fallback cannot stop); "
            "--isolation=required refuses instead.[/]"
        )
    out = Path(args.out).resolve()
    # The sandbox sees neither the submissions nor the reports.
    os.environ["KATA_HIDDEN"] = os.pathsep.join(map(str, {path, path.parent, out}))
    grades = grade_path(root, katas, path, limits, jobs=args.jobs, kind=kind)
    failed = []
    single = is_submission(path, katas)
    for grade in grades:
        try:  # one submission's reports never cost another its own
            write_reports(grade, out if single else out / grade.submission)
        except Exception as err:  # noqa: BLE001 - said below, the others are written
            failed.append(f"{grade.submission}: {type(err).__name__}: {err}")
    if not single:
        write_class_reports(grades, out)
    for grade in grades:
        console.print(
            f"{escape(grade.submission)}: {grade.total:g} of {grade.max_points} points "
            f"({grade.percent:g} %) in {grade.seconds:.0f} s"
            + (" [bold red]INTERRUPTED[/]" if grade.interrupted else "")
        )
    console.print(
        f"isolation: {grades[0].isolation if grades else kind}, code run as "
        f"{escape(grades[0].user) if grades else '?'}"
    )
    for line in failed:
        console.print(f"[red]reports not written for {escape(line)}[/]")
    console.print(f"reports in {out}")
    if STOP.is_set():
        return 130
    if failed:
        return 2
    if args.min_score is not None and any(g.percent < args.min_score for g in grades):
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kata", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--impl",
        default="katas",
        metavar="PATH",
        help="folder of kata modules: katas (default), solutions, or a submission",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("list", parents=[common], help="every kata with its status, and progress")
    p.add_argument(
        "--fresh", action="store_true", help="re-run every kata, ignoring cached results"
    )
    verbs.add_parser(
        "next", parents=[common], help="the first kata not yet passing, and what to do"
    )
    p = verbs.add_parser("check", parents=[common], help="run one kata's tests")
    p.add_argument("name")
    p.add_argument("-v", "--verbose", action="store_true", help="full tracebacks of every failure")
    p = verbs.add_parser("hint", parents=[common], help="the next hint for a kata")
    p.add_argument("name")
    p.add_argument("--all", action="store_true", help="every hint at once")
    p = verbs.add_parser("watch", parents=[common], help="re-run a kata's tests on every save")
    p.add_argument("name", nargs="?", help="the kata to watch (default: the next one not passing)")
    p = verbs.add_parser(
        "verify",
        parents=[common],
        help="maintainers: solutions pass, stubs and trivial implementations fail, "
        "catalogued mistakes are caught, stubs match solutions",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="pytest-xdist workers (default: cores); with --mistakes, pytest processes",
    )
    p.add_argument(
        "--mistakes",
        nargs="?",
        const="",
        default=None,
        metavar="KATA",
        help="only the proofs (catalogued mistakes caught, trivial implementations failing, "
        "alternative solutions passing), for KATA or for every kata",
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="which test caught each catalogued mistake"
    )
    p = verbs.add_parser(
        "grade", help="course staff: grade a submission folder (or a folder of them)"
    )
    p.add_argument(
        "path", help="a folder of kata modules shaped like katas/, or a folder of such folders"
    )
    p.add_argument("--out", default="grading", help="where the reports go (default: grading/)")
    p.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    p.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="PERCENT",
        help="exit 1 when a submission scores below PERCENT of the points",
    )
    p.add_argument(
        "--test-seconds",
        type=float,
        default=LIMITS.test_seconds,
        help=f"time limit per test ({LIMITS.test_seconds:g})",
    )
    p.add_argument(
        "--kata-seconds",
        type=float,
        default=LIMITS.kata_seconds,
        help=f"time limit per kata ({LIMITS.kata_seconds:g})",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=LIMITS.memory_mb,
        help=f"memory limit of each kata's process, TensorFlow included ({LIMITS.memory_mb})",
    )
    p.add_argument(
        "--budget-seconds",
        type=float,
        default=LIMITS.submission_seconds,
        help=f"time budget of a whole submission ({LIMITS.submission_seconds:g})",
    )
    p.add_argument(
        "--isolation",
        choices=["auto", "required", "process"],
        default="auto",
        help="auto: a bubblewrap sandbox where it runs, else plain processes with a warning; "
        "required: refuse to grade without bubblewrap; process: plain processes",
    )
    p = verbs.add_parser(
        "sync",
        parents=[common],
        help="maintainers: regenerate stubs from solutions and the README's kata table",
    )
    p.add_argument("names", nargs="*", help="only these katas' stubs")
    p.add_argument("--force", action="store_true", help="overwrite kata modules holding code")
    return parser


COMMANDS = {
    "list": cmd_list,
    "next": cmd_next,
    "check": cmd_check,
    "hint": cmd_hint,
    "watch": cmd_watch,
    "verify": cmd_verify,
    "sync": cmd_sync,
    "grade": cmd_grade,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = find_root()
        katas = load_manifest(root)
        impl_dir = resolve_impl(getattr(args, "impl", "katas"), root)
        return COMMANDS[args.verb](args, root, katas, impl_dir)
    except (FileNotFoundError, ManifestError, KeyError) as err:
        message = err.args[0] if err.args else str(err)
        console.print(f"[red]kata: {escape(str(message))}[/]")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
