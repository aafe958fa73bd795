"""The second process of large builds (prework.py): it makes the notes' command blocks and checks
their images ahead of MkDocs, and the site and the messages come out exactly as without it."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
from mkdocs.utils import meta

from commands_helpers import blocks
from conftest import LogGuard
from docker_notes import prework
from docker_notes.commands import knowledge
from docker_notes.extension import DockerCommandsExtension, _CommandQuoteProcessor
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
      commands:
        fenced: true
hooks:
  - hooks.py
"""

# Another plugin changes the Markdown of two notes after the worker has read them (after this
# plugin's hook too: the image checks see the notes as written): one command differs, and a block
# is added at the top. Those pages leave the worker's blocks where they differ.
HOOKS = """\
def on_page_markdown(markdown, page, **kwargs):
    if page.file.src_uri == "note07.md":
        return markdown.replace("docker compose up -d", "docker compose up -d --build")
    if page.file.src_uri == "note08.md":
        return "> docker images\\n\\n" + markdown
    return markdown


def on_post_page(output, page, **kwargs):
    if page.file.src_uri == "note03.md":  # a block's stand-in the plugin can no longer find
        return output.replace('data-dn-block="dn-2"', 'data-dn-block="dn-?"')
    return output
"""


def kept_to_plan(n: int) -> bool:
    """Whether the worker's blocks are all note n has: not when a hook changed it, nor with a
    command that has a problem, nor with an annotated fenced block (see `note`)."""
    return n not in (7, 8) and n % 3 != 2 and n % 10 != 5


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
    if n % 10 == 5:  # a fenced block annotated too: it shares the page's explanations
        commands += "\n\n```bash\ndocker run -it ubuntu bash\n```"
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
    (root / "hooks.py").write_text(HOOKS)
    return root


def built_both_ways(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
    run: Callable[[Path], None],
    pages: int,
    prepare: Callable[[Path], None] = lambda project: None,
    written: int = sum(kept_to_plan(n) for n in range(MIN_PAGES + 10)),
) -> tuple[dict[Path, bytes], list[tuple[str, str]]]:
    """The site of `make_site`, `prepare`d, built by `run` with the second process and without:
    the same pages and messages either way, every page from the worker, and the blocks of
    `written` pages put into them by the worker. Its pages and messages."""
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
        prepare(project)
        caplog.clear()
        run(project / "mkdocs.yml")
        found = plugin_messages(caplog.records)
        messages[parallel] = [m for m in found if m[0] != "DEBUG"]
        worker = [m for level, m in found if "a second process" in m]
        if parallel:
            assert worker == [
                f"a second process made the command blocks of {pages} pages, put them into "
                f"{written} written pages, and checked the images of {pages} pages"
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
    return sites[True], messages[True]


def test_a_large_site_is_the_same_with_the_second_process_or_without(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, messages = built_both_ways(
        tmp_path, caplog, log_guard, monkeypatch, build, MIN_PAGES + 10
    )
    # The hook's changes are in the pages, and the fenced blocks annotated.
    copied = {
        n: [b.copy for b in blocks(site[Path(f"note{n:02}/index.html")].decode())]
        for n in (5, 7, 8)
    }
    assert "docker compose up -d --build" in copied[7]
    assert copied[8][0] == "docker images"
    assert copied[5][-1] == "docker run -it ubuntu bash"
    warnings = "\n".join(m for _, m in messages)
    # Each kind of message, once per page that has it, with the note's own line numbers.
    assert "docs/note05.md:9:13: `-all` is read as" in warnings, warnings
    assert warnings.count("is read as `-a -l -l`") == all_commands().count("docker ps -all")
    assert "docs/note09.md:19:9: missing image '_resources/shot-9-old.png'" in warnings, warnings
    assert "SHOT-2.PNG" in warnings
    assert any("unused.png" in m for _, m in messages)
    # The hook hid the second stand-in: that block could not be put back, the others were.
    assert "note03.md: the explanations of 1 command block(s) could not be put back" in warnings
    assert [b.copy for b in blocks(site[Path("note03/index.html")].decode())] == [
        COMMANDS[k].format(n=3) for k in (0, 2, 3)
    ]


def test_blocks_the_worker_did_not_put_in_are_put_in_by_the_build(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker that stops before it has put the blocks into the written pages: the build does."""
    finish = Prework.finish

    def stopped(self: Prework, timeout: float = 1.0) -> Any:
        self._process.kill()
        return finish(self, timeout)

    monkeypatch.setattr(Prework, "finish", stopped)
    site, _ = built_both_ways(
        tmp_path, caplog, log_guard, monkeypatch, build, MIN_PAGES + 10, written=0
    )
    assert not list(tmp_path.rglob("*.dn-part"))
    assert len(blocks(site[Path("note00/index.html")].decode())) == 4


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
    worker = Prework()
    worker.start(Job(pages, str(docs), knowledge=[], images=images))
    try:
        assert worker.wait(timeout=120)
        worker.collect()
        for page in pages[:-1]:
            # The page's blocks as the extension makes them, up to the first with a problem.
            source = Path(page.path).read_text(encoding="utf-8")
            made = extension_blocks(meta.get_data(source)[0])
            plan = worker.plan(page.src_uri)
            assert plan
            assert all(b.html == "" for b in plan)  # the worker keeps it, to put in the page
            planned = [b.stand_in for b in plan]
            if "docker ps -all" in source:
                assert planned == [s for _, s in made[:-1]]  # the last block has the problem
            else:
                assert planned == [s for _, s in made]
            assert worker.plan(page.src_uri) == ()  # used once
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


def serve_build(config_file: Path) -> None:
    """One build as `mkdocs serve` makes it (drafts built, broken images shown as boxes)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()


def test_a_served_site_is_the_same_with_the_second_process_or_without(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    log_guard: LogGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each rebuild of `mkdocs serve` uses one too: with its drafts, and boxes for broken images."""

    def add_draft(project: Path) -> None:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text() + "draft_docs: draft-*.md\n")
        # A broken image and no raw <img> to rewrite: the box is the page's one image action.
        draft = "# A draft\n\n> docker ps -a\n\n![Gone](_resources/gone.png)\n"
        (project / "docs" / "draft-next.md").write_text(draft, encoding="utf-8")

    pages = MIN_PAGES + 11
    written = sum(kept_to_plan(n) for n in range(MIN_PAGES + 10)) + 1  # the draft too
    site, _ = built_both_ways(
        tmp_path, caplog, log_guard, monkeypatch, serve_build, pages, add_draft, written
    )
    draft_page = site[Path("draft-next/index.html")].decode()
    assert 'class="dn-cmd"' in draft_page and 'class="dn-image-problem"' in draft_page


def extension_blocks(text: str) -> list[tuple[str, str]]:
    """Each block's HTML and search stand-in as the extension makes them in the build."""
    extension = DockerCommandsExtension(defer_explanations=True, report=lambda diagnostic: None)
    html = markdown.Markdown(extensions=[extension, "md_in_html"]).convert(text)
    stand_ins = re.findall(r'<div data-dn-block="dn-\d+">.*?</div>', html, re.S)
    assert len(stand_ins) == len(extension.deferred)
    return list(zip(extension.deferred.values(), stand_ins, strict=True))


def test_a_page_that_leaves_its_plan_is_made_as_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks made ahead are used while they match the page, one by one from its top; the rest of
    the page is made here, explained as if every block had been made here. The second process puts
    the blocks into the written page only if the page kept to its plan to the end."""
    note = "> docker run -it ubuntu bash\n\n> docker run -d -p 80:80 nginx\n\n> docker ps -a\n"
    plan = prework.plan_blocks(knowledge.load([]), note.splitlines())
    assert [(b.html, b.stand_in) for b in plan] == extension_blocks(note)
    sent = [block._replace(html="") for block in plan]  # as the build gets them
    # A Markdown block that is a planned block as written is not even read.
    read: list[str] = []
    split = _CommandQuoteProcessor._split
    monkeypatch.setattr(
        _CommandQuoteProcessor,
        "_split",
        lambda self, quoted: read.append(quoted) or split(self, quoted),
    )
    for changed, used, reads in (
        (note, 3, 0),
        (note.replace("nginx", "httpd"), 1, 2),  # the second block differs
        ("> docker images\n\n" + note, 0, 4),  # a block before the first
        (note.replace("> docker ps -a\n", "> docker ps -a\n> docker images\n"), 2, 1),  # longer
    ):
        read.clear()
        extension = DockerCommandsExtension(defer_explanations=True, report=lambda d: None)
        extension.set_page("note.md", changed, sent)
        html = markdown.Markdown(extensions=[extension]).convert(changed)
        assert len(read) == reads, read
        stand_ins = re.findall(r'<div data-dn-block="dn-\d+">.*?</div>', html, re.S)
        made = list(zip(extension.deferred.values(), stand_ins, strict=True))
        # "": the second process puts it in; a page that left its plan is made here whole.
        assert [h == "" for h, _ in made] == [used == len(plan)] * len(made)
        made = [(h or plan[k].html, s) for k, (h, s) in enumerate(made)]
        assert made == extension_blocks(changed)


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
    worker = Prework()
    worker.start(Job(pages, str(tmp_path), knowledge=[str(tmp_path / "gone.yaml")]))
    assert worker.wait(timeout=60)
    worker.collect()
    assert worker.plan("note.md") == ()
    assert worker.close() == 1  # its exit status, for the build's debug log


def test_only_framed_answers_are_read() -> None:
    """Anything else on the worker's output (a `sitecustomize` that prints) ends the reading."""
    answer = pickle.dumps(({"a.md": [("docker ps",)]}, {}))
    good = prework._frame(prework._ANSWER, answer)
    received = bytearray(good + good + good[:-1] + bytes(100))
    filled = 3 * len(good) - 1
    taken = [(prework._ANSWER, answer)] * 2
    assert prework._take_frames(received, filled) == (taken, len(good) - 1, True)
    assert received[: len(good) - 1] == good[:-1]  # the third, to the front, waits for its end
    received[len(good) - 1] = good[-1]
    assert prework._take_frames(received, len(good)) == (taken[:1], 0, True)
    received = bytearray(b"hello from sitecustomize\n" + good)
    assert prework._take_frames(received, len(received)) == ([], len(received), False)
    unknown = bytearray(prework._frame(b"?", answer))  # a kind of frame it does not know
    assert prework._take_frames(unknown, len(unknown)) == ([], len(unknown), False)


def test_the_sender_never_waits_and_keeps_the_order() -> None:
    """More than the pipe holds, sent while nobody reads: every send returns at once, and the
    reader gets it all, in order, then the end (the pipe is closed once the backlog is written)."""
    read_fd, write_fd = os.pipe()
    sender = prework._Sender(os.fdopen(write_fd, "wb"))
    parts = [bytes([n]) * 300_000 for n in range(12)]

    def send_all() -> None:
        for part in parts:
            sender.send(part)
        sender.close()

    sending = threading.Thread(target=send_all, daemon=True)
    sending.start()
    sending.join(timeout=30)
    assert not sending.is_alive()  # it never waited for the reader
    with os.fdopen(read_fd, "rb") as reader:
        assert reader.read() == b"".join(parts)


def test_the_sender_drops_what_a_gone_worker_cannot_read() -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    sender = prework._Sender(os.fdopen(write_fd, "wb"))
    sender.send(b"job\n")  # no error: the build goes on and does the work itself
    sender.send(bytes(2_000_000))
    sender.close()
    assert sender._broken and not sender._backlog


def test_a_stopped_worker_is_reaped_once_it_has_exited() -> None:
    """Stopping a worker does not wait for it; the next worker (a rebuild of `mkdocs serve`)
    reaps it, so that no exited worker is left behind."""
    first = Prework()
    first.close()
    assert first._process in prework._stopped
    os.waitid(os.P_PID, first._process.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped
    second = Prework()
    assert first._process.returncode is not None and first._process not in prework._stopped
    second.close()


def test_a_job_reaches_the_worker_whole() -> None:
    entries = [Entry("a.png", "/docs/a.png", "a.png"), Entry("b.png", None, "b.png", False)]
    images = ImageJob("/docs", entries, {"missing": "warn"}, 1000, "docs")
    pages = [Page("a.md", "/docs/a.md", "a/"), Page("b/c.md", "/docs/b/c.md", "b/c/")]
    for job in (Job(pages, "/docs", ["k.yaml"], images), Job([], "/docs")):
        assert Job.from_json(json.loads(job.to_json())) == job


def test_the_worker_splits_front_matter_as_mkdocs() -> None:
    """It loads MkDocs' own meta.py from its file (not through mkdocs.utils, slow to import)."""
    get_data = prework.mkdocs_front_matter()
    assert get_data is not meta.get_data  # its own copy of the module
    for text in (
        "---\ntitle: A note\n---\n\n# Note\n",
        "Title: A note\nTags: docker\n\n# Note\n",
        "\n\n# Note without front matter\n> docker ps\n",
        "---\nbroken: [yaml\n---\n# Note\n",
    ):
        assert get_data(text) == meta.get_data(text)


def test_the_worker_takes_a_note_without_front_matter_as_it_is() -> None:
    """Only a note that may have front matter is split (MkDocs' meta.py imports YAML)."""
    for text in (
        "# Note\n> docker ps\n",
        "# Note",
        "",
        "\n# Blank first line\n",
        "   \nspaces only\n",
        "Title: A note\n\n# Note\n",
        "  key-1: value\n# Note\n",
        "---\ntitle: A note\n---\n\n# Note\n",
        "----\nnot front matter\n",
        "Docker: a line that looks like a key\n\n> docker ps\n",
        "A line: then text\n",
    ):
        assert prework.markdown_of(text) == meta.get_data(text)[0], text


def cli_build(project: Path) -> None:
    """`mkdocs build` through MkDocs' own command line, in-process; its logging set-up undone."""
    from mkdocs.__main__ import cli

    logger = logging.getLogger("mkdocs")
    saved = logger.handlers[:], logger.propagate, logger.level
    try:
        cli.main(["build", "-q", "-f", str(project / "mkdocs.yml")], standalone_mode=False)
    finally:
        logger.handlers[:], logger.propagate, logger.level = saved


def record_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens to second processes, and when the configuration is read, in order."""
    from docker_notes.plugin import DockerNotesPlugin

    events: list[str] = []
    init, start, close = Prework.__init__, Prework.start, Prework.close
    on_config = DockerNotesPlugin.on_config

    def spy(name: str, method: Any) -> Any:
        def spied(self: Any, *args: Any, **kwargs: Any) -> Any:
            events.append(name)
            return method(self, *args, **kwargs)

        return spied

    monkeypatch.setattr(Prework, "__init__", spy("spawn", init))
    monkeypatch.setattr(Prework, "start", spy("job", start))
    monkeypatch.setattr(Prework, "close", spy("close", close))
    monkeypatch.setattr(DockerNotesPlugin, "on_config", spy("on_config", on_config))
    return events


def test_mkdocs_build_starts_the_second_process_once_the_plugin_options_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python starts and imports the plugin while MkDocs reads the rest of the configuration:
    the worker is ready for MkDocs' first pages."""
    events = record_workers(monkeypatch)
    project = make_site(tmp_path, parallel=True)
    cli_build(project)  # its messages go to MkDocs' own handler
    assert events == ["spawn", "on_config", "job", "close"]
    assert len(list((project / "site").rglob("note*/index.html"))) == MIN_PAGES + 10


def test_a_second_process_started_for_docs_is_left_when_the_notes_are_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = record_workers(monkeypatch)
    project = make_site(tmp_path, parallel=True)  # many notes in docs/
    (project / "notes").mkdir()
    (project / "notes" / "index.md").write_text("> docker ps\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "docs_dir: notes\n")
    cli_build(project)
    # Started for docs/, closed once the configuration says notes/: too few notes there.
    assert events == ["spawn", "on_config", "close"]
    assert 'class="dn-cmd"' in (project / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("command", "params"), [("serve", {}), (None, {}), ("build", {"clean": False})]
)
def test_no_second_process_starts_before_on_config_but_for_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str | None, params: dict[str, Any]
) -> None:
    """`mkdocs serve` starts its own at on_config, for each rebuild; MkDocs run from Python tells
    its command at on_startup; `mkdocs build --dirty` renders only the changed notes."""
    import click

    from docker_notes.plugin import DockerNotesPlugin

    events = record_workers(monkeypatch)
    project = make_site(tmp_path, parallel=True)
    plugin = DockerNotesPlugin()
    with contextlib.ExitStack() as stack:
        if command:
            context = click.Context(click.Command(command), info_name=command)
            context.params.update(params)
            stack.enter_context(context)
        assert plugin.load_config({}, str(project / "mkdocs.yml")) == ([], [])
    assert events == []
    with click.Context(click.Command("build"), info_name="build"):
        plugin.load_config({}, str(project / "mkdocs.yml"))
    assert events == ["spawn"]
    assert plugin._early is not None
    plugin._early[0].close()


def test_the_worker_sends_image_actions_only_where_they_change_the_page(tmp_path: Path) -> None:
    """Most pages' images need nothing done to the rendered page: the build is sent no actions
    for them."""
    (tmp_path / "a.png").write_bytes(png())
    index = DocsIndex.from_entries(
        str(tmp_path), [Entry("a.png", str(tmp_path / "a.png"), "a.png")]
    )
    checker = Checker(index, levels=levels_with({}), max_bytes=1_000_000)
    page = Page("n.md", str(tmp_path / "n.md"), "n/")

    def sent(markdown: str, boxes: bool = False) -> Any:
        return prework.check_images(checker, page, markdown, markdown, boxes=boxes)[2]

    assert checker.check_page("n.md", "![A](a.png)\n", page_url="n/").actions
    report = sent("![A](a.png)\n")
    assert (report.actions, report.references, report.referenced) == ([], 1, {"a.png"})
    broken = sent("![B](gone.png)\n")
    assert broken.findings and broken.actions == []
    assert [a.src for a in sent("![B](gone.png)\n", boxes=True).actions] == ["gone.png"]
    (raw,) = sent('<img src="a.png" alt="R">\n').actions
    assert raw.new_text == '<img src="../a.png" alt="R">'
