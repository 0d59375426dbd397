"""The README's kata table is generated from the manifest, between two markers."""

from __future__ import annotations

from pathlib import Path

from tf_katas.manifest import Kata, kata_table

START, END = "<!-- kata-table:start -->", "<!-- kata-table:end -->"


def with_table(readme: str, katas: list[Kata]) -> str:
    if START not in readme or END not in readme:
        raise ValueError(f"README.md has no {START} ... {END} markers for the kata table")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{kata_table(katas)}\n{END}{tail}"


def table_is_current(root: Path, katas: list[Kata]) -> bool:
    readme = (root / "README.md").read_text(encoding="utf-8")
    return with_table(readme, katas) == readme


def write_table(root: Path, katas: list[Kata]) -> None:
    path = root / "README.md"
    path.write_text(with_table(path.read_text(encoding="utf-8"), katas), encoding="utf-8")
