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
import logging
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor

from .blocks import PlannedBlock, block_html, remade
from .commands import detect, knowledge
from .commands.model import INFO, WARNING, ParsedCommand, Problem
from .commands.parse import parse_cached
from .commands.render import Command
from .commands.tokens import UnbalancedQuote

log = logging.getLogger("docker_notes")

_QUOTE_LINE = re.compile(r"^[ ]{0,3}>[ ]?(.*)")
# A command keeps no quote nesting: `>> docker ps` is as much a command line as `> docker ps`.
_ALL_QUOTES = re.compile(r"^[ ]{0,3}>(?:[ ]?>)*[ ]?(.*)")
_CONTINUED = re.compile(r"\\[ \t]*$")


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


class DockerCommandsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "knowledge": [[], "Extra knowledge files (YAML), merged over the built-in ones."],
            "report": [log_diagnostic, "Called with each Diagnostic found in a note."],
            "path": ["", "The note's path, used in diagnostics."],
            "source": [
                "",
                "The note's text as written (the whole file, or the Markdown after its front "
                "matter, see set_page), for line numbers and tabs.",
            ],
            "defer_explanations": [
                False,
                "Leave a light stand-in for each block and collect the blocks in `deferred` "
                "(the MkDocs plugin puts them back after the search has indexed the page).",
            ],
        }
        super().__init__(**kwargs)
        # Block id -> block HTML of the last converted page, when deferring; and its stand-in.
        self.deferred: dict[str, str] = {}
        self.stand_ins: dict[str, str] = {}
        # The next page's blocks as made ahead (prework.py), and its lines before `source`.
        self.plan: Sequence[PlannedBlock] = ()
        self.lines_before: Callable[[], int] | None = None
        self._knowledge: knowledge.Knowledge | None = None
        self._quote_hint: re.Pattern[str] | None = None

    @property
    def knowledge(self) -> knowledge.Knowledge:
        """Loaded once per extension (MkDocs makes a new one for every build, serve included)."""
        if self._knowledge is None:
            self._knowledge = knowledge.load(self.getConfig("knowledge"))
        return self._knowledge

    def set_page(
        self,
        path: str,
        source: str,
        plan: Sequence[PlannedBlock] = (),
        lines_before: Callable[[], int] | None = None,
    ) -> None:
        """Tell the extension which note the next conversion is (MkDocs shares one instance): its
        text, the blocks a second process made ahead for it, if any, and when `source` is not the
        whole file, how many lines of the file come before it (asked only to report a problem)."""
        self.setConfig("path", path)
        self.setConfig("source", source)
        self.plan = plan
        self.lines_before = lines_before

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.deferred, self.stand_ins = {}, {}
        state = _State(
            knowledge=self.knowledge,
            report=self.getConfig("report") or log_diagnostic,
            path=self.getConfig("path") or "<markdown>",
            source=self.getConfig("source") or None,
            deferred=self.deferred if self.getConfig("defer_explanations") else None,
            stand_ins=self.stand_ins,
            # Planned blocks come without their HTML, which only a deferring build can leave out.
            plan=self.plan if self.getConfig("defer_explanations") else (),
            lines_before=self.lines_before,
        )
        self.plan, self.lines_before = (), None  # for this page only
        # First of all preprocessors, to see the text as written when no source was given.
        md.preprocessors.register(_SourceCapture(md, state), "docker_notes_source", 1000)
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


class _Planned(NamedTuple):
    """A command of the page's plan: parsed only if the page leaves the plan."""

    text: str


@dataclass
class _State:
    knowledge: knowledge.Knowledge
    report: Reporter
    path: str
    source: str | None
    text: str = ""  # the page's text as written (`source`, or the Markdown as given)
    _raw_lines: list[str] | None = None  # its lines as written, once needed (`raw_lines`)
    _lines: list[str] | None = None  # and tabs expanded (`lines`)
    tabs: bool = False  # the source has tabs (else its lines are as written)
    cursor: int = 0  # source lines before this one were already matched
    # Planned blocks placed since the cursor last moved: their lines are looked at only when
    # a line number is needed (a page that keeps to its plan has no problem to report).
    placed: list[PlannedBlock] = field(default_factory=list)
    blocks: int = 0
    deferred: dict[str, str] | None = None
    stand_ins: dict[str, str] = field(default_factory=dict)  # id -> stand-in, when deferring
    indexed: set[str] = field(default_factory=set)  # explanation texts already on the page
    seen: dict[str, str] = field(default_factory=dict)  # explanation HTML → its item's id
    lines_before: Callable[[], int] | None = None  # the file's lines before `source`
    plan: Sequence[PlannedBlock] = ()  # the page's blocks made ahead
    planned: int = 0  # blocks of the plan used so far; -1 once the page has left it
    plan_texts: frozenset[str] = frozenset()

    def start_page(self, text: str, plan: Sequence[PlannedBlock]) -> None:
        self.text, self.tabs = text, "\t" in text
        self._raw_lines = self._lines = None
        self.placed.clear()
        self.cursor = self.blocks = self.planned = 0
        self.indexed.clear()
        self.seen.clear()
        self.plan = plan
        self.plan_texts = frozenset(t for block in plan for t in block.texts)

    def next_planned(self) -> PlannedBlock | None:
        """The plan's next block, while the page keeps to its plan."""
        if 0 <= self.planned < len(self.plan) and self.blocks == self.planned:
            return self.plan[self.planned]
        return None

    def take_planned(self) -> tuple[str, PlannedBlock]:
        """The next block's id, and the plan's block for it (see next_planned)."""
        block = self.plan[self.planned]
        self.blocks += 1
        self.planned += 1
        return f"dn-{self.blocks}", block

    @property
    def search_index(self) -> set[str] | None:
        """The explanation texts the page's stand-ins hold so far; None without stand-ins."""
        return None if self.deferred is None else self.indexed

    def in_plan(self, text: str) -> bool:
        return self.planned >= 0 and text in self.plan_texts

    def from_plan(self, commands: Sequence[Command | _Planned]) -> PlannedBlock | None:
        """The planned block for these commands, if the page has kept to its plan so far (the
        block numbers agree, each block so far came from it, the same commands)."""
        if self.planned < 0:
            return None
        if self.planned < len(self.plan) and self.blocks == self.planned + 1:
            block = self.plan[self.planned]
            if block.texts == tuple(c.text if isinstance(c, _Planned) else "" for c in commands):
                self.planned += 1
                return block
        self.leave_plan()
        return None

    def leave_plan(self) -> None:
        """Make the rest of the page here: first what the planned blocks so far left in `seen`
        and `indexed`, which the blocks after them depend on, and their HTML, which the second
        process would have put in the page only if it had made all its blocks."""
        if self.planned > 0:
            used = [block.texts for block in self.plan[: self.planned]]
            made = remade(used, self.knowledge, self.seen, self.search_index)
            if self.deferred is not None:
                self.deferred.update((f"dn-{n + 1}", html) for n, html in enumerate(made))
        self.planned = -1

    def resolve(self, command: Command | _Planned) -> Command:
        if isinstance(command, _Planned):
            return parse_cached(command.text, self.knowledge)  # without problems: it was planned
        return command

    @property
    def raw_lines(self) -> list[str]:
        """The source's lines as written, split when first needed."""
        if self._raw_lines is None:
            self._raw_lines = self.text.splitlines()
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
        self._settle()
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

    def locate_planned(self, block: PlannedBlock) -> None:
        """`locate` the planned block's first line, once a line number is needed (`_settle`)."""
        self.placed.append(block)

    def _settle(self) -> None:
        """Move the cursor past the planned blocks placed so far: to the line of the note the
        worker found each on, when the note still has it there."""
        placed, self.placed = self.placed, []
        for block in placed:
            first = block.markdown.split("\n", 1)[0]
            if 0 <= block.line < len(self.raw_lines) and self.raw_lines[block.line] == first:
                self.cursor = max(self.cursor, block.line)
            else:
                self.locate(first)

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
            if self.lines_before is not None:
                line += self.lines_before()
        self.report(Diagnostic(self.path, line, col, message, fix, level))


class _SourceCapture(Preprocessor):
    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        text = self.state.source if self.state.source is not None else "\n".join(lines)
        self.state.start_page(text, self.state.plan)
        return lines


@dataclass
class _Group:
    """Consecutive quote lines: prose (one quote level removed), or parsed commands."""

    commands: list[Command | _Planned] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)


class _CommandQuoteProcessor(BlockProcessor):
    RE = re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)")

    def __init__(self, parser: Any, state: _State, hint: re.Pattern[str]) -> None:
        super().__init__(parser)
        self.state = state
        self._hint = hint

    def test(self, parent: etree.Element, block: str) -> bool:
        # Most blocks hold no `>` at all (a planned block is quoted): a plain find rules them out.
        if ">" not in block:
            return False
        if (planned := self.state.next_planned()) is not None and block == planned.markdown:
            return True
        return bool(self._hint.search(block)) and self._has_command_line(block)

    def _has_command_line(self, block: str) -> bool:
        for raw in block.split("\n"):
            m = _ALL_QUOTES.match(raw)
            if m and detect.detect_cached(m.group(1), self.state.knowledge).kind != detect.PROSE:
                return True
        return False

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        block = blocks.pop(0)
        if (planned := self.state.next_planned()) is not None and block == planned.markdown:
            # The plan's next block, as written: what the reading below would find and make.
            self.state.locate_planned(planned)
            block_id, planned = self.state.take_planned()
            self._place(parent, block_id, planned.html, planned.stand_in)
            return None
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

    def _store_block(self, parent: etree.Element, parsed: list[Command | _Planned]) -> None:
        state = self.state
        state.blocks += 1
        block_id = f"dn-{state.blocks}"
        made = state.from_plan(parsed)
        if made is None:
            commands = [state.resolve(c) for c in parsed]
            html, shown = block_html(commands, block_id, state.seen, state.search_index)
        else:
            html, shown = made.html, made.stand_in
        self._place(parent, block_id, html, shown)

    def _place(self, parent: etree.Element, block_id: str, html: str, shown: str | None) -> None:
        if self.state.deferred is not None and shown is not None:
            # Plugins parse every page's HTML: they get a light stand-in (what the search should
            # index), the written page the block. A planned block's HTML is "": the second
            # process puts it into the written page (or leave_plan makes it).
            self.state.deferred[block_id] = html
            self.state.stand_ins[block_id] = html = shown
        placeholder = self.parser.md.htmlStash.store(html)
        p = etree.SubElement(parent, "p")
        p.text = placeholder

    def parse_lines(self, lines: list[str]) -> ParsedCommand:
        """Parse lines as written (a fenced block's); may raise UnbalancedQuote."""
        command = parse_cached("\n".join(lines), self.state.knowledge)
        for problem in command.problems:
            self._report_problem(lines, range(len("\n".join(lines)) + 1), problem)
        return command

    def _parse(self, lines: list[str]) -> Command | _Planned | None:
        shown = [self.state.as_written(line) for line in lines]
        text, offsets = detect.unescape_markdown("\n".join(shown))
        first_line = lines[0]
        if self.state.in_plan(text):
            self.state.locate(first_line)
            return _Planned(text)  # made ahead, and without problems to report
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
