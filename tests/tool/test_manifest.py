import pytest

from tf_katas.manifest import ManifestError, kata_named, load_manifest
from tf_katas.readme import table_is_current

from .conftest import ROOT

ENTRY = """
[[kata]]
name = "{name}"
title = "T"
heading = "H"
section = "S"
points = {points}
hints = ["h"]
"""


def write(tmp_path, text):
    (tmp_path / "manifest.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_projects_manifest_loads_and_the_readme_table_is_current():
    katas = load_manifest(ROOT)
    assert len({k.name for k in katas}) == len(katas)
    assert table_is_current(ROOT, katas)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (ENTRY.format(name="a", points=1) * 2, "listed twice"),
        (ENTRY.format(name="a", points=0), "points must be a positive integer"),
        (
            ENTRY.format(name="a", points=1).replace('hints = ["h"]', "hints = []"),
            "at least one hint",
        ),
        (ENTRY.format(name="a", points=1) + 'tags = ["fast"]\n', "unknown tag"),
        (ENTRY.format(name="a", points=1) + 'colour = "red"\n', "unknown field"),
        (ENTRY.format(name="a", points=1).replace('title = "T"\n', ""), "missing title"),
        ("", "lists no kata"),
    ],
)
def test_a_malformed_manifest_is_refused_with_the_reason(tmp_path, text, error):
    with pytest.raises(ManifestError, match=error):
        load_manifest(write(tmp_path, text))


def test_unknown_kata_names_suggest_close_ones(tmp_path):
    katas = load_manifest(write(tmp_path, ENTRY.format(name="image_io", points=1)))
    with pytest.raises(KeyError, match="did you mean image_io"):
        kata_named(katas, "image")
