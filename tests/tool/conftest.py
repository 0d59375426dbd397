"""A toy tf-katas project in a temporary folder, for testing the `kata` tool end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TOY_SOLUTION = '''"""Toy kata."""


def double(x: int) -> int:
    """Return 2 * x."""
    return 2 * x


def halve(x: int) -> float:
    """Return x / 2."""
    return x / 2
'''

TOY_TESTS = """
def test_double(kata):
    assert kata.double(3) == 6
    assert type(kata.double(3)) is int  # an object equal to anything is no answer


def test_halve(kata):
    assert kata.halve(3) == 1.5
    assert type(kata.halve(3)) is float
"""

# Five plausible mistakes the toy's tests catch: the toy is sound for `kata verify`.
TOY_MISTAKES = """
[[mistake]]
name = "plus-two"
function = "double"
learner = "added 2 instead of doubling"
find = "return 2 * x"
replace = "return x + 2"

[[mistake]]
name = "squared"
function = "double"
learner = "squared x"
find = "return 2 * x"
replace = "return x * x"

[[mistake]]
name = "float-result"
function = "double"
learner = "doubled in floating point"
find = "return 2 * x"
replace = "return 2.0 * x"

[[mistake]]
name = "floor-division"
function = "halve"
learner = "halved with //"
find = "return x / 2"
replace = "return x // 2"

[[mistake]]
name = "doubled-instead"
function = "halve"
learner = "multiplied by 2"
find = "return x / 2"
replace = "return x * 2"
"""

TOY_MANIFEST = """
[[kata]]
name = "toy"
title = "Toy"
heading = "玩具"
section = "A. Toys"
points = 5
hints = ["first hint", "second hint"]
"""


@pytest.fixture
def toy_project(tmp_path: Path) -> Path:
    """A project with one kata, `toy`: solutions, generated stubs, tests, README, manifest."""
    return make_toy_project(tmp_path)


def make_toy_project(tmp_path: Path) -> Path:
    from tf_katas.manifest import load_manifest
    from tf_katas.readme import END, START, write_table
    from tf_katas.stubs import write_stubs

    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "manifest.toml").write_text(TOY_MANIFEST, encoding="utf-8")
    (tmp_path / "README.md").write_text(f"# Toy\n\n{START}\n{END}\n", encoding="utf-8")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "toy.py").write_text(TOY_SOLUTION, encoding="utf-8")
    (tmp_path / "solutions" / "mistakes").mkdir()
    (tmp_path / "solutions" / "mistakes" / "toy.toml").write_text(TOY_MISTAKES, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_toy.py").write_text(TOY_TESTS, encoding="utf-8")
    write_stubs(tmp_path / "solutions", tmp_path / "katas")
    write_table(tmp_path, load_manifest(tmp_path))
    return tmp_path
