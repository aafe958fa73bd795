"""Nothing outside docs/ is read: not through `../`, absolute paths or symlinks."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import pytest

import docker_notes
from docker_notes.images import levels_with
from docker_notes.images.cli import check_docs
from images_helpers import build, png, write_mkdocs_yml

if TYPE_CHECKING:
    from conftest import LogGuard

PACKAGE_DIR = os.path.dirname(docker_notes.__file__)
_recording: list[list[str]] = []


def _from_the_plugin(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith(PACKAGE_DIR):
            return True
        frame = frame.f_back
    return False


def _audit(event: str, args: tuple[object, ...]) -> None:
    # Audit hooks cannot be removed: this one only records while a test asks it to.
    if _recording and event in ("open", "os.scandir", "os.listdir") and args:
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)) and _from_the_plugin(sys._getframe(1)):
            name = os.fsdecode(path)
            flags = args[2] if event == "open" and len(args) > 2 else 0
            if isinstance(flags, int) and flags & getattr(os, "O_NOFOLLOW", 0):
                # An open that refuses symlinks reads what the path itself names, if anything.
                real = os.path.join(os.path.realpath(os.path.dirname(name)), os.path.basename(name))
            else:
                real = os.path.realpath(name)
            _recording[-1].append(real)


sys.addaudithook(_audit)


@pytest.fixture
def reads() -> Iterator[list[str]]:
    """The files and folders the plugin opens or lists during the test (real paths)."""
    _recording.append([])
    try:
        yield _recording[-1]
    finally:
        _recording.pop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.png").write_bytes(png())
    docs = tmp_path / "project" / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "_resources" / "shot.png").write_bytes(png())
    (secret / "note.md").write_text("---\ntitle: Secret\n---\n\n![s](key.png)\n")
    try:
        (docs / "_resources" / "link.png").symlink_to(secret / "key.png")
        (docs / "linked-folder").symlink_to(secret, target_is_directory=True)
        (docs / "linked-note.md").symlink_to(secret / "note.md")
    except OSError:
        pytest.skip("no symlinks here")
    (docs / "index.md").write_text(
        "# Notes\n\n"
        "![a](../../../etc/passwd)\n"
        "![b](_resources/link.png)\n"
        "![c](linked-folder/key.png)\n"
        "![d](/../../etc/passwd)\n"
        "<img src='../../secret/key.png' alt='e'>\n"
        "![f](%2e%2e/%2e%2e/secret/key.png)\n"
        "![fine](_resources/shot.png)\n"
    )
    return tmp_path / "project"


def outside(paths: list[str], docs: Path) -> list[str]:
    """Paths outside docs/, but the plugin's own code and data (imported or read at start-up)."""
    root = os.path.realpath(docs)
    return [
        p
        for p in paths
        if p != root
        and not p.startswith((root + os.sep, os.path.realpath(PACKAGE_DIR) + os.sep))
        and not p.endswith((".py", ".pyc"))
    ]


def test_check_reads_nothing_outside_docs(
    project: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    findings, _ = check_docs(
        str(project / "docs"), levels=levels_with({}), max_bytes=10**6, docs_path="docs"
    )
    assert outside(reads, project / "docs") == []
    assert capsys.readouterr().err == (
        "docs/linked-note.md: a symlink leading outside docs/: not read\n"
    )
    assert str(os.path.realpath(project / "docs" / "_resources" / "shot.png")) in reads
    by_line = {f.line: f for f in findings if f.kind != "empty-alt"}
    assert {line: f.kind for line, f in by_line.items()} == {
        3: "outside-docs",
        4: "outside-docs",
        5: "outside-docs",
        6: "absolute-path",
        7: "outside-docs",
        8: "outside-docs",
    }
    assert "is reached through a symlink that leads outside docs/" in by_line[4].message
    assert "is reached through a symlink that leads outside docs/" in by_line[5].message


def test_build_reads_nothing_outside_docs(
    project: Path, reads: list[str], log_guard: LogGuard
) -> None:

    write_mkdocs_yml(project)
    build(project / "mkdocs.yml")
    # MkDocs itself reads and copies what a docs/ symlink points to; the plugin reads none of it.
    assert outside(reads, project / "docs") == []
    log_guard.expect(r"^docker_notes: docs/index\.md:", count=6)
    # The symlinked note's own image, next to it outside docs/, is reported, not read.
    log_guard.expect(r"^docker_notes: docs/linked-note\.md:1:6: missing image 'key\.png'", 1)
