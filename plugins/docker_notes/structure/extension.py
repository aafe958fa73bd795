"""Python-Markdown extension: a note keeps the block structure its CommonMark editor showed.

    markdown.markdown(text, extensions=["docker_notes.structure"])

A preprocessor rewrites the note's lines (`rewrite.py`) after Python-Markdown has normalised them
(priority 30: tabs expanded, line ends unified) and before anything reads blocks from them:
pymdownx.superfences' fences (25), the raw HTML blocks (20), the block parser. The command blocks'
extension keeps the text as written for its line numbers (its preprocessor runs at 1000), and
searches each command's text in it, which the rewriting leaves as it was.

Ordered lists keep their start number (`3.` starts at 3), as in CommonMark.

What the site cannot show as the editor does is reported through `report` as a `Diagnostic` at
the note's `path:line`, the note found as the command blocks find it (notes.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..commands import detect
from ..commands.knowledge import Knowledge
from ..notes import Conversion, ConversionStart, Diagnostic, NoteSources, Reporter, log_diagnostic
from .rewrite import SEPARATOR, CommandTest, Note, rewrite

# After normalize_whitespace (30), before pymdownx.superfences / fenced_code (25) and html_block (20).
PRIORITY = 28


class CommonMarkStructureExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "report": [log_diagnostic, "Called with a Diagnostic for each structure not kept."],
            # Not None: Python-Markdown reads a None default as a yes/no option.
            "notes": ["", "The notes of the build (a NoteSources), as for docker_notes."],
            "path": ["", "The note's path, used in diagnostics when `notes` has none."],
        }
        super().__init__(**kwargs)
        self.notes: NoteSources = self.getConfig("notes") or NoteSources()

    def extendMarkdown(self, md: Markdown) -> None:
        # Each Markdown instance has its own conversion: see notes.py.
        conversion = Conversion(self.notes, self.getConfig("path"))
        md.preprocessors.register(
            ConversionStart(md, conversion.start), "docker_notes_structure_source", 1000
        )
        md.preprocessors.register(
            _StructurePreprocessor(md, conversion, self.getConfig("report") or log_diagnostic),
            "docker_notes_structure",
            PRIORITY,
        )
        # Before the inline patterns (20), which would see the separators' text.
        md.treeprocessors.register(_DropSeparators(md), "docker_notes_separators", 25)
        # CommonMark's lists: a numbered list keeps its start number, and a numbered list after
        # a bulleted one (or the reverse) is a list of its own.
        processors = md.parser.blockprocessors
        if "olist" in processors:
            processors["olist"].LAZY_OL = False
            processors["olist"].SIBLING_TAGS = ["ol"]
        if "ulist" in processors:
            processors["ulist"].SIBLING_TAGS = ["ul"]


class _DropSeparators(Treeprocessor):
    """Takes out the paragraphs that only kept two blocks apart (`SEPARATOR`)."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in [c for c in parent if c.tag == "p" and c.text == SEPARATOR and not len(c)]:
                parent.remove(child)


class _StructurePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, conversion: Conversion, report: Reporter) -> None:
        super().__init__(md)
        self.conversion, self.report = conversion, report

    def run(self, lines: list[str]) -> list[str]:
        try:
            result = rewrite("\n".join(lines), _command_test(self.md))
        except Exception as e:  # a fault of ours must not take the page (and the build) down
            self._report(
                [
                    Note(
                        0,
                        f"could not read this note's structure ({type(e).__name__}: {e}); it "
                        "shows as Python-Markdown reads it",
                    )
                ]
            )
            return lines
        self._report(result.notes)
        return result.text.split("\n") if result.changed else lines

    def _report(self, notes: list[Note]) -> None:
        if not notes:
            return
        converted, source = self.conversion.converted, self.conversion.note
        # The lines of the text converted before the note's own (an excerpt's title).
        start = converted.find(source.source) if source.source else -1
        shift = converted.count("\n", 0, start) if start > 0 else 0
        for note in notes:
            line = source.file_line(max(note.line + 1 - shift, 1))
            self.report(Diagnostic(source.path, line, 1, note.message))


def _command_test(md: Markdown) -> CommandTest | None:
    """Which quote lines the command blocks (when in this Markdown) take for commands."""
    for extension in md.registeredExtensions:
        knowledge = getattr(extension, "knowledge", None)
        if isinstance(knowledge, Knowledge):
            return lambda text: detect.detect_cached(text, knowledge).kind == detect.COMMAND
    return None


def makeExtension(**kwargs: Any) -> CommonMarkStructureExtension:
    return CommonMarkStructureExtension(**kwargs)
