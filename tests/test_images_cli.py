"""`python -m docker_notes check`: the build's findings without a build, for pre-commit hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from images_helpers import FIXTURES, copy_fixture, expected_block, png, write_mkdocs_yml


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "docker_notes", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_prints_every_finding_and_fails_on_warnings() -> None:
    project = FIXTURES / "kinds"
    result = check(cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    golden = [
        line for note in sorted((project / "docs").rglob("*.md")) for line in expected_block(note)
    ]
    # Same lines as the golden blocks (the summary last), pages in path order.
    assert sorted(lines) == sorted(golden)
    assert lines[-1].startswith("Images: 59 references (2 remote, not fetched) on 17 pages checked")
    assert lines[0].startswith("docs/absolute-path.md:5:14: warning: image '/_resources/vm.png' ")
    # The options come from mkdocs.yml (`max_bytes: 2000`), which has an `!ENV` tag.
    assert any(": info: image '_resources/big.png' is 3 KB" in line for line in lines)


def test_clean_notes_pass(tmp_path: Path) -> None:
    project = copy_fixture("clean", tmp_path)
    write_mkdocs_yml(
        project,
        theme={"name": "mkdocs", "logo": "_resources/logo.png"},
        extra_css=["css/extra.css"],
    )
    result = check(cwd=project)
    assert (result.returncode, result.stdout) == (
        0,
        "Images: 19 references on 3 pages checked, no problems.\n",
    )


def test_info_only_passes_and_json_output(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Notes\n\n![](shot.png)\n")
    (docs / "shot.png").write_bytes(png())
    write_mkdocs_yml(tmp_path)
    result = check("--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["findings"] == [
        {
            "kind": "empty-alt",
            "level": "info",
            "path": "docs/index.md",
            "line": 3,
            "col": 1,
            "message": "image 'shot.png' has no alt text: screen readers skip it as decorative, so "
            "its content is lost to them — describe it: '![what the image shows](shot.png)'",
        }
    ]
    assert (data["pages"], data["references"]) == (1, 1)


def test_docs_dir_argument_and_levels(tmp_path: Path) -> None:
    project = tmp_path / "site-project"
    (project / "notes").mkdir(parents=True)
    (project / "notes" / "index.md").write_text("# Notes\n\n![Gone](gone.png)\n")
    write_mkdocs_yml(project, images={"levels": {"missing": "info"}}, docs_dir="notes")
    result = check("notes", "--config", "mkdocs.yml", cwd=project)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == (
        "notes/index.md:3:9: info: missing image 'gone.png': there is no notes/gone.png — add "
        "the file or fix the path"
    )
    # From elsewhere, paths stay relative to the project (mkdocs.yml's folder).
    elsewhere = check(str(project / "notes"), "-f", str(project / "mkdocs.yml"), cwd=tmp_path)
    assert elsewhere.stdout == result.stdout


def test_bad_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    write_mkdocs_yml(tmp_path, images={"levels": {"missing": "loud"}})
    result = check(cwd=tmp_path)
    assert result.returncode == 2
    assert "level of 'missing' must be ignore, info or warn, not 'loud'" in result.stderr


def test_exclude_docs_is_honoured(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "drafts").mkdir(parents=True)
    (docs / "drafts" / "shot.png").write_bytes(png())
    (docs / "index.md").write_text("# Notes\n\n![Draft](drafts/shot.png)\n")
    write_mkdocs_yml(tmp_path, exclude_docs="drafts/\n")
    result = check(cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "docs/index.md:3:10: warning: image 'drafts/shot.png' is left out of the site"
        in result.stdout
    )
