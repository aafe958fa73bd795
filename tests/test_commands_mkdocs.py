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


# A plugin that parses each written page (as glightbox does) records what it was given.
SEEN_HOOK = """\
import pathlib

def on_post_page(output, page, config):
    pathlib.Path(config.config_file_path).with_name("seen.html").write_text(output)
"""


def test_build_puts_every_block_back_after_the_search_indexed_it(tmp_path: Path) -> None:
    project = make_project(tmp_path, extra="hooks: [seen.py]")
    (project / "seen.py").write_text(SEEN_HOOK, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert "data-dn-block" not in page and "dn-search" not in page
    # Plugins after the search got each block as its id alone: no commands, no explanations.
    seen = (project / "seen.html").read_text(encoding="utf-8")
    assert seen.count("<div data-dn-block=") == 2
    assert '<div data-dn-block="dn-1"></div>' in seen and "ubuntu" not in seen
    found = blocks(page)
    assert [b.copy for b in found] == ["docker run -it ubuntu bash", "docker ps -all"]
    it = found[0].item_for("-it")
    assert "interactive" in it.text.lower() or "interactive" in " ".join(it.details).lower()
    # The search index has the explanations as text, once per page.
    index = json.loads((project / "site" / "search" / "search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("note/"))
    assert "standard input open" in text
    assert text.count("Creates a new container from an image") == 1
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


def test_stand_ins_are_restored_even_after_a_minifier_unquoted_them() -> None:
    from docker_notes.blocks import restore_deferred, stand_in

    page = "<nav>…</nav>" + stand_in("dn-1", "docker ps", "Lists containers") + "<p>after</p>"
    minified = page.replace('data-dn-block="dn-1"', "data-dn-block=dn-1")
    for html in (page, minified):
        restored, lost = restore_deferred(html, {"dn-1": "<div class=dn-cmd>BLOCK</div>"})
        assert restored == "<nav>…</nav><div class=dn-cmd>BLOCK</div><p>after</p>"
        assert lost == []
    assert restore_deferred("<p>no stand-in</p>", {"dn-1": "x"}) == ("<p>no stand-in</p>", ["dn-1"])
    # Several blocks, text between them, and a look-alike that is not a stand-in, kept as is.
    page = (
        stand_in("dn-1", "docker ps", "Lists")
        + "<p>between</p><div data-dn-block=other>x</div>"
        + stand_in("dn-2", "docker images", "Lists images </div> <b>")
    )
    blocks = {"dn-1": "<A>", "dn-2": "<B>", "dn-3": "<C>"}
    assert restore_deferred(page, blocks) == (
        "<A><p>between</p><div data-dn-block=other>x</div><B>",
        ["dn-3"],
    )


def test_stand_ins_as_made_are_found_by_their_text_and_else_by_reading_the_page() -> None:
    from docker_notes.blocks import restore_deferred, stand_in

    made = {
        "dn-1": stand_in("dn-1", "docker ps", "Lists containers"),
        "dn-2": stand_in("dn-2", "docker images", "Lists images"),
    }
    blocks = {"dn-1": "<A>", "dn-2": "<B>"}
    page = f"<nav>docker ps</nav>{made['dn-1']}<p>between</p>{made['dn-2']}<footer/>"
    expected = "<nav>docker ps</nav><A><p>between</p><B><footer/>"
    assert restore_deferred(page, blocks, made) == (expected, [])
    # Written otherwise by another plugin (unquoted), or one more stand-in after the last: the
    # page is read for them, and the result is the same as without the stand-ins as made.
    unquoted = page.replace('"dn-2"', "dn-2")
    assert restore_deferred(unquoted, blocks, made) == (expected, [])
    twice = page + made["dn-2"]
    assert restore_deferred(twice, blocks, made) == restore_deferred(twice, blocks)
    assert restore_deferred(twice, blocks, made)[0] == expected + "<B>"
    missing = page.replace(made["dn-2"], "")
    assert restore_deferred(missing, blocks, made) == (
        "<nav>docker ps</nav><A><p>between</p><footer/>",
        ["dn-2"],
    )


def test_stand_ins_lose_their_text_once_indexed_and_are_still_put_back() -> None:
    from docker_notes.blocks import restore_deferred, slimmed, stand_in

    made = {
        "dn-1": stand_in("dn-1", "docker ps", "Lists containers"),
        "dn-2": stand_in("dn-2", "docker images", "Lists images"),
        "dn-3": stand_in("dn-3", "docker pull nginx", "Downloads an image"),
    }
    # Another plugin rewrote the second one: it stays as it is, and is found by its id.
    changed = made["dn-2"].replace("Lists images", "Lists <em>images</em>")
    page = f"<nav>docker ps</nav>{made['dn-1']}<p>x</p>{changed}{made['dn-3']}<footer/>"
    held = dict(made)
    slim = slimmed(page, held)
    assert slim == (
        '<nav>docker ps</nav><div data-dn-block="dn-1"></div><p>x</p>'
        f'{changed}<div data-dn-block="dn-3"></div><footer/>'
    )
    assert held == {
        **made,
        "dn-1": '<div data-dn-block="dn-1"></div>',
        "dn-3": '<div data-dn-block="dn-3"></div>',
    }
    blocks = {"dn-1": "<A>", "dn-2": "<B>", "dn-3": "<C>"}
    assert restore_deferred(slim, blocks, held) == (
        "<nav>docker ps</nav><A><p>x</p><B><C><footer/>",
        [],
    )
    assert slimmed("<p>none</p>", {}) == "<p>none</p>"
