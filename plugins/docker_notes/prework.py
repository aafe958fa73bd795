"""Do the notes' pure work in a second process while MkDocs builds the site.

MkDocs builds on one core. On a site of hundreds of notes, rendering every command line and checking
every image reference is most of what the plugin costs; a worker process reads the notes ahead of
MkDocs, in the order MkDocs renders them, and hands back each page's image report and the light
stand-ins of its command blocks (what the search indexes); it keeps the blocks' HTML, and writes it
into each page once MkDocs has written the page. The build looks the answers up first: a page the
worker has not reached yet is simply done in place, so the pages and messages come out the same
either way, only sooner.

- A page's blocks are used while the blocks the extension finds are, one by one from the top of the
  page, the same commands as the worker's (blocks.py, `PlannedBlock`); from the first that is
  not, the build makes the rest. A block with a problem ends the worker's plan of a page: the build
  reports it with the note's line.
- An image report is used only if the page's Markdown is, byte for byte, what the worker checked,
  and its URL the same (another plugin may have changed either), and it is logged by the build, in
  page order.
- The answers wait in the build as they came (bytes, which the garbage collector does not look
  through) until the build reaches one of their pages: unpickled on arrival, 2,700 planned blocks
  of pages not yet rendered were among the objects of the collector's fourth full pass (1,000
  notes).
- Each page whose blocks all came from the worker is written by MkDocs with their stand-ins; the
  build then tells the worker, which puts the blocks in (as the build would, `restore_deferred`;
  whole file or nothing, and only pages under the site's folder) while the build goes on. At the
  end the build waits for it; a page it did not confirm, the build puts right itself. The build
  neither receives the blocks' HTML (23 MB at 1,000 notes) nor copies each page once more to put
  it in.

The worker starts as early as the plugin can tell it will be wanted (plugin.py: once its options
are read under `mkdocs build`, else at on_config), so that Python has started and imported the
plugin by the time MkDocs has listed the files and sends the job. The build reads the answers
between its pages (every few pages, or when a page's answer has not come yet), without ever
waiting for them.

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

import atexit
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

from .blocks import PlannedBlock, block_html, first_ids, put_blocks
from .commands import detect, knowledge
from .commands.parse import parse_cached
from .commands.tokens import UnbalancedQuote
from .images import Checker, DocsIndex, Entry, PageReport, line_offset, may_have_front_matter
from .images.page import changes_page, rewritten_tag

MIN_PAGES = 50
# Pages per answer: small at first, so that the first results come back early, then larger.
CHUNKS = (1, 1, 2, 4, 8, 16, 25)

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
    dest: str = ""  # where MkDocs writes the page: the worker puts the blocks in there


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
    site_dir: str = ""  # the worker writes only the pages under it

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
        # One line: the build's notices follow it (see Prework.written).
        return json.dumps({**job, "images": images, "site_dir": self.site_dir}).encode() + b"\n"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        images = data["images"]
        if images is not None:
            entries = [Entry(*fields) for fields in zip(*images["entries"], strict=True)]
            images = ImageJob(**{**images, "entries": entries})
        pages = [Page(*fields) for fields in zip(*data["pages"], strict=True)]
        return cls(pages, data["docs_dir"], data["knowledge"], images, data["site_dir"])


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# What the worker sends back for a chunk of pages: page -> its command blocks (each a PlannedBlock
# as a plain tuple, its HTML left out: tuples unpickle faster than any class), and page -> (digest
# of the Markdown checked, the page's URL, its image report).
Answer = tuple[dict[str, list[tuple[Any, ...]]], dict[str, tuple[bytes, str, PageReport]]]
# And at the end, for each page the build said it had written: the ids of the blocks it could not
# put back (another plugin changed their stand-ins).
Written = dict[str, list[str]]

# The worker's command line. Not `-m`: that would put the current folder first on sys.path, where
# a project's own `docker_notes/` or `yaml.py` would be imported instead.
_WORKER = "import sys; del sys.path[0]; from docker_notes.prework import main; main()"

# The build tells the worker of its written pages in batches (each is a system call, and a look
# at the worker's answers); of the last pages, each at once: the build waits at its end for the
# worker to put the blocks into what is left.
NOTICES = 25
# The build reads the worker's answers every DRAIN pages: looking costs a system call, and an
# answer of 25 pages is a fraction of what the pipe holds.
DRAIN = 8
WRITE_TIMEOUT = 60.0


def chunks(pages: int) -> list[range]:
    """The pages (by their place in the job) of each answer, in the order the worker sends them."""
    found: list[range] = []
    start = 0
    for size in itertools.chain(CHUNKS, itertools.repeat(CHUNKS[-1])):
        if start >= pages:
            return found
        found.append(range(start, min(start + size, pages)))
        start += size
    return found  # not reached: the sizes repeat


class Prework:
    def __init__(self, knowledge_files: list[str] | None = None) -> None:
        """Start the worker; it loads the knowledge (when the job will have command blocks) and
        waits for its job (`start`)."""
        self._plans: dict[str, tuple[PlannedBlock, ...]] = {}
        self._reports: dict[str, tuple[bytes, str, PageReport]] = {}
        # Answers as they came, still pickled, until the build reaches one of their pages.
        self._answers: list[bytes | None] = []
        self._chunk_of: dict[str, int] = {}  # page -> its answer
        self._chunks = 0
        self._calls = 0  # of collect()
        self._pages = self._written_pages = 0  # in the job; written so far
        self._written: Written | None = None
        self._notices: list[tuple[str, int]] = []
        self.plans_used = self.reports_used = self.pages_written = 0
        self.started = False
        _reap()
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
        self._output = self._process.stdout.fileno()
        self._received = bytearray(_READ_SIZE)
        self._filled = 0  # bytes of _received read from the worker
        self._ended = False  # the worker's output has ended, or is not answers
        try:
            os.set_blocking(self._output, False)
            self._sender = _Sender(self._process.stdin)
        except OSError:
            self._process.kill()
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout):
                pipe.close()
            raise

    def start(self, job: Job) -> None:
        answers = chunks(len(job.pages))
        for n, pages in enumerate(answers):
            self._chunk_of.update((job.pages[k].src_uri, n) for k in pages)
        self._chunks = len(answers)
        self._pages = len(job.pages)
        self._sender.send(job.to_json())
        self.started = True

    def _read(self) -> None:
        """Take what the worker has written so far, into one buffer kept for the whole build
        (a new one for each read is fresh memory to map, for megabytes of answers)."""
        while not self._ended:
            if self._filled == len(self._received):
                self._received += bytes(len(self._received))
            with memoryview(self._received) as free:
                try:
                    size = os.readv(self._output, [free[self._filled :]])
                except BlockingIOError:
                    return
                except OSError:
                    size = 0
            self._filled += size
            self._ended = size == 0

    def collect(self) -> None:
        """Take in what the worker has finished, every few pages (the worker must never find
        its pipe full; a page whose answer has not come yet looks again, see `_open`); never
        waits for it."""
        self._calls += 1
        if self.started and self._calls % DRAIN == 0:
            self._collect()

    def _collect(self) -> None:
        self._read()
        frames, self._filled, framed = _take_frames(self._received, self._filled)
        self._ended |= not framed  # not answers: the rest is done by the build
        for kind, data in frames:
            if kind == _ANSWER:
                self._answers.append(data)
            else:
                self._written = pickle.loads(data)

    def _open(self, src_uri: str) -> None:
        """Unpickle the answer that holds the page, if it has come."""
        n = self._chunk_of.get(src_uri, -1)
        if n >= len(self._answers) and self.started:
            self._collect()  # it may have come since
        if 0 <= n < len(self._answers) and (data := self._answers[n]) is not None:
            self._answers[n] = None
            plans, reports = pickle.loads(data)
            for page, blocks in plans.items():
                self._plans[page] = tuple(PlannedBlock(*block) for block in blocks)
            self._reports.update(reports)

    def plan(self, src_uri: str) -> tuple[PlannedBlock, ...]:
        """The page's command blocks as the worker made them (the extension checks each one),
        without their HTML: the worker puts it in the written page (see `written`)."""
        self._open(src_uri)
        found = self._plans.pop(src_uri, ())
        self.plans_used += bool(found)
        return found

    def report(self, src_uri: str, markdown: str, url: str) -> PageReport | None:
        """The worker's image report of this page, if it checked this very Markdown for a page
        at this URL (raw `<img>` paths are rewritten relative to it)."""
        self._open(src_uri)
        found = self._reports.pop(src_uri, None)
        if found is None or found[0] != digest(markdown) or found[1] != url:
            return None
        self.reports_used += 1
        return found[2]

    def written(self, src_uri: str, blocks: int) -> None:
        """MkDocs has written the page, with the stand-ins of its first `blocks` command blocks
        (all from the worker's plan: the worker is to put the blocks in), or with none (0)."""
        self._written_pages += 1
        if blocks:
            self._notices.append((src_uri, blocks))
        # Every NOTICES pages; the last pages one by one: the build waits at the end for what
        # is left.
        last = self._pages - self._written_pages < NOTICES
        if len(self._notices) >= NOTICES or (self._notices and last):
            self._sender.send(_notices(self._notices))
            self._notices = []
            self._collect()  # answers it may still send: its pipe must never fill up

    def finish(self, timeout: float = WRITE_TIMEOUT) -> Written | None:
        """Tell the worker that the build is over and wait until it has put the blocks into the
        pages it was told of. For each such page, the blocks it could not put back; None if the
        worker did not answer in time (then none of its pages can be counted on)."""
        if not self.started:
            return {}
        self._sender.send(_notices(self._notices))
        self._notices = []
        self._sender.close()
        self._wait_until(lambda: self._written is not None, timeout)
        self.pages_written = len(self._written or {})
        return self._written

    def wait(self, timeout: float) -> bool:
        """Wait until the worker has sent all its answers, or stopped; False if it has not in
        time."""
        return not self.started or self._wait_until(
            lambda: len(self._answers) >= self._chunks, timeout
        )

    def _wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Read the worker's output until `done()` or the output ends; False if neither came in
        time."""
        deadline = time.monotonic() + timeout
        while not (self._ended or done()):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            select.select([self._output], [], [], left)
            self._collect()
        return True

    def close(self) -> int | None:
        """Stop the worker; its exit status if it had failed (the build then did its work)."""
        failed = self._process.poll() or None
        self._process.kill()
        _stopped.append(self._process)  # reaped later: its exit takes milliseconds
        self._sender.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        return failed


# Workers killed and not yet reaped. Waiting for one as it is stopped took milliseconds (its memory
# is handed back to the system), a thread to wait for it 1-2 ms to start (`Thread.start` waits
# until it runs, while the worker exits on the other core). They are reaped once exited as the
# next worker starts (each rebuild of `mkdocs serve`), and at the end of the process, by when
# they have long exited.
_stopped: list[subprocess.Popen[bytes]] = []


def _reap(wait: float = 0.0) -> None:
    for process in list(_stopped):
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)  # 0: only if it has exited
            _stopped.remove(process)


atexit.register(_reap, wait=5.0)


def _notices(pages: list[tuple[str, int]]) -> bytes:
    return b"".join(json.dumps(page).encode() + b"\n" for page in pages)


class _Sender:
    """Writes to the worker, in order, without ever blocking the build: straight into the pipe
    while it has room (it holds a megabyte: the job and every notice, unless the worker is stuck),
    the rest from a thread that waits for room. A thread for every write had to wait for the
    interpreter lock, which the build then handed over at its next switch interval: the job
    reached the worker 5 ms late, too late for the first pages, and each notice cost the build
    a switch to the thread and back."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self._pipe = pipe
        self._fd = pipe.fileno()
        os.set_blocking(self._fd, False)
        self._lock = threading.Lock()
        self._backlog: list[bytes] = []  # what the pipe had no room for, in order
        self._closing = False
        self._broken = False  # the worker is gone: the build does everything itself
        self._wake: threading.Event | None = None  # the thread's, once it is started

    def send(self, data: bytes) -> None:
        with self._lock:
            if self._broken or self._closing or not data:
                return
            if not self._backlog:
                data = data[self._write(data) :]
            if data:
                self._backlog.append(data)
                self._start_thread()

    def close(self) -> None:
        with self._lock:
            self._closing = True
            if self._wake is not None:
                self._wake.set()  # the thread closes the pipe once the backlog is written
                return
        with contextlib.suppress(OSError):
            self._pipe.close()

    def _write(self, data: bytes) -> int:
        """Bytes of data the pipe took now (under the lock)."""
        try:
            return os.write(self._fd, data)
        except BlockingIOError:
            return 0
        except OSError:
            self._broken = True
            self._backlog.clear()
            return len(data)

    def _start_thread(self) -> None:
        if self._wake is None:
            self._wake = threading.Event()
            threading.Thread(target=self._run, daemon=True).start()
        self._wake.set()

    def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.wait()
            with self._lock:
                self._wake.clear()
                while self._backlog and not self._broken:
                    taken = self._write(self._backlog[0])
                    if not taken:
                        break
                    self._backlog[0] = self._backlog[0][taken:]
                    if not self._backlog[0]:
                        self._backlog.pop(0)
                done = not self._backlog or self._broken
                if done and self._closing:
                    with contextlib.suppress(OSError):
                        self._pipe.close()
                    return
            if not done:
                # Room in the pipe, or the worker gone (then the write above fails at once).
                room = select.poll()
                room.register(self._fd, select.POLLOUT)
                room.poll()
                self._wake.set()


def _widen(fd: int) -> None:
    """Let a pipe hold a megabyte where the system allows it (Linux), not 64 KiB: the worker is
    rarely held up by a full pipe, nor the job's sender."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # POSIX

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _READ_SIZE)


# Each frame is a mark, its kind and its size: anything else on the worker's output (a
# `sitecustomize` that prints) ends the reading instead of being taken for an answer.
_MARK = b"docker-notes\n"
_ANSWER, _WRITTEN = b"A", b"W"
_HEADER = len(_MARK) + 1 + 8
_MAX_FRAME = 1 << 30
_READ_SIZE = 1 << 20


def _frame(kind: bytes, data: bytes) -> bytes:
    return _MARK + kind + len(data).to_bytes(8, "big") + data


def _take_frames(received: bytearray, filled: int) -> tuple[list[tuple[bytes, bytes]], int, bool]:
    """The whole frames among the first `filled` bytes of `received` (kind, data), taken out of
    it: what follows them (the start of the next one) moves to the front, and its size is
    returned. And False if what follows them is not a frame."""
    frames: list[tuple[bytes, bytes]] = []
    done, framed = 0, True
    with memoryview(received) as view:
        while filled - done >= _HEADER:
            kind = bytes(view[done + len(_MARK) : done + len(_MARK) + 1])
            size = int.from_bytes(view[done + _HEADER - 8 : done + _HEADER], "big")
            if (
                view[done : done + len(_MARK)] != _MARK
                or kind not in (_ANSWER, _WRITTEN)
                or size > _MAX_FRAME
            ):
                framed = False
                break
            if filled - done - _HEADER < size:
                break  # the rest of it is still on its way
            frames.append((kind, bytes(view[done + _HEADER : done + _HEADER + size])))
            done += _HEADER + size
        view[: filled - done] = view[done:filled]
    return frames, filled - done, framed


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


def work(job: Job, build: _Lines, out: IO[bytes]) -> None:
    """One pickled Answer per chunk of pages, written to `out`; between chunks and after them,
    the blocks put into each page the build says it has written; at the end, what could not be."""
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
    pages = _WrittenPages(job)
    for chunk in chunks(len(job.pages)):
        if build.ended:
            break  # the build is over: it needs no more answers
        plans: dict[str, list[tuple[Any, ...]]] = {}
        reports: dict[str, tuple[bytes, str, PageReport]] = {}
        for page in (job.pages[n] for n in chunk):
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
                pages.made[page.src_uri] = plan
                plans[page.src_uri] = [block._replace(html="") for block in plan]
            if checker is not None:
                reports[page.src_uri] = check_images(checker, page, source, markdown, boxes=boxes)
        answer: Answer = (plans, reports)
        out.write(_frame(_ANSWER, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)))
        out.flush()
        for line in build.ready():
            pages.put(line)
    while (last := build.next()) is not None:
        pages.put(last)
    out.write(_frame(_WRITTEN, pickle.dumps(pages.written, pickle.HIGHEST_PROTOCOL)))
    out.flush()


class _WrittenPages:
    """Puts the blocks the worker made into the pages MkDocs has written with their stand-ins."""

    def __init__(self, job: Job) -> None:
        self.made: dict[str, list[PlannedBlock]] = {}
        self.written: Written = {}
        self._dest = {page.src_uri: page.dest for page in job.pages}
        self._site = os.path.join(os.path.realpath(job.site_dir), "") if job.site_dir else ""

    def put(self, notice: bytes) -> None:
        """A notice from the build: [page, how many of its first blocks are the worker's]."""
        src_uri, count = json.loads(notice)
        used = self.made.pop(src_uri, [])[:count]
        path = os.path.realpath(self._dest.get(src_uri) or os.devnull)
        if len(used) < count or not self._site or not path.startswith(self._site):
            # Only pages of this site, with blocks made here.
            self.written[src_uri] = first_ids(count)
            return
        self.written[src_uri] = put_blocks(path, [block.html for block in used])


class _Lines:
    """What the build sends, line by line: the job, then notices of written pages; read straight
    from the pipe, with or without waiting."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pending = b""
        self.ended = False  # the build has closed the pipe: its pages are written

    def _fill(self, wait: bool) -> None:
        os.set_blocking(self._fd, wait)
        try:
            data = os.read(self._fd, _READ_SIZE)
        except BlockingIOError:
            return
        self.ended = not data
        self._pending += data

    def next(self) -> bytes | None:
        """The next line, waited for; None once the build has closed the pipe."""
        while b"\n" not in self._pending and not self.ended:
            self._fill(wait=True)
        line, found, self._pending = self._pending.partition(b"\n")
        return line if found else None

    def ready(self) -> list[bytes]:
        """The whole lines sent so far, without waiting."""
        if not self.ended:
            self._fill(wait=False)
        *lines, self._pending = self._pending.split(b"\n")
        return lines


def main() -> None:
    """The worker: a Job (one line of JSON) then notices of written pages on stdin; Answers, then
    what it could not put into the written pages, on stdout. The knowledge files named on the
    command line are loaded while the build lists its files (work() finds them loaded)."""
    preload = json.loads(sys.argv[1]) if len(sys.argv) > 1 else None
    if preload is not None:
        with contextlib.suppress(knowledge.KnowledgeError):  # work() fails on it, and says so
            _warm_up(knowledge.load(preload))
    build = _Lines(sys.stdin.fileno())
    if (job := build.next()) is not None:
        work(Job.from_json(json.loads(job)), build, sys.stdout.buffer)


# Made while the worker waits for its job: what the first notes would load (MkDocs' front-matter
# reader, the `docker` commands' knowledge, the renderer's first use) then no longer holds up the
# first answers, which the build would otherwise not find in time and make itself (100 notes: the
# first answer came 14 ms after the job, too late for the first three pages).
_WARM_UP = (
    "> docker run -it --rm -p 8080:80 -v data:/data -e KEY=value --name web ubuntu:24.04 bash",
    "> docker compose up -d && docker ps -a | grep web",
)


def _warm_up(k: knowledge.Knowledge) -> None:
    mkdocs_front_matter()
    plan_blocks(k, list(_WARM_UP))


# By hand, its input kept open meanwhile (at its end, the worker takes the build to be over):
#   (cat job.json; sleep 60) | python -m docker_notes.prework > answers
if __name__ == "__main__":
    main()
