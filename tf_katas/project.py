"""Where the project's folders are."""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST_NAME = "manifest.toml"


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder holding the manifest, from `start` (or the
    current directory) upwards, else the folder this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_NAME).is_file() and (folder / "tests").is_dir():
            return folder
    fallback = Path(__file__).resolve().parent.parent
    if (fallback / MANIFEST_NAME).is_file():
        return fallback
    raise FileNotFoundError(
        f"no {MANIFEST_NAME} in {here} or above: run `kata` inside a tf-katas checkout"
    )


def resolve_impl(impl: str | os.PathLike, root: Path) -> Path:
    """The folder of kata modules that `--impl` names: `katas`, `solutions` or a path.

    A relative path is taken from the current directory first, then from the project root,
    so `--impl=solutions` works from any sub-folder.
    """
    path = Path(impl).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise FileNotFoundError(
        f"--impl {impl}: no such folder (looked in {', '.join(map(str, candidates))})"
    )
