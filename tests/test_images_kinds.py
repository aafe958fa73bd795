"""Every finding kind on fixture notes, each note with its problem cases and its correct cases.

The findings expected of a note are written at its end (regenerate with `pytest --update-goldens`),
in the format of `python -m docker_notes check`; the folder-wide ones (orphans, the summary line)
at the end of `orphan.md`.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from docker_notes.images import KINDS, Finding, levels_with
from docker_notes.images.check import Checker
from docker_notes.images.cli import check_docs, format_finding
from images_helpers import FIXTURES, expected_block, replace_expected_block

DOCS = FIXTURES / "kinds" / "docs"
NOTES = sorted(DOCS.rglob("*.md"))


@functools.cache
def checked() -> tuple[list[Finding], Checker]:
    # Same options as the fixture's mkdocs.yml (the CLI test reads them from there).
    return check_docs(str(DOCS), levels=levels_with({}), max_bytes=2000, docs_path="docs")


def findings_of(note: Path) -> list[Finding]:
    path = f"docs/{note.relative_to(DOCS).as_posix()}"
    return [f for f in checked()[0] if f.path == path]


def output_lines(findings: list[Finding]) -> list[str]:
    return [line for f in findings for line in format_finding(f).splitlines()]


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_golden(note: Path, update_goldens: bool) -> None:
    lines = output_lines(findings_of(note))
    if note.name == "orphan.md":
        lines += output_lines([f for f in checked()[0] if f.path == "docs/"])
        lines.append(checked()[1].summary())
    if update_goldens:
        replace_expected_block(note, lines)
    assert lines == expected_block(note)


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_correct_cases_give_no_finding(note: Path) -> None:
    """Below a note's `Correct:` line, every image is written right: no finding at all."""
    text = note.read_text(encoding="utf-8").splitlines()
    if "Correct:" not in text:
        return
    first_correct = text.index("Correct:") + 1
    late = [f for f in findings_of(note) if f.line > first_correct]
    assert not late


def test_every_kind_has_a_fixture() -> None:
    found = {f.kind for f in checked()[0]}
    assert found == set(KINDS)


@pytest.mark.parametrize(
    ("note", "line", "col", "kind", "message"),
    [
        # The column is that of the path, so that an editor puts the cursor where the fix goes.
        ("missing.md", 5, 15, "missing", "did you mean '_resources/2020-07-22-01-17-13.png'?"),
        ("missing.md", 9, 26, "missing", "did you mean '_resources/push_%20camarade.jpg'?"),
        ("missing.md", 11, 11, "missing", "did you mean '_resources/vm.png'?"),
        # A definition used twice is one finding, at the definition.
        ("missing.md", 15, 9, "missing", "missing image '_resources/gone.png'"),
        ("case-mismatch.md", 5, 15, "case-mismatch", "404 on a Linux host"),
        ("outside-docs.md", 6, 33, "outside-docs", "never read"),
        ("absolute-path.md", 5, 14, "absolute-path", "write '_resources/vm.png'"),
        ("not-a-file.md", 5, 13, "not-a-file", "is a folder"),
        ("empty-file.md", 5, 15, "empty-file", "0 bytes"),
        ("not-an-image.md", 5, 21, "not-an-image", "an HTML page"),
        ("wrong-extension.md", 5, 22, "wrong-extension", "rename it to 'jpeg-inside.jpg'"),
        # Alt text is about the whole image: the column of its `!` or `<`.
        ("empty-alt.md", 6, 7, "empty-alt", "screen readers skip it"),
        ("empty-alt.md", 8, 1, "empty-alt", "read out its file name 'vm.png'"),
        ("oversized.md", 5, 22, "oversized", "3 KB"),
        ("remote.md", 5, 16, "remote", "not fetched"),
        ("undefined-reference.md", 5, 1, "undefined-reference", "has no definition"),
        ("excluded.md", 5, 20, "excluded", "left out of the site"),
        ("sub/relative.md", 5, 35, "missing", "did you mean '../_resources/vm.png'?"),
    ],
)
def test_position_and_fix(note: str, line: int, col: int, kind: str, message: str) -> None:
    at = [f for f in findings_of(DOCS / note) if (f.line, f.col) == (line, col)]
    assert [f.kind for f in at] == [kind]
    assert message in at[0].message


def test_front_matter_lines_are_counted(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("---\ntitle: T\ntags: [a]\n---\n\n# T\n\n  ![x](nope.png)\n")
    findings, _ = check_docs(str(docs), levels=levels_with({}), max_bytes=1, docs_path="docs")
    assert [(f.line, f.col) for f in findings] == [(8, 8)]


def test_levels_are_configurable() -> None:
    levels = levels_with({"missing": "info", "empty-alt": "ignore", "orphan": "warn"})
    findings, _ = check_docs(str(DOCS), levels=levels, max_bytes=2000, docs_path="docs")
    kinds = {f.kind: f.level for f in findings}
    assert kinds["missing"] == "info"
    assert "empty-alt" not in kinds
    assert kinds["orphan"] == "warn"
    with pytest.raises(ValueError, match="unknown image finding kind 'mising'"):
        levels_with({"mising": "warn"})


def test_summary_counts() -> None:
    summary = checked()[1].summary()
    assert re.fullmatch(
        r"Images: \d+ references \(2 remote, not fetched\) on 17 pages checked, "
        r"\d+ problems \(\d+ warnings, \d+ info\)\.",
        summary,
    )
