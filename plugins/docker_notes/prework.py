"""Do the notes' pure work in a second process while MkDocs builds the site.

MkDocs builds on one core. On a site of hundreds of notes, rendering every command line and checking
every image reference is most of what the plugin costs; a worker process reads the notes ahead of
MkDocs, in the order MkDocs renders them, and hands back each page's command blocks (plain strings:
cheap to send and to load) and image report. The build looks them up first: a page the worker has
not reached yet is simply done in place, so the pages and messages come out the same either way,
only sooner.

- A page's blocks are used while the blocks the extension finds are, one by one from the top of the
  page, the same commands as the worker's (blocks.py, `PlannedBlock`); from the first that is
  not, the build makes the rest. A block with a problem ends the worker's plan of a page: the build
  reports it with the note's line.
- An image report is used only if the page's Markdown is, byte for byte, what the worker checked,
  and its URL the same (another plugin may have changed either), and it is logged by the build, in
  page order.

The worker starts as early as the plugin can tell it will be wanted (plugin.py: once its options
are read under `mkdocs build`, else at on_config), so that Python has started and imported the
plugin by the time MkDocs has listed the files and sends the job. The build reads the answers
between its pages, without ever waiting for them.

The worker is a plain child process of this Python talking through pipes: `multiprocessing` would
re-run the caller's main script in the child, or fork a process that may hold other threads'
locks (a copy of the build was tried: its memory, copied as either process wrote to it, cost what
the saved start-up gained). Used on sites of `MIN_PAGES` notes or more when the machine has a
second core and POSIX pipes, by `mkdocs build` and by each rebuild of `mkdocs serve` (a note edited
meanwhile is caught as any other change: its Markdown is not what the worker read); not by dirty
builds, which render only the changed notes. If it cannot start or dies, the build does everything
itself.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import itertools
import json
import os
import pickle
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from .blocks import PlannedBlock, block_html
from .commands import detect, knowledge
from .commands.parse import parse_cached
from .commands.tokens import UnbalancedQuote
from .images import Checker, DocsIndex, Entry, PageReport, line_offset, may_have_front_matter
from .images.page import changes_page, rewritten_tag

MIN_PAGES = 50
# Pages per answer: small at first, so that the first results come back early, then larger.
CHUNKS = (2, 4, 8, 16, 25)

# A quote line as the author wrote it, at any depth and indentation (inside list items too).
_QUOTED = re.compile(r"^[ \t]*>(?:[ ]?>)*[ ]?(.*)$")
_CONTINUED = re.compile(r"\\[ \t]*$")


def _can_help(dirty: bool) -> bool:
    """Not for a dirty build (only the changed pages are rendered), with a second core, and where
    the build can look at the worker's answers without waiting for them (POSIX pipes)."""
    return not dirty and (os.cpu_count() or 1) > 1 and os.name == "posix"


def wanted(pages: int, dirty: bool) -> bool:
    return _can_help(dirty) and pages >= MIN_PAGES


def may_help(docs_dir: str, dirty: bool) -> bool:
    """Whether the site may have MIN_PAGES notes (MkDocs has not listed its files yet): counts
    Markdown files under docs_dir, stopping at MIN_PAGES. `wanted` decides once they are listed."""
    if not _can_help(dirty):
        return False
    found = 0
    for _, _, names in os.walk(docs_dir):
        found += sum(1 for name in names if name.endswith((".md", ".markdown")))
        if found >= MIN_PAGES:
            return True
    return False


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
    boxes: bool = False  # broken images become boxes in the page


@dataclass
class Job:
    pages: list[Page]
    docs_dir: str  # no file outside it is read
    knowledge: list[str] | None = None  # the command blocks' knowledge files; None: no commands
    images: ImageJob | None = None  # None: no image checks

    # Pages and files as a list per field: `dataclasses.asdict` took 30 ms for 4,000 files, a list
    # per file 5 ms (and as many objects for the collector to track).
    def to_json(self) -> bytes:
        images = None
        if self.images is not None:
            entries = self.images.entries
            images = {
                **vars(self.images),
                "entries": [[getattr(e, f) for e in entries] for f in Entry.__dataclass_fields__],
            }
        pages = [[getattr(p, f) for p in self.pages] for f in Page.__dataclass_fields__]
        job = {"pages": pages, "docs_dir": self.docs_dir, "knowledge": self.knowledge}
        return json.dumps({**job, "images": images}).encode()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        images = data["images"]
        if images is not None:
            entries = [Entry(*fields) for fields in zip(*images["entries"], strict=True)]
            images = ImageJob(**{**images, "entries": entries})
        pages = [Page(*fields) for fields in zip(*data["pages"], strict=True)]
        return cls(pages, data["docs_dir"], data["knowledge"], images)


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# What the worker sends back for a chunk of pages: page -> its command blocks (each a PlannedBlock
# as a plain tuple: tuples unpickle faster than any class), and page -> (digest of the Markdown
# checked, the page's URL, its image report).
Answer = tuple[dict[str, list[tuple[Any, ...]]], dict[str, tuple[bytes, str, PageReport]]]

# The worker's command line. Not `-m`: that would put the current folder first on sys.path, where
# a project's own `docker_notes/` or `yaml.py` would be imported instead.
_WORKER = "import sys; del sys.path[0]; from docker_notes.prework import main; main()"


class Prework:
    def __init__(self, knowledge_files: list[str] | None = None) -> None:
        """Start the worker; it loads the knowledge (when the job will have command blocks) and
        waits for its job (`start`)."""
        self._plans: dict[str, tuple[PlannedBlock, ...]] = {}
        self._reports: dict[str, tuple[bytes, str, PageReport]] = {}
        self.plans_used = self.reports_used = 0
        self.started = False
        # Raises OSError when no process can be started (the caller builds without it).
        self._process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, json.dumps(knowledge_files)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        for pipe in (self._process.stdin, self._process.stdout):
            _widen(pipe.fileno())
        # The answers are read by the build between its pages, without waiting: a thread reading
        # them would wait for the interpreter lock at every read, a few milliseconds each time.
        self._answers = self._process.stdout.fileno()
        try:
            os.set_blocking(self._answers, False)
        except OSError:
            self.close()
            raise
        self._received = bytearray(_READ_SIZE)
        self._filled = 0  # bytes of _received read from the worker
        self._ended = False  # the worker's output has ended, or is not answers

    def start(self, job: Job) -> None:
        # A thread, so that neither a full pipe nor a slow worker ever blocks the build.
        threading.Thread(target=self._send, args=(job.to_json(),), daemon=True).start()
        self.started = True

    def _send(self, request: bytes) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        # An OSError: the worker is gone, and the build does everything itself.
        with contextlib.suppress(OSError), stdin:
            stdin.write(request)

    def _read(self) -> None:
        """Take what the worker has written so far, into one buffer kept for the whole build
        (a new one for each read is fresh memory to map, for megabytes of answers)."""
        while not self._ended:
            if self._filled == len(self._received):
                self._received += bytes(len(self._received))
            with memoryview(self._received) as free:
                try:
                    size = os.readv(self._answers, [free[self._filled :]])
                except BlockingIOError:
                    return
                except OSError:
                    size = 0
            self._filled += size
            self._ended = size == 0

    def collect(self) -> None:
        """Take in what the worker has finished; never waits for it."""
        if not self.started:
            return
        self._read()
        answers, self._filled, framed = _take_answers(self._received, self._filled)
        self._ended |= not framed  # not answers: the rest is done by the build
        for plans, reports in answers:
            for src_uri, blocks in plans.items():
                self._plans[src_uri] = tuple(PlannedBlock(*block) for block in blocks)
            self._reports.update(reports)

    def plan(self, src_uri: str) -> tuple[PlannedBlock, ...]:
        """The page's command blocks as the worker made them (the extension checks each one)."""
        found = self._plans.pop(src_uri, ())
        self.plans_used += bool(found)
        return found

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
        deadline = time.monotonic() + timeout
        while self.started and not self._ended:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            select.select([self._answers], [], [], left)
            self._read()
        return self._ended

    def close(self) -> int | None:
        """Stop the worker; its exit status if it had failed (the build then did its work)."""
        failed = self._process.poll() or None
        self._process.kill()
        self._process.wait()
        if not self.started and self._process.stdin is not None:
            self._process.stdin.close()  # no thread is writing to it
        if self._process.stdout is not None:
            self._process.stdout.close()
        return failed


def _widen(fd: int) -> None:
    """Let a pipe hold a megabyte where the system allows it (Linux), not 64 KiB: the worker is
    rarely held up by a full pipe, nor the job's sender."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # POSIX

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _READ_SIZE)


# Each answer is framed by a mark and its size: anything else on the worker's output (a
# `sitecustomize` that prints) ends the reading instead of being taken for an answer.
_MARK = b"docker-notes\n"
_HEADER = len(_MARK) + 8
_MAX_FRAME = 1 << 30
_READ_SIZE = 1 << 20


def _frame(data: bytes) -> bytes:
    return _MARK + len(data).to_bytes(8, "big") + data


def _take_answers(received: bytearray, filled: int) -> tuple[list[Answer], int, bool]:
    """The whole answers among the first `filled` bytes of `received`, taken out of it: what
    follows them (the start of the next one) moves to the front, and its size is returned. And
    False if what follows them is not an answer."""
    answers: list[Answer] = []
    done, framed = 0, True
    with memoryview(received) as view:
        while filled - done >= _HEADER:
            size = int.from_bytes(view[done + len(_MARK) : done + _HEADER], "big")
            if view[done : done + len(_MARK)] != _MARK or size > _MAX_FRAME:
                framed = False
                break
            if filled - done - _HEADER < size:
                break  # the rest of it is still on its way
            answers.append(pickle.loads(view[done + _HEADER : done + _HEADER + size]))
            done += _HEADER + size
        view[: filled - done] = view[done:filled]
    return answers, filled - done, framed


# --- the worker ---------------------------------------------------------------------------------


def plan_blocks(k: knowledge.Knowledge, lines: list[str]) -> list[PlannedBlock]:
    """The note's command blocks, made as the extension makes them, up to the first block with a
    command that has problems (the build reports them)."""
    seen: dict[str, str] = {}
    indexed: set[str] = set()
    plan = []
    for n, (texts, start, end) in enumerate(command_blocks(lines, k)):
        try:
            commands = [parse_cached(text, k) for text in texts]
        except UnbalancedQuote:
            break
        if any(c.problems for c in commands):
            break
        html, shown = block_html(commands, f"dn-{n + 1}", seen, indexed)
        plan.append(PlannedBlock(tuple(texts), html, shown, "\n".join(lines[start:end]), start))
    return plan


def command_blocks(lines: list[str], k: knowledge.Knowledge) -> list[tuple[list[str], int, int]]:
    """The texts the extension will parse, grouped in blocks as it groups them (consecutive command
    lines of a quote), as far as the raw lines tell: a block it groups otherwise is made there.
    Each with the range of its lines."""
    blocks: list[tuple[list[str], int, int]] = []
    i = 0
    follows = False  # the line before was a command's last line
    while i < len(lines):
        start = i
        m = _QUOTED.match(lines[i])
        i += 1
        if m is None or detect.detect_cached(m.group(1), k).kind != detect.COMMAND:
            follows = False
            continue
        command = [m.group(1).rstrip()]
        while _CONTINUED.search(command[-1]) and i < len(lines):
            nxt = _QUOTED.match(lines[i])
            if nxt is None:
                break
            command.append(nxt.group(1).rstrip())
            i += 1
        texts, first = (blocks.pop()[:2]) if follows else ([], start)
        texts.append(detect.unescape_markdown("\n".join(command))[0])
        blocks.append((texts, first, i))
        follows = True
    return blocks


def check_images(
    checker: Checker, page: Page, source: str, markdown: str, *, boxes: bool
) -> tuple[bytes, str, PageReport]:
    """The page's image report, from its Markdown as MkDocs hands it to plugins; its actions
    only if one changes the rendered page (else the build would load them for nothing)."""
    report = checker.check_page(
        page.src_uri, markdown, line_offset=line_offset(source, markdown), page_url=page.url
    )
    if not changes_page(report.actions, boxes=boxes):
        report.actions = []
    for action in report.actions:
        if action.raw and action.text:
            rewritten_tag(action)  # the build then only puts it in the page
    return digest(markdown), page.url, report


@functools.cache
def mkdocs_front_matter() -> Callable[[str], tuple[str, dict[str, Any]]]:
    """MkDocs' own front-matter split (`mkdocs.utils.meta.get_data`), so that the worker's texts
    agree with the build's. Its module is loaded from its file: importing `mkdocs.utils` would
    import click and importlib.metadata too, a fifth of the worker's start."""
    try:
        mkdocs = importlib.util.find_spec("mkdocs")
        assert mkdocs is not None and mkdocs.origin is not None
        path = os.path.join(os.path.dirname(mkdocs.origin), "utils", "meta.py")
        spec = importlib.util.spec_from_file_location("_docker_notes_mkdocs_meta", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        get_data: Callable[[str], tuple[str, dict[str, Any]]] = module.get_data
    except Exception:  # another layout: the usual import
        from mkdocs.utils import meta

        get_data = meta.get_data
    return get_data


def markdown_of(source: str) -> str:
    """The Markdown MkDocs renders of a note: MkDocs' own front-matter split, so that the texts
    agree with the build's, loaded with YAML once a note may have front matter."""
    end = source.find("\n")
    if may_have_front_matter(source if end < 0 else source[:end]):
        return mkdocs_front_matter()(source)[0]
    return source


def work(job: Job, out: IO[bytes]) -> None:
    """One pickled Answer per chunk of pages, written to `out`."""
    k = knowledge.load(job.knowledge) if job.knowledge is not None else None
    checker, boxes = None, False
    if (images := job.images) is not None:
        index = DocsIndex.from_entries(images.docs_dir, images.entries)
        levels: Any = images.levels
        checker = Checker(
            index, levels=levels, max_bytes=images.max_bytes, docs_path=images.docs_path
        )
        boxes = images.boxes
    docs = os.path.join(os.path.realpath(job.docs_dir), "")
    start = 0
    for n in itertools.count():
        chunk = job.pages[start : start + CHUNKS[min(n, len(CHUNKS) - 1)]]
        if not chunk:
            return
        start += len(chunk)
        plans: dict[str, list[tuple[Any, ...]]] = {}
        reports: dict[str, tuple[bytes, str, PageReport]] = {}
        for page in chunk:
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
            markdown = markdown_of(source)
            if k is not None and (plan := plan_blocks(k, markdown.splitlines())):
                plans[page.src_uri] = [tuple(block) for block in plan]
            if checker is not None:
                reports[page.src_uri] = check_images(checker, page, source, markdown, boxes=boxes)
        answer: Answer = (plans, reports)
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        out.write(_frame(data))
        out.flush()


def main() -> None:
    """The worker: a Job (JSON) on stdin, Answers on stdout. The knowledge files named on the
    command line are loaded while the build lists its files (work() finds them loaded)."""
    preload = json.loads(sys.argv[1]) if len(sys.argv) > 1 else None
    if preload is not None:
        with contextlib.suppress(knowledge.KnowledgeError):  # work() fails on it, and says so
            knowledge.load(preload)
    work(Job.from_json(json.load(sys.stdin)), sys.stdout.buffer)


if __name__ == "__main__":  # by hand: python -m docker_notes.prework < job.json > answers
    main()
