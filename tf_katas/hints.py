"""Hints, one more each time a learner asks; how many were shown is kept per checkout."""

from __future__ import annotations

import json
from pathlib import Path

from tf_katas.manifest import Kata


class HintLog:
    def __init__(self, root: Path) -> None:
        self.path = root / ".kata-cache" / "hints.json"
        try:
            self.shown: dict[str, int] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.shown = {}

    def next_hint(self, kata: Kata) -> tuple[int, str]:
        """The next hint's number (1-based) and text; the last one again once all were shown."""
        number = min(self.shown.get(kata.name, 0) + 1, len(kata.hints))
        self.shown[kata.name] = number
        self.path.parent.mkdir(exist_ok=True)
        self.path.write_text(json.dumps(self.shown), encoding="utf-8")
        return number, kata.hints[number - 1]
