"""`kata watch`: re-run a kata's tests each time its module is saved.

A pre-warmed pytest process (tf_katas.warm) waits with TensorFlow imported, so the
feedback after a save costs the tests' time, not TensorFlow's import.
"""

from __future__ import annotations

from pathlib import Path

from watchfiles import watch as watch_changes

from tf_katas.manifest import Kata, kata_named
from tf_katas.runner import PASSING, results_for
from tf_katas.warm import WarmPytest


def watch(root: Path, katas: list[Kata], impl_dir: Path, name: str | None, show, console) -> int:
    runner = WarmPytest(root)
    try:
        kata = kata_named(katas, name) if name else None
        if kata is None:
            statuses = results_for(root, impl_dir, katas)
            kata = next((k for k in katas if statuses[k.name].status != PASSING), katas[-1])
        while True:
            result = results_for(root, impl_dir, [kata], fresh=True, workers=0, runner=runner)[
                kata.name
            ]
            console.clear()
            show(kata, result, impl_dir)
            if result.status == PASSING and name is None:
                following = katas.index(kata) + 1
                if following < len(katas):
                    kata = katas[following]
                    console.print(
                        f"\n[green]On to the next kata: {kata.name}[/] (save it to run its tests)"
                    )
            watched = {(impl_dir / f"{kata.name}.py").resolve(), (root / kata.test_file).resolve()}
            console.print(
                f"\n[dim]watching {impl_dir.name}/{kata.name}.py: save to re-run, Ctrl-C to stop[/]"
            )
            for changes in watch_changes(impl_dir, root / "tests", raise_interrupt=False):
                if any(Path(path).resolve() in watched for _, path in changes):
                    break
            else:
                return 0
    finally:
        runner.close()
