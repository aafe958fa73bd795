"""Golden cases: a note in, the rendered page and the diagnostics out, in one readable file each.

Each `golden/commands/<case>.md` is rendered with the extension; `<case>.txt` holds the page with each
command block summarised (what it copies, every token with its role, explanation and links) and the
diagnostics with their line and column. Regenerate with `pytest --update-goldens` and review the diff.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from commands_helpers import render, transcript

GOLDEN = Path(__file__).parent / "golden" / "commands"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))


def split_front_matter(source: str) -> str:
    """The Markdown body, as MkDocs hands it over after reading the front matter."""
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end > 0:
            return source[end + 5 :]
    return source


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, update_goldens: bool, caplog: pytest.LogCaptureFixture) -> None:
    source = (GOLDEN / f"{case}.md").read_text(encoding="utf-8")
    page, diagnostics = render(split_front_matter(source), path=f"{case}.md", source=source)
    actual = transcript(page, diagnostics)
    expected_file = GOLDEN / f"{case}.txt"
    if update_goldens:
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.exists(), f"run pytest --update-goldens to create {expected_file.name}"
    assert actual == expected_file.read_text(encoding="utf-8")
    # Diagnostics go to the report callback only, never straight to the log.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
