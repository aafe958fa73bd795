"""What a build does to one page, run in a worker process under a hard time limit.

`render(note)` gives a note (text, or file bytes) the treatment `mkdocs build` gives it: its bytes
read (decoding.py), the plugin's image check of its Markdown, the Markdown conversion of MkDocs'
own `Page.render` with the site's extensions from the repository's mkdocs.yml plus the command
blocks and safe_urls.py (so MkDocs' `relpath` treeprocessor too), and the rewrite of the rendered
page's images (with the broken-image boxes of `mkdocs serve`). It runs in a forked process: an
input that hangs anything, even inside a regular expression or C code where no signal can stop
it, is killed after `timeout` seconds and fails the test instead of hanging CI.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The per-input limit: a page that takes longer is taken for a hang (a normal note takes a few
# milliseconds; the largest generated ones, with lines of 100,000 characters, well under a second).
TIMEOUT = float(os.environ.get("DOCKER_NOTES_FUZZ_TIMEOUT", "10"))


@dataclass
class Rendered:
    html: str
    findings: list[str]  # the image checks' findings
    diagnostics: list[str]  # the command blocks', safe_urls' and decoding's
    logged: list[str] = field(default_factory=list)  # MkDocs' own warnings
    seconds: float = 0.0


class PipelineError(AssertionError):
    """The pipeline raised, or did not finish in time, on an input."""


def as_read(text: str) -> str:
    """A note's text as MkDocs reads its file (universal newlines): a note never has a `\r`."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Pipeline:
    """Everything a page needs that does not depend on the page, made once per worker."""

    def __init__(self) -> None:
        from mkdocs.config import load_config

        from docker_notes.extension import DockerCommandsExtension
        from docker_notes.images import Checker, DocsIndex, Entry, levels_with
        from docker_notes.notes import NoteSources
        from docker_notes.safe_urls import SafeUrlsExtension

        self.tmp = Path(tempfile.mkdtemp(prefix="fuzz-pipeline-"))
        self.docs = self.tmp / "docs"
        (self.docs / "_resources").mkdir(parents=True)
        (self.docs / "_resources" / "shot.png").write_bytes(_PNG)
        os.environ.pop("SITE_URL", None)
        self.config = load_config(str(PROJECT_DIR / "mkdocs.yml"))
        self.config.docs_dir = str(self.docs)
        self.config.site_dir = str(self.tmp / "site")
        self.diagnostics: list[str] = []
        self.notes = NoteSources()
        self.commands = DockerCommandsExtension(
            knowledge=[str(PROJECT_DIR / "cli-knowledge.yaml")],
            notes=self.notes,
            report=lambda d: self.diagnostics.append(str(d)),
        )
        self.urls = SafeUrlsExtension(
            notes=self.notes, report=lambda d: self.diagnostics.append(str(d)), report_images=False
        )
        self.config.markdown_extensions.extend([self.commands, self.urls])
        entries = [
            Entry("index.md", str(self.docs / "index.md"), "", True),
            Entry("_resources/shot.png", str(self.docs / "_resources/shot.png"), "", True),
        ]
        self.checker = Checker(
            DocsIndex.from_entries(str(self.docs), entries),
            levels=levels_with({}),
            max_bytes=1_000_000,
            docs_path="docs",
        )
        self.logged: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: self.logged.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("mkdocs").addHandler(handler)
        logging.getLogger("mkdocs").propagate = False
        logging.getLogger("docker_notes").propagate = False

    def ours(self, note: str | bytes) -> Rendered:
        """Only the project's own code on the note: reading its bytes, the image check, and the
        command lines' detection and parsing (each line, as if quoted). Python-Markdown's own
        time grows faster than the text on a paragraph of many links (Python-Markdown #161, #798,
        #1619): huge lines are given to this, which must stay about linear."""
        from docker_notes.commands.detect import detect
        from docker_notes.commands.parse import parse_command
        from docker_notes.commands.tokens import UnbalancedQuote
        from docker_notes.decoding import decode_note

        start = time.perf_counter()
        diagnostics = []
        if isinstance(note, bytes):
            note, problem = decode_note(note, "docs/index.md")
            diagnostics += [str(problem)] if problem else []
        else:
            note = as_read(note)
        report = self.checker.check_page("index.md", note, page_url="index/")
        knowledge = self.commands.knowledge
        for line in note.split("\n"):
            detect(line, knowledge)
            with contextlib.suppress(UnbalancedQuote):
                parse_command(line, knowledge)
        return Rendered(
            "", [str(f) for f in report.findings], diagnostics, [], time.perf_counter() - start
        )

    def render(self, note: str | bytes) -> Rendered:
        from mkdocs.structure.files import File, Files
        from mkdocs.structure.pages import Page

        from docker_notes.decoding import decode_note
        from docker_notes.images.page import rewrite

        start = time.perf_counter()
        self.diagnostics.clear()
        self.logged.clear()
        if isinstance(note, bytes):
            text, problem = decode_note(note, "docs/index.md")
            if problem is not None:
                self.diagnostics.append(str(problem))
        else:
            text = as_read(note)
        use_directory_urls = True
        files = Files(
            [
                File(p, str(self.docs), str(self.tmp / "site"), use_directory_urls)
                for p in ("index.md", "_resources/shot.png")
            ]
        )
        page = Page(None, files.get_file_from_path("index.md"), self.config)
        from mkdocs.utils import meta

        from docker_notes.notes import Note

        page.markdown, page.meta = meta.get_data(text)
        report = self.checker.check_page("index.md", page.markdown, page_url=page.file.url)
        self.notes.add(Note("docs/index.md", page.markdown))
        page.render(self.config, files)
        html = rewrite(page.content or "", report.actions, boxes=True)
        return Rendered(
            html,
            [str(f) for f in report.findings],
            list(self.diagnostics),
            list(self.logged),
            time.perf_counter() - start,
        )


def _serve(conn: Connection) -> None:
    pipeline = _Pipeline()
    conn.send(("ready", None))
    while True:
        whole, note = conn.recv()
        try:
            conn.send(("ok", pipeline.render(note) if whole else pipeline.ours(note)))
        except BaseException:
            conn.send(("error", traceback.format_exc()))


class Worker:
    """A process of its own that renders notes; killed and started anew when one does not finish.
    Spawned, not forked: the test process may run threads (servers of other tests)."""

    def __init__(self) -> None:
        self._process: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._conn is None:
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            self._process = context.Process(target=_serve, args=(child,), daemon=True)
            self._process.start()
            # Starting takes a second or two (Python, MkDocs, the configuration, the knowledge).
            if not parent.poll(120):
                self.close()
                raise PipelineError("the pipeline's worker did not start")
            status, _ = parent.recv()
            assert status == "ready"
            self._conn = parent
        return self._conn

    def render(
        self, note: str | bytes, timeout: float = TIMEOUT, *, whole: bool = True
    ) -> Rendered:
        """What the build does to the note (`whole`), or only our own code (`_Pipeline.ours`)."""
        conn = self._start()
        conn.send((whole, note))
        if not conn.poll(timeout):
            self.close()
            raise PipelineError(f"no page after {timeout:.0f} s (a hang?) for {note!r:.300}")
        status, value = conn.recv()
        if status != "ok":
            raise PipelineError(f"the pipeline raised on {note!r:.300}:\n{value}")
        assert isinstance(value, Rendered)
        return value

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        self._process = self._conn = None


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cf0000030101001b2b1d9a0000000049454e44ae426082"
)
