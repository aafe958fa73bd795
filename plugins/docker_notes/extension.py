"""Python-Markdown extension: `> docker …` quote lines become annotated, copyable command blocks.

It runs wherever Python-Markdown runs (MkDocs, Zensical, plain `markdown.markdown`):

    markdown.markdown(text, extensions=["docker_notes"])

A block processor just above the blockquote one takes quotes holding command lines. Consecutive
command lines become one block; prose lines of the same quote stay a quote around it, in order;
quotes without commands are left to Python-Markdown untouched. Fenced and indented code, inline code,
raw HTML and comments never reach a block processor as quotes, so they are never touched.

Problems (an unknown option, `Docker run` capitalised, an unclosed quote) are reported through the
`report` callback with the source line and column; by default they are logged as warnings.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

from .commands import detect, knowledge
from .commands.model import INFO, WARNING, ParsedCommand, Problem
from .commands.parse import parse_cached
from .commands.render import render_block
from .commands.tokens import UnbalancedQuote
from .notes import (
    Conversion,
    ConversionStart,
    Diagnostic,
    Note,
    NoteSources,
    Reporter,
    log_diagnostic,
)

__all__ = ["Diagnostic", "DockerCommandsExtension", "Note", "NoteSources", "makeExtension"]


_QUOTE_LINE = re.compile(r"^[ ]{0,3}>[ ]?(.*)")
# A command keeps no quote nesting: `>> docker ps` is as much a command line as `> docker ps`.
_ALL_QUOTES = re.compile(r"^[ ]{0,3}>(?:[ ]?>)*[ ]?(.*)")
_CONTINUED = re.compile(r"\\[ \t]*$")


class DockerCommandsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "knowledge": [[], "Extra knowledge files (YAML), merged over the built-in ones."],
            "report": [log_diagnostic, "Called with each Diagnostic found in a note."],
            # Not None: Python-Markdown reads a None default as a yes/no option.
            "notes": [
                "",
                "The notes of the build (a NoteSources), to report at a note's path and line "
                "whichever Markdown instance converts its text; default: the text converted is "
                "the note.",
            ],
            "path": ["", "The note's path, used in diagnostics when `notes` has none."],
            "source": [
                "",
                "The note's text as written, for line numbers and tabs (default: the text "
                "converted).",
            ],
        }
        super().__init__(**kwargs)
        self.notes: NoteSources = self.getConfig("notes") or NoteSources()
        self._knowledge: knowledge.Knowledge | None = None
        self._quote_hint: re.Pattern[str] | None = None

    @property
    def knowledge(self) -> knowledge.Knowledge:
        """Loaded once per extension (MkDocs makes a new one for every build, serve included)."""
        if self._knowledge is None:
            self._knowledge = knowledge.load(self.getConfig("knowledge"))
        return self._knowledge

    def extendMarkdown(self, md: Markdown) -> None:
        # Everything a conversion changes lives with this Markdown instance, not the extension:
        # any number of instances built from one extension list each get their own.
        state = _State(self)
        md.registerExtension(state)  # so that `md.reset()` resets it too
        # First of all preprocessors, to see the text as written.
        md.preprocessors.register(ConversionStart(md, state.start), "docker_notes_source", 1000)
        # Above blockquote (20), below indented code (80) so code is never taken for a quote.
        md.parser.blockprocessors.register(
            _CommandQuoteProcessor(md.parser, state, self.quote_hint), "docker_notes", 21
        )

    @property
    def quote_hint(self) -> re.Pattern[str]:
        """A cheap first look at a block: some quote line mentions a known program (any case)."""
        if self._quote_hint is None:
            names = "|".join(re.escape(name) for name in self.knowledge.programs)
            self._quote_hint = re.compile(
                r"(?im)^[ ]{0,3}>.*?(?<![\w-])(?:" + names + r")(?![\w-])"
            )
        return self._quote_hint


class _State:
    """One conversion's state: the note, where in it the reading is, the blocks so far."""

    def __init__(self, extension: DockerCommandsExtension) -> None:
        self.extension = extension
        self.knowledge = extension.knowledge
        self.report: Reporter = extension.getConfig("report") or log_diagnostic
        self.reset()

    def reset(self) -> None:
        extension = self.extension
        self.conversion = Conversion(
            extension.notes, extension.getConfig("path"), extension.getConfig("source")
        )
        self.tabs = False  # the text has tabs (else its lines are as written)
        self._raw_lines: list[str] | None = None  # the note's lines as written, once needed
        self._lines: list[str] | None = None  # and tabs expanded
        self.cursor = 0  # lines before this one were already matched
        self.blocks = 0
        self.seen: dict[str, str] = {}  # explanation HTML -> its item's id, for the page so far

    def start(self, converted: str) -> None:
        self.reset()
        self.conversion.start(converted)
        self.tabs = "\t" in converted

    @property
    def note(self) -> Note:
        return self.conversion.note

    @property
    def raw_lines(self) -> list[str]:
        """The source's lines as written, split when first needed."""
        if self._raw_lines is None:
            self._raw_lines = self.note.source.splitlines()
        return self._raw_lines

    @property
    def lines(self) -> list[str]:
        """The source's lines, tabs expanded as Python-Markdown expands them."""
        if self._lines is None:
            raw = self.raw_lines
            self._lines = [line.expandtabs(4) for line in raw] if self.tabs else raw
        return self._lines

    def _find(self, text: str) -> tuple[int, int] | None:
        """0-based (line, column) of the first source line at or after the cursor holding text."""
        needle = text.strip()
        # Usually found at the cursor or just after: no list of every line's number is made.
        start = min(self.cursor, len(self.lines))
        for n in itertools.chain(range(start, len(self.lines)), range(start)):
            col = self.lines[n].find(needle)
            if col >= 0:
                return n, col
        return None

    def locate(self, text: str) -> tuple[int, int]:
        """1-based (line, column) of text in the source; (0, 0) when another extension changed it."""
        found = self._find(text)
        if found is None:
            return 0, 0
        if found[0] >= self.cursor:
            self.cursor = found[0]
        return found[0] + 1, found[1] + 1

    def as_written(self, text: str) -> str:
        """The line as the author wrote it: Python-Markdown expands tabs, a command keeps them."""
        if not self.tabs:
            return text.rstrip()  # what the search below gives for a line without tabs
        found = self._find(text)
        if found is None:
            return text
        n, col = found
        if self.lines[n][col:].rstrip() != text.strip():
            return text
        raw, width, k = self.raw_lines[n], 0, 0
        while k < len(raw) and width < col:  # the raw column where the expanded one is
            width = (width // 4 + 1) * 4 if raw[k] == "\t" else width + 1
            k += 1
        if width != col:
            return text
        return text[: len(text) - len(text.lstrip())] + raw[k:].rstrip()

    def report_at(self, line_text: str, offset: int, message: str, fix: str, level: str) -> None:
        line, col = self.locate(line_text)
        if line:
            col += offset - (len(line_text) - len(line_text.lstrip()))
        note = self.note
        self.report(Diagnostic(note.path, note.file_line(line), col, message, fix, level))


@dataclass
class _Group:
    """Consecutive quote lines: prose (one quote level removed), or parsed commands."""

    commands: list[ParsedCommand] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)


class _CommandQuoteProcessor(BlockProcessor):
    RE = re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)")

    def __init__(self, parser: Any, state: _State, hint: re.Pattern[str]) -> None:
        super().__init__(parser)
        self.state = state
        self._hint = hint

    def test(self, parent: etree.Element, block: str) -> bool:
        # Most blocks hold no `>` at all: a plain find rules them out.
        if ">" not in block:
            return False
        return bool(self._hint.search(block)) and self._has_command_line(block)

    def _has_command_line(self, block: str) -> bool:
        for raw in block.split("\n"):
            m = _ALL_QUOTES.match(raw)
            if m and detect.detect_cached(m.group(1), self.state.knowledge).kind != detect.PROSE:
                return True
        return False

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        block = blocks.pop(0)
        m = self.RE.search(block)
        assert m is not None  # test() saw a quote line
        before, quoted = block[: m.start()], block[m.start() :].lstrip("\n")
        groups, rest = self._split(quoted)
        if rest:
            blocks.insert(0, rest)  # lines after a command that lost their `>` end the quote
        if not any(g.commands for g in groups):
            # Only reports (e.g. `Docker run`): Python-Markdown renders the quote as it would have.
            blocks.insert(0, block)
            self.parser.blockprocessors["quote"].run(parent, blocks)
            return None
        if before:
            self.parser.parseBlocks(parent, [before])
        if all(g.commands for g in groups):
            for group in groups:
                self._store_block(parent, group.commands)
            return None
        sibling = self.lastChild(parent)
        quote = sibling if sibling is not None and sibling.tag == "blockquote" else None
        if quote is None:
            quote = etree.SubElement(parent, "blockquote")
        for group in groups:
            if group.commands:
                self._store_block(quote, group.commands)
            else:
                self.parser.state.set("blockquote")
                self.parser.parseChunk(quote, "\n".join(group.prose))
                self.parser.state.reset()
        return None

    # --- splitting a quote into prose and commands ----------------------------------------------

    def _split(self, quoted: str) -> tuple[list[_Group], str]:
        """Groups of the quote's lines, and the text after the quote (lazy lines after a command)."""
        raw_lines = quoted.split("\n")
        groups: list[_Group] = []
        k = 0
        while k < len(raw_lines):
            raw = raw_lines[k]
            m = _QUOTE_LINE.match(raw)
            if m is None and groups and groups[-1].commands:
                return groups, "\n".join(raw_lines[k:])
            found = detect.detect_cached(self._inner(raw), self.state.knowledge) if m else None
            if found is not None and found.kind == detect.COMMAND:
                lines, end = self._command_lines(raw_lines, k)
                command = self._parse(lines)
                if command is not None:
                    if not groups or not groups[-1].commands:
                        groups.append(_Group())
                    groups[-1].commands.append(command)
                    k = end
                    continue
                # Not understood: the lines stay prose of the quote, exactly as written.
                self._add_prose(groups, [self._one_level(r) for r in raw_lines[k:end]])
                k = end
                continue
            if found is not None and found.kind in (detect.CAPITALISED, detect.TYPO):
                self.state.report_at(
                    self._inner(raw), found.start, found.message, found.fix, WARNING
                )
            self._add_prose(groups, [self._one_level(raw)])
            k += 1
        return groups, ""

    @staticmethod
    def _add_prose(groups: list[_Group], lines: list[str]) -> None:
        if not groups or groups[-1].commands:
            groups.append(_Group())
        groups[-1].prose.extend(lines)

    @staticmethod
    def _one_level(raw: str) -> str:
        """The line as Python-Markdown's quote processor leaves it (BlockQuoteProcessor.clean)."""
        m = _QUOTE_LINE.match(raw)
        if raw.strip() == ">":
            return ""
        return m.group(1) if m else raw

    def _command_lines(self, raw_lines: list[str], k: int) -> tuple[list[str], int]:
        """The physical lines of the command starting at line k: `\\` continues it."""
        lines = [self._inner(raw_lines[k])]
        k += 1
        multi_line = False
        while k < len(raw_lines):
            m = _ALL_QUOTES.match(raw_lines[k])
            if m is None:
                break
            inner = m.group(1)
            if _CONTINUED.search(lines[-1]):
                multi_line = True
            elif multi_line and self._missing_backslash(lines, inner):
                self.state.report_at(
                    lines[-1],
                    len(lines[-1].rstrip()),
                    "this line of a multi-line command does not end with `\\`, so the shell "
                    "runs it on its own and the next line fails",
                    "add ` \\` at the end of the line",
                    WARNING,
                )
            else:
                break
            lines.append(inner)
            k += 1
        return lines, k

    @staticmethod
    def _missing_backslash(lines: list[str], inner: str) -> bool:
        """After `docker run -d \\` / `-p 80:80` (no `\\`), a line `-v …` or `image:tag` still belongs."""
        nxt = inner.strip()
        if (
            not nxt
            or detect.command_start(nxt) != 0
            or nxt.split()[0] in ("docker", "docker-compose")
        ):
            return False
        return nxt.startswith("-") or (" " not in nxt and lines[-1].strip().startswith("-"))

    @staticmethod
    def _inner(raw: str) -> str:
        m = _ALL_QUOTES.match(raw)
        return m.group(1) if m else raw

    # --- one block -------------------------------------------------------------------------------

    def _store_block(self, parent: etree.Element, commands: list[ParsedCommand]) -> None:
        """The block's final HTML, stashed so that Markdown leaves it as it is."""
        state = self.state
        state.blocks += 1
        html = render_block(commands, f"dn-{state.blocks}", state.seen)
        placeholder = self.parser.md.htmlStash.store(html)
        p = etree.SubElement(parent, "p")
        p.text = placeholder

    def parse_lines(self, lines: list[str]) -> ParsedCommand:
        """Parse lines as written (a fenced block's); may raise UnbalancedQuote."""
        command = parse_cached("\n".join(lines), self.state.knowledge)
        for problem in command.problems:
            self._report_problem(lines, range(len("\n".join(lines)) + 1), problem)
        return command

    def _parse(self, lines: list[str]) -> ParsedCommand | None:
        shown = [self.state.as_written(line) for line in lines]
        text, offsets = detect.unescape_markdown("\n".join(shown))
        first_line = lines[0]
        try:
            command = parse_cached(text, self.state.knowledge)
        except UnbalancedQuote as e:
            self._report(
                lines,
                offsets[e.position],
                str(e) + "; the line is left as written",
                "close the quote, or escape it with `\\`",
                WARNING,
            )
            return None
        except Exception as e:
            self._report(
                lines,
                0,
                f"could not read this command ({type(e).__name__}: {e}); "
                "the line is left as written",
                "",
                WARNING,
            )
            return None
        self.state.locate(first_line)
        for problem in command.problems:
            self._report_problem(lines, offsets, problem)
        return command

    def _report_problem(self, lines: list[str], offsets: Sequence[int], problem: Problem) -> None:
        level = INFO if problem.level == INFO else WARNING
        self._report(
            lines,
            offsets[min(problem.offset, len(offsets) - 1)],
            problem.message,
            problem.fix,
            level,
        )

    def _report(self, lines: list[str], offset: int, message: str, fix: str, level: str) -> None:
        """Report at `offset` in the joined lines: find its physical line, then its column."""
        for line in lines:
            if offset <= len(line):
                self.state.report_at(line, offset, message, fix, level)
                return
            offset -= len(line) + 1
        self.state.report_at(lines[-1], len(lines[-1]), message, fix, level)


def makeExtension(**kwargs: Any) -> DockerCommandsExtension:
    return DockerCommandsExtension(**kwargs)
