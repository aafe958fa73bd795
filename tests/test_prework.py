"""The second process of large builds (prework.py): it renders the notes' commands and checks their
images ahead of MkDocs, and the site and the messages come out exactly as without it."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from mkdocs.utils import meta

from conftest import LogGuard
from docker_notes import prework
from docker_notes.commands import knowledge
from docker_notes.commands.parse import parse_cached
from docker_notes.commands.render import rendered
from docker_notes.images import Checker, DocsIndex, Entry, levels_with, line_offset
from docker_notes.prework import MIN_PAGES, ImageJob, Job, Page, Prework
from images_helpers import build, plugin_messages, png

CONFIG = """\
site_name: Many notes
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
  - md_in_html
plugins:
  - search
  - docker-notes:
      parallel: {parallel}
"""

COMMANDS = [
    "docker run -it ubuntu bash",
    "$ docker ps -a",
    "docker run -d -p {n}:80 --name web{n} nginx",
    "docker compose up -d",
    "sudo docker exec -it web{n} sh",
    "docker ps -all",  # a problem: reported by the build, with its line
]


def note(n: int) -> str:
    """Notes of every kind of image reference, a few broken, some with front matter."""
    front = f"---\ntitle: Note {n}\n---\n\n" if n % 4 == 0 else ""
    commands = "\n\n".join(f"> {c.format(n=n)}" for c in COMMANDS[n % 3 : n % 3 + 4])
    images = [
        f"![Shot {n}](_resources/shot-{n % 7}.png)",
        f'<img src="_resources/shot-{n % 5}.png" alt="Raw shot {n}">',
        "![](_resources/shot-1.png)",  # no alt text
    ]
    if n % 9 == 0:
        images.append(f"![Gone](_resources/shot-{n}-old.png)")  # missing: did you mean …
    if n % 11 == 0:
        images.append("![Case](_resources/SHOT-2.PNG)")  # differs only in case
    return f"{front}# Note {n}\n\n{commands}\n\nText.\n\n" + "\n\n".join(images) + "\n"


def make_site(root: Path, parallel: bool) -> Path:
    docs = root / "docs"
    (docs / "_resources").mkdir(parents=True)
    for n in range(7):
        (docs / "_resources" / f"shot-{n}.png").write_bytes(png(n + 1, 1))
    (docs / "_resources" / "unused.png").write_bytes(png())
    for n in range(MIN_PAGES + 10):
        (docs / f"note{n:02}.md").write_text(note(n), encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG.format(parallel=str(parallel).lower()))
    return root


def test_a_large_site_is_the_same_with_the_second_process_or_without(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # How far the worker gets before MkDocs needs its results depends on the machine; here the
    # build waits for all of it, so that every page and command comes from the worker.
    collect = Prework.collect

    def collect_all(self: Prework) -> None:
        assert self.wait(timeout=120)
        collect(self)

    monkeypatch.setattr(Prework, "collect", collect_all)
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.docker_notes")
    sites, messages = {}, {}
    for parallel in (True, False):
        project = make_site(tmp_path / f"parallel-{parallel}", parallel)
        caplog.clear()
        build(project / "mkdocs.yml")
        found = plugin_messages(caplog.records)
        messages[parallel] = [m for m in found if m[0] != "DEBUG"]
        worker = [m for level, m in found if "a second process" in m]
        if parallel:
            pages, commands = MIN_PAGES + 10, len(set(all_commands()) - {"docker ps -all"})
            assert worker == [
                f"a second process rendered {commands} command lines and checked the images "
                f"of {pages} pages"
            ]
        else:
            assert worker == []
        log_guard.expect(".")  # compared below
        sites[parallel] = {
            p.relative_to(project / "site"): p.read_bytes()
            for p in (project / "site").rglob("*.html")
        }
    assert sites[True] == sites[False]
    assert messages[True] == messages[False]
    warnings = "\n".join(m for _, m in messages[True])
    # Each kind of message, once per page that has it, with the note's own line numbers.
    assert "docs/note05.md:9:13: `-all` is read as" in warnings, warnings
    assert warnings.count("is read as `-a -l -l`") == all_commands().count("docker ps -all")
    assert "docs/note09.md:19:9: missing image '_resources/shot-9-old.png'" in warnings, warnings
    assert "SHOT-2.PNG" in warnings
    assert any("unused.png" in m for _, m in messages[True])


def all_commands() -> list[str]:
    return [c.format(n=n) for n in range(MIN_PAGES + 10) for c in COMMANDS[n % 3 : n % 3 + 4]]


def test_the_worker_hands_back_what_the_build_would_make(tmp_path: Path) -> None:
    project = make_site(tmp_path, parallel=True)
    docs = project / "docs"
    pages = [
        Page(f"note{n:02}.md", str(docs / f"note{n:02}.md"), f"note{n:02}/")
        for n in range(MIN_PAGES + 10)
    ]
    pages.append(Page("gone.md", str(docs / "gone.md"), "gone/"))  # deleted meanwhile: skipped
    entries = [
        Entry(p.relative_to(docs).as_posix(), str(p), p.relative_to(docs).as_posix())
        for p in sorted(docs.rglob("*"))
        if p.is_file()
    ]
    levels = levels_with({})
    images = ImageJob(str(docs), entries, dict(levels), 1_000_000, "docs")
    worker = Prework(Job(pages, str(docs), knowledge=[], images=images))
    try:
        assert worker.wait(timeout=120)
        worker.collect()
        k = knowledge.load([])
        # Every command without problems, rendered as the build renders it.
        texts = set(all_commands())
        assert set(worker.rendered) == {t for t in texts if not parse_cached(t, k).problems}
        for text, html in worker.rendered.items():
            assert html == rendered(parse_cached(text, k))
        # Every page's image report, as the build would make it, for this very Markdown only.
        checker = Checker(
            DocsIndex.from_entries(str(docs), entries), levels=levels, max_bytes=1_000_000
        )
        for n, page in enumerate(pages[:-1]):
            source = Path(page.path).read_text(encoding="utf-8")
            markdown = meta.get_data(source)[0]
            expected = checker.check_page(
                page.src_uri,
                markdown,
                line_offset=line_offset(source, markdown),
                page_url=page.url,
            )
            assert expected.findings or n % 9, "a page with a missing image has findings"
            if n % 4 == 1:
                # Another plugin changed the page's Markdown: the build checks it itself.
                changed = markdown + "\nAdded by a plugin."
                assert worker.report(page.src_uri, changed, page.url) is None
                assert worker.report(page.src_uri, markdown, page.url) is None  # used once
            elif n % 4 == 3:
                # Another plugin moved the page: raw <img> paths are relative to its new URL.
                assert worker.report(page.src_uri, markdown, "moved/" + page.url) is None
            else:
                assert worker.report(page.src_uri, markdown, page.url) == expected
    finally:
        worker.close()
    assert worker.reports_used == (MIN_PAGES + 10 + 1) // 2


def test_a_build_where_no_second_process_can_start_does_all_itself(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "python")

    monkeypatch.setattr(prework.subprocess, "Popen", no_process)
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.docker_notes")
    project = make_site(tmp_path, parallel=True)
    build(project / "mkdocs.yml")
    messages = [m for _, m in plugin_messages(caplog.records)]
    assert any(m.startswith("no second process (") for m in messages), messages
    assert messages[-1].startswith(
        f"Images: {sum(note(n).count('_resources/') for n in range(MIN_PAGES + 10))} references on {MIN_PAGES + 10} pages"
    )
    log_guard.expect(".")
    pages = list((project / "site").rglob("note*/index.html"))
    assert len(pages) == MIN_PAGES + 10
    assert all('class="dn-cmd"' in p.read_text(encoding="utf-8") for p in pages)


def test_a_failing_worker_leaves_the_work_to_the_build(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("> docker ps -a\n", encoding="utf-8")
    pages = [Page("note.md", str(tmp_path / "note.md"), "note/")]
    worker = Prework(Job(pages, str(tmp_path), knowledge=[str(tmp_path / "gone.yaml")]))
    assert worker.wait(timeout=60)
    worker.collect()
    assert worker.rendered == {}
    assert worker.close() == 1  # its exit status, for the build's debug log


def test_only_framed_answers_are_read() -> None:
    """Anything else on the worker's output (a `sitecustomize` that prints) ends the reading."""
    good = prework._frame(b"answer")
    assert prework._read_frame(io.BytesIO(good + good)) == b"answer"
    assert prework._read_frame(io.BytesIO(b"hello from sitecustomize\n" + good)) is None
    assert prework._read_frame(io.BytesIO(good[:-1])) is None
