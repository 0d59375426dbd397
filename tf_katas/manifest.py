"""The one manifest (manifest.toml): every kata, in the order a learner meets them.

The runner, `kata list`, the README's kata table and the grader all read it; nothing else
keeps a second list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomllib

from tf_katas.project import MANIFEST_NAME

TAGS = frozenset({"gpu", "slow", "training"})


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    heading: str
    section: str
    points: int
    hints: tuple[str, ...]
    tags: tuple[str, ...] = ()
    all_or_nothing: bool = False

    @property
    def test_file(self) -> str:
        return f"tests/test_{self.name}.py"


class ManifestError(ValueError):
    """manifest.toml is malformed."""


def load_manifest(root: Path) -> list[Kata]:
    path = root / MANIFEST_NAME
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    katas, seen = [], set()
    for number, entry in enumerate(data.get("kata", []), start=1):
        where = f"{path.name}: kata #{number} ({entry.get('name', '?')})"
        missing = {"name", "title", "heading", "section", "points", "hints"} - set(entry)
        if missing:
            raise ManifestError(f"{where}: missing {', '.join(sorted(missing))}")
        unknown = set(entry) - {f for f in Kata.__dataclass_fields__}
        if unknown:
            raise ManifestError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if entry["name"] in seen:
            raise ManifestError(f"{where}: listed twice")
        if not entry["hints"]:
            raise ManifestError(f"{where}: needs at least one hint")
        bad_tags = set(entry.get("tags", ())) - TAGS
        if bad_tags:
            raise ManifestError(f"{where}: unknown tag(s) {', '.join(sorted(bad_tags))}")
        if not isinstance(entry["points"], int) or entry["points"] <= 0:
            raise ManifestError(f"{where}: points must be a positive integer")
        seen.add(entry["name"])
        katas.append(
            Kata(**{**entry, "hints": tuple(entry["hints"]), "tags": tuple(entry.get("tags", ()))})
        )
    if not katas:
        raise ManifestError(f"{path}: lists no kata")
    return katas


def kata_named(katas: list[Kata], name: str) -> Kata:
    for kata in katas:
        if kata.name == name:
            return kata
    close = [k.name for k in katas if name in k.name or k.name in name]
    suggestion = f" (did you mean {', '.join(close)}?)" if close else ""
    raise KeyError(f"no kata named {name!r}{suggestion}; `kata list` shows them all")


def kata_table(katas: list[Kata]) -> str:
    """The README's kata table, in Markdown."""
    rows = ["| # | kata | title | notes (中文) | points |", "|---|---|---|---|---|"]
    for number, kata in enumerate(katas, start=1):
        tags = f" ({', '.join(kata.tags)})" if kata.tags else ""
        rows.append(
            f"| {number} | `{kata.name}` | {kata.title}{tags} | {kata.heading} | {kata.points} |"
        )
    return "\n".join(rows)
