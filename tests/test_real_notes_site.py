"""The five real notes of ../shared/corpus/notes, copied into the site's docs/ as a new user would:
`mkdocs build` (not strict: they have real problems) finishes with warnings, not a traceback, and
every page opens in Chromium without a script error. Skipped where ../shared is absent.

Their screenshots are not in the corpus and the machine may have no internet: the browser's failed
loads of their images are the only errors allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands_helpers import blocks
from site_helpers import PROJECT_DIR, OpenPage, serve_directory

CORPUS = PROJECT_DIR.parent / "shared" / "corpus" / "notes"
NOTES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not NOTES, reason="../shared/corpus/notes is absent")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("real-notes")
    shutil.copytree(PROJECT_DIR / "docs", root / "docs")
    shutil.copytree(PROJECT_DIR / "overrides", root / "overrides")
    for name in ("mkdocs.yml", "cli-knowledge.yaml"):
        shutil.copy(PROJECT_DIR / name, root / name)
    for note in NOTES:
        shutil.copy(note, root / "docs" / note.name)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    yield root, result.stdout + result.stderr
    assert result.returncode == 0


def test_the_real_notes_build_with_warnings_naming_their_lines(real_site: tuple[Path, str]) -> None:
    root, log = real_site
    assert "Traceback" not in log, log[-3000:]
    assert (root / "site" / "index.html").is_file()
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    assert warnings
    ours = [w for w in warnings if "docker_notes:" in w]
    # Each names the note, its line and its column.
    assert all(": docs/" in w and w.split(": docs/")[1].split(":")[1].isdigit() for w in ours)
    assert all((root / "site" / n.stem / "index.html").is_file() for n in NOTES)


@pytest.mark.browser
@pytest.mark.parametrize("note", [n.stem for n in NOTES])
def test_each_real_note_opens_without_a_script_error(
    real_site: tuple[Path, str], open_page: OpenPage, note: str
) -> None:
    root, _ = real_site
    html = (root / "site" / note / "index.html").read_text(encoding="utf-8")
    with serve_directory(root / "site") as url:
        page, watch = open_page(url + note + "/")
        expected = len(blocks(html))
        page.wait_for_function(
            f"document.querySelectorAll('.dn-cmd[data-dn-ready]').length === {expected}"
        )
        assert not watch.page_errors, watch.page_errors
        # Only the note's images fail to load (a failed request reads "URL: why"; URLs hold no
        # space): its screenshots are not in the corpus, its remote ones out of reach here.
        images = set(page.evaluate("Array.from(document.images, image => image.src)"))
        urls = [f.split(" ", 1)[0].rstrip(":") for f in watch.failed]
        assert all(u in images for u in urls), [u for u in urls if u not in images]
        errors = [e for e in watch.console_errors if "Failed to load resource" not in e]
        assert not errors, errors
