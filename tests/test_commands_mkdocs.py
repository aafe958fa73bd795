"""The command blocks in a real `mkdocs build`: one plugin to enable, warnings that fail --strict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from commands_helpers import blocks

MKDOCS = [sys.executable, "-m", "mkdocs"]

CONFIG = """\
site_name: Test notes
theme:
  name: material
  features: [content.code.copy]
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.details
plugins:
  - search
  - docker-notes:
      images: {{enabled: false}}
{extra}
"""

NOTE = """\
---
title: A note
---

# Running

> docker run -it ubuntu bash

> docker ps -all
"""


def make_project(tmp_path: Path, note: str = NOTE, extra: str = "") -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.md").write_text(note, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return tmp_path


def mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [*MKDOCS, "build", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_strict_build_fails_on_a_lint_naming_file_line_and_column(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = mkdocs_build(project, "--strict")
    assert result.returncode == 1
    # Line 9 of the file, front matter included; column of `-all`.
    assert (
        "WARNING -  docker_notes: docs/note.md:9:13: `-all` is read as `-a -l -l`; "
        "write `--all` (two dashes) for the long option"
    ) in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr


# A plugin that reads each page as others do (print-site at on_page_content, PDF exporters and
# minifiers at on_post_page) records what it was given.
SEEN_HOOK = """\
import pathlib

def on_page_content(html, page, config, files):
    pathlib.Path(config.config_file_path).with_name("content.html").write_text(html)

def on_post_page(output, page, config):
    pathlib.Path(config.config_file_path).with_name("output.html").write_text(output)
"""


def test_every_plugin_sees_the_final_blocks_and_the_search_indexes_what_is_searched(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, extra="hooks: [seen.py]")
    (project / "seen.py").write_text(SEEN_HOOK, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    expected = ["docker run -it ubuntu bash", "docker ps -all"]
    for seen in ("content.html", "output.html"):
        html = (project / seen).read_text(encoding="utf-8")
        assert [b.copy for b in blocks(html)] == expected, seen
        assert "data-dn-block" not in html and "dn-search" not in html
    assert (project / "output.html").read_text(encoding="utf-8") == page
    found = blocks(page)
    assert [b.copy for b in found] == expected
    it = found[0].item_for("-it")
    assert "interactive" in it.text.lower() or "interactive" in " ".join(it.details).lower()
    # The search index has the commands and the names of their subcommands and options, in all
    # their spellings; not the explanations' text, which stays on the page.
    index = json.loads((project / "site" / "search" / "search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("note/"))
    assert "docker run -it ubuntu bash" in text
    assert "<code>-it (--interactive, --tty)</code>" in text
    assert "<code>run</code>" in text and "<code>ps</code>" in text
    assert "standard input open" in page and "standard input open" not in text
    assert "Creates a new container from an image" not in text
    assert "The Docker command-line client" not in text
    assert "Docker Hub page" not in text and "explained above" not in text
    assert "Explain this command" not in text
    assert "assets/docker-notes/commands.js" in page
    assert (project / "site" / "assets" / "docker-notes" / "commands.css").exists()


def test_user_knowledge_file_is_merged_and_listing_the_extension_twice_is_harmless(
    tmp_path: Path,
) -> None:
    note = "> kubectl get pods -n web\n\n> docker run -it ubuntu bash\n"
    project = make_project(tmp_path, note)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # Listed in markdown_extensions (as for Zensical) and enabled as a plugin.
    config = config.replace("  - pymdownx.details\n", "  - pymdownx.details\n  - docker_notes\n")
    config = config.replace(
        "      images: {enabled: false}\n",
        "      images: {enabled: false}\n      commands:\n        knowledge: [kubectl.yaml]\n",
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "kubectl.yaml").write_text(
        textwrap.dedent(
            """\
            programs:
              kubectl:
                explain: The Kubernetes command-line client.
                commands:
                  get:
                    explain: Lists resources of a kind.
                    options:
                      - {names: [-n, --namespace], value: string, explain: The namespace to look in.}
            """
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(project, "--strict")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    found = blocks(page)
    assert [b.copy for b in found] == ["kubectl get pods -n web", "docker run -it ubuntu bash"]
    assert found[0].item_for("get").text.startswith("Lists resources of a kind.")
    assert found[0].item_for("-n").text == "The namespace to look in."
    assert page.count('class="dn-cmd"') == 2  # converted once, not by two instances


def test_broken_knowledge_file_stops_the_build_naming_it(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      images: {enabled: false}\n",
        "      images: {enabled: false}\n      commands:\n        knowledge: [mine.yaml]\n",
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "mine.yaml").write_text("programs: [unclosed", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 1
    assert "mine.yaml" in result.stderr and "not valid YAML" in result.stderr


@pytest.mark.parametrize("setting", ["enabled: false", "commands: {enabled: false}"])
def test_disabled_leaves_quotes_as_markdown_renders_them(tmp_path: Path, setting: str) -> None:
    project = make_project(tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      images: {enabled: false}\n", f"      {setting}\n")
    if setting.startswith("commands"):
        config += "      images: {enabled: false}\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(project, "--strict")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert "dn-cmd" not in page
    assert "<blockquote>\n<p>docker run -it ubuntu bash</p>" in page
    assert "docker-notes/commands.js" not in page


def test_fenced_blocks_are_annotated_only_when_asked(tmp_path: Path) -> None:
    note = "```console\n$ docker ps -a\nCONTAINER ID\n```\n"
    project = make_project(tmp_path, note)
    result = mkdocs_build(project, "--strict")
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert result.returncode == 0 and "dn-cmd" not in page
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      images: {enabled: false}\n",
        "      images: {enabled: false}\n      commands: {fenced: true}\n",
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(project, "--strict")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert [b.copy for b in blocks(page)] == ["docker ps -a"]


def test_the_parallel_option_of_earlier_versions_warns_and_does_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      images: {enabled: false}\n", "      images: {enabled: false}\n      parallel: true\n"
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "The option 'parallel' has no effect any more; remove it." in result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert [b.copy for b in blocks(page)] == ["docker run -it ubuntu bash", "docker ps -all"]
