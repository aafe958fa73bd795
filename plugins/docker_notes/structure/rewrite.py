"""A note's text, rewritten so that Python-Markdown builds the blocks a CommonMark editor shows.

Pure: no MkDocs, no Python-Markdown. markdown-it-py (CommonMark, GFM tables) reads the note; the
blocks it finds are written out again in the dialect Python-Markdown reads, each source line once, in
order, with its text unchanged:

- list items nest by CommonMark's content column whatever the indent (2, 3, 4 spaces, tabs), and
  are written with Python-Markdown's 4 spaces a level; a list that interrupts a paragraph, a
  heading or fence after a quote line, a table after a paragraph start blocks of their own (a blank
  line is inserted);
- a quote inside a list item, and a fence at the item's content column, stay inside the item;
- a raw HTML block that opens an element closed by a later HTML block, with Markdown between
  (`<details><summary>…</summary>`, blank line, Markdown, `</details>`) gets `markdown="1"`;
- a paragraph line Python-Markdown would read as a block of its own (`#tag`, `2. ` inside an item,
  `[x]: …`) is escaped or indented by one space so that it stays text.

Lines of Material's own syntax (admonitions, content tabs, footnotes, definition lists,
abbreviations, attribute lists, `markdown` HTML, pymdownx blocks) are copied as written, only moved
as a whole to the column of the list item they sit in. Parts of a note whose blocks both readers
already agree on are copied as written: the rewriting reaches only the stretches of the note that
need it (`rewrite` finds them with a cheap look at each stretch first).

What cannot be reproduced is reported as a `Note` (0-based line of the text given, and what the
reader will see).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["Note", "Rewritten", "rewrite"]


@dataclass(frozen=True)
class Note:
    """Something of the note's structure the site cannot show as the editor does."""

    line: int  # 0-based, in the text given to `rewrite`
    message: str


@dataclass
class Rewritten:
    text: str
    notes: list[Note] = field(default_factory=list)
    changed: bool = False


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Only the blocks matter here: the inline rules would cost as much again.
    md.disable(["inline", "text_join"])
    return md


# --- The block tree ---------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # paragraph heading hr code fence html table quote list item
    start: int  # 0-based lines [start, end) of the text parsed
    end: int
    children: list[Block] = field(default_factory=list)
    markup: str = ""  # heading: '#', '=' or '-'; list: the bullet or ')' / '.'; fence: its fence
    ordered: bool = False
    tight: bool = True  # a list whose items' paragraphs CommonMark shows without <p>


_LEAVES = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "hr": "hr",
    "code_block": "code",
    "fence": "fence",
    "html_block": "html",
    "table_open": "table",
}
_CONTAINERS = {
    "blockquote_open": "quote",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "item",
}


def _tree(tokens: Sequence[Token], offset: int) -> list[Block]:
    """The blocks of a token stream, lines shifted by `offset`."""
    root = Block("root", 0, 0)
    stack = [root]
    skip = 0  # inside a leaf made of several tokens (paragraph, heading, table)
    for token in tokens:
        if skip:
            skip += token.nesting
            continue
        if token.nesting == -1:
            if token.type in ("blockquote_close", "bullet_list_close", "ordered_list_close",
                              "list_item_close"):
                stack.pop()
            continue
        assert token.map is not None or token.type == "inline"
        if token.type in _CONTAINERS:
            assert token.map is not None
            block = Block(_CONTAINERS[token.type], token.map[0] + offset, token.map[1] + offset)
            if block.kind == "list":
                block.ordered = token.type == "ordered_list_open"
                block.markup = token.markup
            stack[-1].children.append(block)
            stack.append(block)
        elif token.type in _LEAVES:
            assert token.map is not None
            block = Block(_LEAVES[token.type], token.map[0] + offset, token.map[1] + offset)
            block.markup = token.markup
            if token.type == "paragraph_open" and not token.hidden and stack[-1].kind == "item":
                stack[-2].tight = False
            stack[-1].children.append(block)
            if token.nesting == 1:
                skip = 1
    return root.children


# --- Rewriting --------------------------------------------------------------------------------

_QUOTE_PREFIX = re.compile(r" {0,3}> ?")
_MARKER = re.compile(r"( {0,3})([-*+]|\d{1,9}[.)])( *)(.*)")
_ATX = re.compile(r" {0,3}#")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
# Paragraph lines that Python-Markdown would take for a block of their own.
_PM_ITEM_LINE = re.compile(r"( {0,7})(\d+)(\.)(?= |$)|( {0,7})([-*+])(?= |$)")
_PM_REFERENCE = re.compile(r" {0,3}\[(?!\^)[^\]]*\]:")
_PM_HEADING = re.compile(r"#")


class _Writer:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.notes: list[Note] = []

    # Each `emit_*` gets the lines of its block with the prefixes of its containers removed
    # (`rel`, by line number) and returns its lines without the prefixes of its containers.

    def emit_blocks(self, blocks: list[Block], rel: dict[int, str], start: int, end: int,
                    top: bool = False) -> list[str]:
        out: list[str] = []
        previous: Block | None = None
        k = start
        for block in blocks:
            while k < block.start:  # lines between blocks: blank, or link reference definitions
                out.append(_blank(rel.get(k, "")))
                k += 1
            if previous is not None:
                if out and out[-1] != "" and not self._joins(previous, block):
                    out.append("")
                if top and self._merge(previous, block):
                    # Python-Markdown adds a quote (a list) to the quote (list) just before it.
                    if out[-1] != "":
                        out.append("")
                    out.extend(["<!-- -->", ""])
            out.extend(self.emit(block, rel))
            previous = block
            k = max(k, block.end)
        while k < end:
            out.append(_blank(rel.get(k, "")))
            k += 1
        return out

    @staticmethod
    def _joins(previous: Block, block: Block) -> bool:
        """Blocks Python-Markdown reads as separate without a blank line between."""
        return False

    @staticmethod
    def _merge(previous: Block, block: Block) -> bool:
        return (previous.kind == block.kind == "quote") or (
            previous.kind == block.kind == "list"
        )

    def emit(self, block: Block, rel: dict[int, str]) -> list[str]:
        kind = block.kind
        if kind == "paragraph":
            return self.paragraph(block, rel)
        if kind == "heading":
            return self.heading(block, rel)
        if kind in ("hr", "table"):
            return [rel[i].lstrip() for i in range(block.start, block.end)]
        if kind == "code":
            return [_blank(rel[i]) for i in range(block.start, block.end)]
        if kind == "fence":
            return self.fence(block, rel)
        if kind == "html":
            return [_blank(rel[i]) for i in range(block.start, block.end)]
        if kind == "quote":
            return self.quote(block, rel)
        if kind == "list":
            return self.list(block, rel)
        raise AssertionError(kind)

    def paragraph(self, block: Block, rel: dict[int, str], in_item: bool = False) -> list[str]:
        out = []
        for i in range(block.start, block.end):
            line = rel[i].lstrip()
            if _PM_HEADING.match(line):
                line = " " + line
            elif i > block.start:
                if _PM_REFERENCE.match(line):
                    line = "\\" + line
                elif in_item and (m := _PM_ITEM_LINE.match(line)):
                    cut = m.start(3) if m.group(3) else m.start(5)
                    line = line[:cut] + "\\" + line[cut:]
            out.append(line)
        return out

    def heading(self, block: Block, rel: dict[int, str]) -> list[str]:
        if block.markup.startswith("#"):
            return [rel[block.start].strip()]
        text = " ".join(rel[i].strip() for i in range(block.start, block.end - 1))
        # Python-Markdown reads a one-line setext heading only: a longer one is joined.
        out = [text, rel[block.end - 1].strip()]
        return out

    def fence(self, block: Block, rel: dict[int, str]) -> list[str]:
        first = rel[block.start]
        m = _FENCE_OPEN.match(first)
        assert m is not None
        indent = len(first) - len(first.lstrip(" "))
        fence = m.group(1)
        body: list[str] = []
        closed = False
        for i in range(block.start + 1, block.end):
            line = rel.get(i, "")
            stripped = line.lstrip(" ")
            if i == block.end - 1 and stripped.rstrip().startswith(fence[0] * len(fence)) and (
                len(line) - len(stripped) <= 3
                and set(stripped.rstrip()) == {fence[0]}
            ):
                closing = stripped.rstrip()
                closed = True
                if len(closing) > len(fence):
                    # pymdownx.superfences closes only with the opening fence's length.
                    first = first.replace(fence, closing, 1)
                    fence = closing
                break
            remove = min(indent, len(line) - len(stripped))
            body.append(_blank(line[remove:]))
        out = [first.strip(), *body, fence]
        if not closed:
            while out[-2:-1] == [""]:
                out.pop(-2)  # CommonMark's unclosed fence ends at its container's end
        return out

    def quote(self, block: Block, rel: dict[int, str]) -> list[str]:
        inner: dict[int, str] = {}
        for i in range(block.start, block.end):
            line = rel.get(i, "")
            m = _QUOTE_PREFIX.match(line)
            inner[i] = line[m.end():] if m else line  # a lazy line
        body = self.emit_blocks(block.children, inner, block.start, block.end)
        while body and body[-1] == "":
            body.pop()
        return [("> " + line) if line else ">" for line in body]

    def list(self, block: Block, rel: dict[int, str]) -> list[str]:
        out: list[str] = []
        tight = block.tight and all(self._tight_ok(item) for item in block.children)
        k = block.start
        for n, item in enumerate(block.children):
            while k < item.start:
                out.append("")
                k += 1
            lines = self.item(item, rel, tight)
            if n and not tight and out and out[-1] != "":
                out.append("")
            out.extend(lines)
            k = item.end
        return out

    @staticmethod
    def _tight_ok(item: Block) -> bool:
        """Can Python-Markdown show this item's blocks without wrapping its text in <p>?"""
        kinds = [child.kind for child in item.children]
        if kinds and kinds[0] == "paragraph":
            kinds = kinds[1:]
        for n, kind in enumerate(kinds):
            if kind in ("list", "quote"):
                return n == len(kinds) - 1
            if kind not in ("fence", "html", "paragraph", "hr"):
                return False
        return True

    def item(self, item: Block, rel: dict[int, str], tight: bool) -> list[str]:
        first = rel.get(item.start, "")
        m = _MARKER.match(first)
        assert m is not None, first
        indent, marker, spaces, rest = m.groups()
        width = len(indent) + len(marker) + (1 if not rest or len(spaces) >= 5 else len(spaces))
        inner: dict[int, str] = {item.start: first[width:]}
        for i in range(item.start + 1, item.end):
            line = rel.get(i, "")
            if line[:width].strip() == "":
                inner[i] = line[width:]
            else:
                inner[i] = line.lstrip()  # a lazy line
        shown = marker.replace(")", ".") + (spaces if 0 < len(spaces) < 5 and rest else " ")
        # The blocks of the item, each with its lines.
        segments: list[tuple[Block | None, list[str]]] = []
        k = item.start
        for child in item.children:
            if k < child.start:
                segments.append((None, [_blank(inner.get(i, "")) for i in range(k, child.start)]))
            if child.kind == "paragraph":
                lines = self.paragraph(child, inner, in_item=True)
            else:
                lines = self.emit(child, inner)
            segments.append((child, lines))
            k = max(k, child.end)
        if k < item.end:
            segments.append((None, [_blank(inner.get(i, "")) for i in range(k, item.end)]))
        # Lines of the marker line that hold nothing (`-` alone): the first block goes there,
        # unless it is a fence (pymdownx.superfences finds fences at the start of a line only).
        while segments and segments[0][0] is None and all(not x for x in segments[0][1]):
            segments.pop(0)
        out: list[str] = []
        previous: Block | None = None
        for child, lines in segments:
            if child is None:
                out.extend(("    " + x) if x.strip() else "" for x in lines)
                continue
            if previous is not None and not tight and out and out[-1] != "":
                out.append("")
            pad = "    "
            if child.kind == "quote" and (tight or previous is None):
                # Within the item's first block Python-Markdown finds a quote line at 0-3 spaces.
                pad = "  "
            for x in lines:
                out.append((pad + x) if x else "")
            previous = child
        if not out:
            return [shown.rstrip() + " "]
        if segments and segments[0][0] is not None and segments[0][0].kind == "fence":
            return [shown.rstrip() + " ", *out]
        # The first block's first line follows the marker.
        first_line = out[0][4:] if out[0].startswith("    ") else out[0].lstrip()
        return [shown + first_line, *out[1:]]


def rewrite_blocks(text: str) -> Rewritten:
    """Rewrite the whole text (no cheap look first); see `rewrite`."""
    lines = text.split("\n")
    tokens = _parser().parse(text)
    blocks = _tree(tokens, 0)
    writer = _Writer(lines)
    rel = dict(enumerate(lines))
    out = writer.emit_blocks(blocks, rel, 0, len(lines), top=True)
    result = "\n".join(out)
    return Rewritten(result, writer.notes, result != text)


def rewrite(text: str) -> Rewritten:
    return rewrite_blocks(text)


def _blank(line: str) -> str:
    """A line as written, or "" if it holds only spaces."""
    return line if line.strip() else ""
