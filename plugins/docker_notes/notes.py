"""Which note a Markdown conversion is, for messages at the note's `path:line:col`.

MkDocs converts each page with its own Markdown instance, and other plugins make more from the same
extension list (Material's blog renders each post again for its excerpt, with its title prepended,
while another page is being built). So an extension never asks "which page is current" of shared
state: each conversion keeps the text it was given, and when it has something to report it looks
that text up among the notes of the build, which the plugin registers as MkDocs hands them over.
No MkDocs here: the extensions run under Zensical and plain Python-Markdown too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Markdown
from markdown.preprocessors import Preprocessor

log = logging.getLogger("docker_notes")

WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """A problem in a note, with its place in the source file (1-based line and column)."""

    path: str
    line: int
    column: int
    message: str
    fix: str = ""
    level: str = WARNING

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}" + (f"; {self.fix}" if self.fix else "")


Reporter = Callable[[Diagnostic], None]


def log_diagnostic(diagnostic: Diagnostic) -> None:
    (log.warning if diagnostic.level == WARNING else log.info)("%s", diagnostic)


@dataclass(frozen=True)
class Note:
    """A note's path for messages, its Markdown, and how many lines of its file come before that
    Markdown (front matter), asked only when a problem is reported."""

    path: str
    source: str
    lines_before: Callable[[], int] | None = None

    def file_line(self, line: int) -> int:
        """The line of the file for a line of `source` (1-based; 0 stays 0: not found)."""
        if line and self.lines_before is not None:
            return line + self.lines_before()
        return line


class NoteSources:
    """The notes of a build as their Markdown was handed to the plugins."""

    def __init__(self) -> None:
        self._by_text: dict[str, Note] = {}
        self.current: Note | None = None

    def add(self, note: Note) -> None:
        """The note MkDocs is about to convert (the plugin calls this at `on_page_markdown`)."""
        self._by_text[note.source] = self.current = note

    def find(self, text: str) -> Note | None:
        """The note whose text this conversion is: the same text, else a note that holds it or
        that it holds (an excerpt; the title prepended), else the note being converted (another
        plugin changed its text since)."""
        note = self._by_text.get(text)
        if note is not None:
            return note
        body = text.strip()
        current = self.current
        notes = [current] if current is not None else []
        notes += [n for n in self._by_text.values() if n is not current]
        for candidate in notes:
            source = candidate.source.strip()
            if body and source and (body in source or source in body):
                return candidate
        return current


class Conversion:
    """One conversion's text, and which note it is, found when first needed (a page without a
    problem to report never needs it)."""

    def __init__(self, notes: NoteSources, path: str = "", source: str = "") -> None:
        self.notes = notes
        self.path = path  # when no note holds the text: the path to report (plain Markdown)
        self.source = source  # and the text as written, if not the text converted
        self.start("")

    def start(self, converted: str) -> None:
        self.converted = converted
        self._note: Note | None = None

    @property
    def note(self) -> Note:
        if self._note is None:
            self._note = self.notes.find(self.converted) or Note(
                self.path or "<markdown>", self.source or self.converted
            )
        return self._note


class ConversionStart(Preprocessor):
    """Hands a conversion's text, as given, to `start` (registered first of all preprocessors,
    priority 1000, before Python-Markdown expands tabs)."""

    def __init__(self, md: Markdown, start: Callable[[str], None]) -> None:
        super().__init__(md)
        self.start = start

    def run(self, lines: list[str]) -> list[str]:
        self.start("\n".join(lines))
        return lines
