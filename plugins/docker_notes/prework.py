"""Parse the notes' command lines in a second process while MkDocs builds the site.

MkDocs builds on one core. On a site of hundreds of notes, parsing and rendering every command line
is most of what the command blocks cost; a worker process reads the notes ahead of MkDocs, in the
order MkDocs renders them, and hands back the parsed commands. The Markdown extension looks each
command up in the parse cache first, so a command the worker has not reached yet is simply parsed
in place: the pages come out the same either way, only sooner.

Used by `mkdocs build` on sites of `MIN_PAGES` notes or more when the machine has a second core;
never under `mkdocs serve`, whose rebuilds reuse the cache of the previous one.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .commands import detect, knowledge
from .commands.model import ParsedCommand
from .commands.parse import parse_cached
from .commands.render import prepare
from .commands.tokens import UnbalancedQuote

MIN_PAGES = 50
CHUNK = 25  # pages per task: the first results come back early, the later ones keep up

# A quote line as the author wrote it, at any depth and indentation (inside list items too).
_QUOTED = re.compile(r"^[ \t]*>(?:[ ]?>)*[ ]?(.*)$")
_CONTINUED = re.compile(r"\\[ \t]*$")


def wanted(pages: int, serving: bool) -> bool:
    return not serving and pages >= MIN_PAGES and (os.cpu_count() or 1) > 1


class Prework:
    def __init__(self, knowledge_files: Sequence[str], paths: Sequence[str]) -> None:
        # "spawn": a fresh interpreter, safe whatever threads this process has.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        files = list(knowledge_files)
        self.received = 0  # commands parsed by the worker and added to the cache
        self._futures: list[Future[dict[str, ParsedCommand]]] = [
            self._pool.submit(parse_notes, files, list(paths[i : i + CHUNK]))
            for i in range(0, len(paths), CHUNK)
        ]

    def collect(self, cache: dict[Any, Any]) -> None:
        """Add what the worker has finished to the parse cache; never waits for it."""
        while self._futures and self._futures[0].done():
            future = self._futures.pop(0)
            if future.exception() is None:
                for text, command in future.result().items():
                    cache.setdefault(text, command)
                    self.received += 1

    def close(self) -> None:
        self._futures.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)


def parse_notes(knowledge_files: list[str], paths: list[str]) -> dict[str, ParsedCommand]:
    """The worker's task: every command line of these notes, parsed and rendered."""
    k = knowledge.load(knowledge_files)
    found: dict[str, ParsedCommand] = {}
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
                found[text] = prepare(parse_cached(text, k))
            except UnbalancedQuote:
                continue
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
