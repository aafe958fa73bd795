"""Parse the notes' command lines in a second process while MkDocs builds the site.

MkDocs builds on one core. On a site of hundreds of notes, parsing and rendering every command line
is most of what the command blocks cost; a worker process reads the notes ahead of MkDocs, in the
order MkDocs renders them, and hands back each command's HTML (plain strings: cheap to send and to
load). The Markdown extension looks each command up there first, so a command the worker has not
reached yet is simply parsed in place: the pages come out the same either way, only sooner. A
command with problems is left to the build, which reports them with the note's line.

The worker is `python -m docker_notes.prework`, a plain child process talking through pipes:
`multiprocessing` would re-run the caller's main script in the child, or fork a process that may
hold other threads' locks. Used by `mkdocs build` on sites of `MIN_PAGES` notes or more when the
machine has a second core; never under `mkdocs serve`, whose rebuilds reuse the previous cache.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO

from .commands import detect, knowledge
from .commands.parse import parse_cached
from .commands.render import Rendered, rendered
from .commands.tokens import UnbalancedQuote

MIN_PAGES = 50
CHUNK = 25  # pages per answer: the first results come back early, the later ones keep up

# A quote line as the author wrote it, at any depth and indentation (inside list items too).
_QUOTED = re.compile(r"^[ \t]*>(?:[ ]?>)*[ ]?(.*)$")
_CONTINUED = re.compile(r"\\[ \t]*$")


def wanted(pages: int, serving: bool) -> bool:
    return not serving and pages >= MIN_PAGES and (os.cpu_count() or 1) > 1


class Prework:
    def __init__(self, knowledge_files: Sequence[str], paths: Sequence[str]) -> None:
        self.received = 0  # commands the worker rendered, handed to the build
        self._answers: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "docker_notes.prework", *knowledge_files],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        request = json.dumps(list(paths)).encode()
        # Threads, so that neither a full pipe nor a slow worker ever blocks the build.
        threading.Thread(target=self._send, args=(request,), daemon=True).start()
        self._receiver = threading.Thread(target=self._receive, daemon=True)
        self._receiver.start()

    def _send(self, request: bytes) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(request)
            stdin.close()
        except OSError:
            pass  # the worker is gone: the build parses everything itself

    def _receive(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while (answer := _read_frame(stdout)) is not None:
            self._answers.put(answer)

    def collect(self, ready: dict[str, Rendered]) -> None:
        """Add what the worker has finished to `ready` (text -> HTML); never waits for it."""
        while True:
            try:
                answer = self._answers.get_nowait()
            except queue.Empty:
                return
            for text, parts in pickle.loads(answer).items():
                ready.setdefault(text, Rendered(*parts))
                self.received += 1

    def wait(self, timeout: float) -> bool:
        """Wait until the worker has sent all its answers; True if it has."""
        self._receiver.join(timeout)
        return not self._receiver.is_alive()

    def close(self) -> None:
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    return data if len(data) == size else None


def parse_notes(k: knowledge.Knowledge, paths: Sequence[str]) -> dict[str, Rendered]:
    """Every command line of these notes without problems, rendered."""
    found: dict[str, Rendered] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8-sig") as f:
                lines = f.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for text in command_texts(lines, k):
            if text in found:
                continue
            try:
                command = parse_cached(text, k)
            except UnbalancedQuote:
                continue
            if not command.problems:
                found[text] = rendered(command)
    return found


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


def main() -> None:
    """The worker: paths (JSON) on stdin; one pickled {text: parts of Rendered} frame per chunk
    on stdout (tuples, which unpickle faster than any class)."""
    k = knowledge.load(sys.argv[1:])
    paths = json.load(sys.stdin)
    out = sys.stdout.buffer
    for i in range(0, len(paths), CHUNK):
        answer = {text: tuple(r) for text, r in parse_notes(k, paths[i : i + CHUNK]).items()}
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(8, "big") + data)
        out.flush()


if __name__ == "__main__":
    main()
