"""Do the notes' pure work in a second process while MkDocs builds the site.

MkDocs builds on one core. On a site of hundreds of notes, rendering every command line and checking
every image reference is most of what the plugin costs; a worker process reads the notes ahead of
MkDocs, in the order MkDocs renders them, and hands back each command's HTML (plain strings: cheap
to send and to load) and each page's image report. The build looks them up first: a command or a
page the worker has not reached yet is simply done in place, so the pages and messages come out
the same either way, only sooner.

- A command with problems is left to the build, which reports it with the note's line.
- An image report is used only if the page's Markdown is, byte for byte, what the worker checked,
  and its URL the same (another plugin may have changed either), and it is logged by the build, in
  page order.

The worker is a plain child process of this Python talking through pipes: `multiprocessing` would
re-run the caller's main script in the child, or fork a process that may hold other threads'
locks. Used by `mkdocs build` on sites of `MIN_PAGES` notes or more when the machine has a second
core; never under `mkdocs serve`, whose rebuilds must show edits at once. If it cannot start or
dies, the build does everything itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import IO, Any

from .commands import detect, knowledge
from .commands.parse import parse_cached
from .commands.render import Rendered, rendered
from .commands.tokens import UnbalancedQuote
from .images import Checker, DocsIndex, Entry, PageReport, line_offset

MIN_PAGES = 50
CHUNK = 25  # pages per answer: the first results come back early, the later ones keep up

# A quote line as the author wrote it, at any depth and indentation (inside list items too).
_QUOTED = re.compile(r"^[ \t]*>(?:[ ]?>)*[ ]?(.*)$")
_CONTINUED = re.compile(r"\\[ \t]*$")


def wanted(pages: int, serving: bool) -> bool:
    return not serving and pages >= MIN_PAGES and (os.cpu_count() or 1) > 1


@dataclass
class Page:
    src_uri: str
    path: str
    url: str


@dataclass
class ImageJob:
    """What the worker needs to check images as the build does (see mkdocs_images.py)."""

    docs_dir: str
    entries: list[Entry]
    levels: dict[str, str]
    max_bytes: int
    docs_path: str


@dataclass
class Job:
    pages: list[Page]
    docs_dir: str  # no file outside it is read
    knowledge: list[str] | None = None  # the command blocks' knowledge files; None: no commands
    images: ImageJob | None = None  # None: no image checks

    # Pages and files as plain lists: `dataclasses.asdict` took 30 ms for 4,000 files.
    def to_json(self) -> bytes:
        images = None
        if self.images is not None:
            images = {
                **vars(self.images),
                "entries": [[e.uri, e.path, e.url, e.published] for e in self.images.entries],
            }
        pages = [[p.src_uri, p.path, p.url] for p in self.pages]
        job = {"pages": pages, "docs_dir": self.docs_dir, "knowledge": self.knowledge}
        return json.dumps({**job, "images": images}).encode()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        images = data["images"]
        if images is not None:
            images = ImageJob(**{**images, "entries": [Entry(*e) for e in images["entries"]]})
        return cls([Page(*p) for p in data["pages"]], data["docs_dir"], data["knowledge"], images)


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# What the worker sends back for a chunk of pages: command text -> the parts of its Rendered
# (tuples unpickle faster than any class), and page -> (digest of the Markdown checked, the page's
# URL, its image report).
Answer = tuple[dict[str, tuple[Any, ...]], dict[str, tuple[bytes, str, PageReport]]]

# The worker's command line. Not `-m`: that would put the current folder first on sys.path, where
# a project's own `docker_notes/` or `yaml.py` would be imported instead.
_WORKER = "import sys; del sys.path[0]; from docker_notes.prework import main; main()"


class Prework:
    def __init__(self, job: Job) -> None:
        self.rendered: dict[str, Rendered] = {}  # command text -> HTML, for the extension
        self._reports: dict[str, tuple[bytes, str, PageReport]] = {}
        self.received = self.reports_used = 0
        self._answers: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        # Raises OSError when no process can be started (the caller builds without it).
        self._process = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # Threads, so that neither a full pipe nor a slow worker ever blocks the build.
        threading.Thread(target=self._send, args=(job.to_json(),), daemon=True).start()
        self._receiver = threading.Thread(target=self._receive, daemon=True)
        self._receiver.start()

    def _send(self, request: bytes) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        # An OSError: the worker is gone, and the build does everything itself.
        with contextlib.suppress(OSError), stdin:
            stdin.write(request)

    def _receive(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            while (answer := _read_frame(stdout)) is not None:
                self._answers.put(answer)
        except (OSError, ValueError):
            pass  # closed by close(): the build is over

    def collect(self) -> None:
        """Take in what the worker has finished; never waits for it."""
        while True:
            try:
                answer: Answer = pickle.loads(self._answers.get_nowait())
            except queue.Empty:
                return
            commands, reports = answer
            for text, parts in commands.items():
                if text not in self.rendered:  # each chunk sends the commands it met
                    self.rendered[text] = Rendered(*parts)
                    self.received += 1
            self._reports.update(reports)

    def report(self, src_uri: str, markdown: str, url: str) -> PageReport | None:
        """The worker's image report of this page, if it checked this very Markdown for a page
        at this URL (raw `<img>` paths are rewritten relative to it)."""
        found = self._reports.pop(src_uri, None)
        if found is None or found[0] != digest(markdown) or found[1] != url:
            return None
        self.reports_used += 1
        return found[2]

    def wait(self, timeout: float) -> bool:
        """Wait until the worker has sent all its answers; True if it has."""
        self._receiver.join(timeout)
        return not self._receiver.is_alive()

    def close(self) -> int | None:
        """Stop the worker; its exit status if it had failed (the build then did its work)."""
        failed = self._process.poll() or None
        self._process.kill()
        self._process.wait()
        self._receiver.join(timeout=5)  # it reads to the end of the pipe, now closed
        if self._process.stdout is not None:
            self._process.stdout.close()
        return failed


# Each answer is framed by a mark and its size: anything else on the worker's output (a
# `sitecustomize` that prints) ends the reading instead of being taken for an answer.
_MARK = b"docker-notes\n"
_MAX_FRAME = 1 << 30


def _frame(data: bytes) -> bytes:
    return _MARK + len(data).to_bytes(8, "big") + data


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(len(_MARK) + 8)
    if len(header) < len(_MARK) + 8 or not header.startswith(_MARK):
        return None
    size = int.from_bytes(header[len(_MARK) :], "big")
    if size > _MAX_FRAME:
        return None
    data = stream.read(size)
    return data if len(data) == size else None


# --- the worker ---------------------------------------------------------------------------------


def render_commands(k: knowledge.Knowledge, lines: list[str], found: dict[str, Rendered]) -> None:
    """Add the note's command lines without problems, rendered, to `found`."""
    for text in command_texts(lines, k):
        if text in found:
            continue
        try:
            command = parse_cached(text, k)
        except UnbalancedQuote:
            continue
        if not command.problems:
            found[text] = rendered(command)


def command_texts(lines: list[str], k: knowledge.Knowledge) -> list[str]:
    """The texts the extension will parse, as far as the raw lines tell (a miss costs nothing)."""
    texts = []
    i = 0
    while i < len(lines):
        m = _QUOTED.match(lines[i])
        i += 1
        if m is None or detect.detect_cached(m.group(1), k).kind != detect.COMMAND:
            continue
        command = [m.group(1).rstrip()]
        while _CONTINUED.search(command[-1]) and i < len(lines):
            nxt = _QUOTED.match(lines[i])
            if nxt is None:
                break
            command.append(nxt.group(1).rstrip())
            i += 1
        texts.append(detect.unescape_markdown("\n".join(command))[0])
    return texts


def check_images(checker: Checker, page: Page, source: str) -> tuple[bytes, str, PageReport]:
    """The page's image report, from its Markdown as MkDocs hands it to plugins."""
    from mkdocs.utils import meta  # the build's own front-matter split, so the texts agree

    markdown = meta.get_data(source)[0]
    report = checker.check_page(
        page.src_uri, markdown, line_offset=line_offset(source, markdown), page_url=page.url
    )
    return digest(markdown), page.url, report


def work(job: Job, out: IO[bytes]) -> None:
    """One pickled Answer per chunk of pages, written to `out`."""
    k = knowledge.load(job.knowledge) if job.knowledge is not None else None
    checker = None
    if (images := job.images) is not None:
        index = DocsIndex.from_entries(images.docs_dir, images.entries)
        levels: Any = images.levels
        checker = Checker(
            index, levels=levels, max_bytes=images.max_bytes, docs_path=images.docs_path
        )
    docs = os.path.join(os.path.realpath(job.docs_dir), "")
    for i in range(0, len(job.pages), CHUNK):
        rendered_here: dict[str, Rendered] = {}
        reports: dict[str, tuple[bytes, str, PageReport]] = {}
        for page in job.pages[i : i + CHUNK]:
            real = os.path.realpath(page.path)
            if not real.startswith(docs):
                continue  # a note linked in from outside docs/: left to the build
            try:
                # The resolved path, and no symlink put there since. As MkDocs reads a note: BOM
                # dropped, universal newlines.
                fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with open(fd, encoding="utf-8-sig") as f:
                    source = f.read()
            except (OSError, UnicodeDecodeError):
                continue  # the build reports it
            if k is not None:
                render_commands(k, source.splitlines(), rendered_here)
            if checker is not None:
                reports[page.src_uri] = check_images(checker, page, source)
        answer: Answer = ({text: tuple(r) for text, r in rendered_here.items()}, reports)
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        out.write(_frame(data))
        out.flush()


def main() -> None:
    """The worker: a Job (JSON) on stdin, Answers on stdout."""
    work(Job.from_json(json.load(sys.stdin)), sys.stdout.buffer)


if __name__ == "__main__":  # by hand: python -m docker_notes.prework < job.json > answers
    main()
