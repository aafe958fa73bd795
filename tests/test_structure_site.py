"""The structure extension in a real `mkdocs build`: on by default, `commonmark: false` turns it off,
its warnings name the note's file and line (front matter included)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from structure_helpers import parse_html, structure

CONFIG = """\
site_name: Structure
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
  - md_in_html
plugins:
  - docker-notes:
      images: {{enabled: false}}
{options}
"""

NOTE = """\
---
title: Written in an editor
---

Steps:
- pull the image
  - from Docker Hub
    > docker pull nginx

- clean up:

  <details>
  <summary>How</summary>

  - remove it

  </details>
"""


def _build(tmp_path: Path, options: str = "") -> tuple[str, str]:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(options=options), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "note" / "index.html").read_text(encoding="utf-8")
    return page, result.stderr


def _article(page: str) -> str:
    start = page.index("<article")
    return page[start : page.index("</article>", start)]


def test_a_built_note_nests_its_2_space_lists_with_the_command_inside(tmp_path: Path) -> None:
    page, log = _build(tmp_path)
    found = structure(_article(page), site=True)
    assert ("li", 2, "from Docker Hub") in found
    assert ("cmd", 2, "docker pull") in found
    # What it cannot show as the editor does, it says, at the file's line (front matter counted).
    assert "WARNING -  docker_notes: docs/note.md:12:1: the Markdown inside this HTML" in log
    assert parse_html(page) is not None


def test_commonmark_false_leaves_python_markdown_alone(tmp_path: Path) -> None:
    page, log = _build(tmp_path, "      commonmark: false")
    found = structure(_article(page), site=True)
    assert ("li", 2, "from Docker Hub") not in found
    assert "HTML element" not in log
