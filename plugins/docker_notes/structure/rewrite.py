"""A note's text, rewritten so that Python-Markdown builds the blocks a CommonMark editor shows.

Pure: no MkDocs, no Python-Markdown. markdown-it-py (CommonMark, GFM tables) reads the note; the
blocks it finds are written out again in the dialect Python-Markdown reads, each source line once, in
order, with its text unchanged:

- list items nest by CommonMark's content column whatever the indent (2, 3, 4 spaces, tabs), and
  are written with Python-Markdown's 4 spaces a level; a list that interrupts a paragraph, a
  heading or fence after a quote line, a table after a paragraph start blocks of their own (a blank
  line is inserted where Python-Markdown needs one);
- a quote inside a list item, and a fence at the item's content column, stay inside the item; an
  unclosed fence is closed where CommonMark ends it, an info string pymdownx.superfences does not
  read is cut to its language;
- two quotes, or two lists of other bullets, that Python-Markdown would join get a paragraph of
  their own between them (`SEPARATOR`), which the extension takes out of the page;
- a raw HTML block that opens an element closed by a later HTML block, with Markdown between
  (`<details><summary>…</summary>`, blank line, Markdown, `</details>`) gets `markdown="1"`;
- a paragraph line Python-Markdown would read as a block of its own (`#tag`, `2. ` inside an item,
  `[x]: …`) gets a space before it, a backslash escape, or an indent that keeps it text.

Lines of Material's own syntax (admonitions, content tabs, footnotes, definition lists,
abbreviations, attribute lists, `markdown` HTML, pymdownx blocks) are copied as written, only moved
as a whole to the column of the list item they sit in. Parts of a note whose blocks both readers
already agree on are copied as written: the rewriting reaches only the stretches of the note that
need it (`rewrite` finds them with a cheap look at each stretch first).

What cannot be reproduced is reported as a `Note` (0-based line of the text given, and what the
reader will see).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["CommandTest", "Note", "Rewritten", "rewrite"]

CommandTest = Callable[[str], bool]


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
    # Its block parser logs every rule it tries at debug level: asking the logging module
    # whether to was a sixth of the parse.
    logging.getLogger("markdown_it.parser_block").disabled = True
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


# A paragraph of its own between two blocks Python-Markdown would otherwise join (two quotes, two
# lists): the extension takes it out of the page again.
SEPARATOR = "\ue000"

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


def _tree(tokens: Sequence[Token]) -> list[Block]:
    """The blocks of markdown-it's token stream, nested."""
    root = Block("root", 0, 0)
    stack = [root]
    skip = 0  # inside a leaf made of several tokens (paragraph, heading, table)
    for token in tokens:
        if skip:
            skip += token.nesting
            continue
        if token.nesting == -1:
            if token.type in (
                "blockquote_close",
                "bullet_list_close",
                "ordered_list_close",
                "list_item_close",
            ):
                stack.pop()
            continue
        assert token.map is not None or token.type == "inline"
        if token.type in _CONTAINERS:
            assert token.map is not None
            block = Block(_CONTAINERS[token.type], token.map[0], token.map[1])
            if block.kind == "list":
                block.ordered = token.type == "ordered_list_open"
                block.markup = token.markup
            stack[-1].children.append(block)
            stack.append(block)
        elif token.type in _LEAVES:
            assert token.map is not None
            block = Block(_LEAVES[token.type], token.map[0], token.map[1])
            block.markup = token.markup
            stack[-1].children.append(block)
            if token.nesting == 1:
                skip = 1
    return root.children


# --- Rewriting --------------------------------------------------------------------------------

_QUOTE_PREFIX = re.compile(r" {0,3}> ?")
_MARKER = re.compile(r"( {0,3})([-*+]|\d{1,9}[.)])( *)(.*)")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
# Info strings pymdownx.superfences reads: a language, then `{attributes}` or its options.
_SUPERFENCES_INFO = re.compile(
    r"""[ \t]*\.?[\w#.+-]*[ \t]*(?:\{[^\n]*\}
    |(?:[ \t]+(?:hl_lines|linenums|title)=(?:"[^"]*"|'[^']*'))*)[ \t]*""",
    re.VERBOSE,
)
_LANGUAGE = re.compile(r"[ \t]*\.?([\w#.+-]+)")
_OPENING_TAG = re.compile(r" {0,3}<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)[^>]*>?")
_CLOSING_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_MARKDOWN_ATTR = re.compile(r"\smarkdown\b", re.IGNORECASE)
# HTML elements CommonMark starts an HTML block with (spec 4.6, kind 6) that hold flow content.
_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "center", "details", "dialog", "dd"),
        *("div", "dl", "fieldset", "figure", "footer", "form", "header", "main", "nav", "section"),
    )
)
# A link reference definition, which Python-Markdown also finds within a paragraph.
_PM_REFERENCE = re.compile(r"\[(?!\^)[^\]]*\]:")
# The start of a line that CommonMark or Python-Markdown reads as a block of its own within a
# paragraph: a quote, heading, fence, list item, rule or setext underline, GFM table delimiter row,
# HTML block, or (Python-Markdown) link reference definition.
_BLOCK_START = re.compile(
    r"""(?x) (?: > | \# | `{3} | ~{3} | [-*+](?:[ ]|$) | \d{1,9}[.)](?:[ ]|$)
    | (?:[*][ ]*){3,}$ | (?:_[ ]*){3,}$ | =+[ ]*$ | -+[ ]*$
    | \|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*$
    | <(?:[!?]|/?[A-Za-z]) | \[(?!\^)[^\]]*\]: )"""
)


# --- Material's own syntax --------------------------------------------------------------------

# Lines that open a construct of Python-Markdown's dialect, which a CommonMark editor shows as
# plain text: written for the site, so Python-Markdown keeps reading them as it always did.
_MATERIAL_BODY = re.compile(
    r" *(?:(?:!!!|\?\?\?\+?) ?[\w-]"  # admonitions, collapsible blocks (pymdownx.details)
    r"|===[+!]{0,2} +\""  # content tabs (pymdownx.tabbed)
    r"|\[\^[^\]\s]+\]:"  # footnote definitions
    r"|: {1,3}\S)"  # definitions (def_list)
)
_MATERIAL_LINE = re.compile(r" *\*\[[^\]\n]+\] ?:")  # abbreviations
_MATERIAL_FENCED = re.compile(r" *(/{3,}) *[\w-]")  # pymdownx.blocks: `/// note` … `///`
# What markdown-it reads instead of a Material construct's lines: a block of its own (a heading
# line ends a paragraph and is never lazy), in the container the construct's first line is in.
_MASK = "# \u2063"


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    indent: int  # the first line's


def material_regions(lines: Sequence[str], code: Collection[int] = ()) -> list[Region]:
    """The Material constructs of a note: each one's first line, its indented body (blank lines
    inside included), or up to its closing `///`. Lines of fences (`code`) are not looked at."""
    regions: list[Region] = []
    n = len(lines)
    i = 0
    while i < n:
        if i in code:
            i += 1
            continue
        line = lines[i]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if _MATERIAL_BODY.match(line):
            end = i + 1
            k = i + 1
            while k < n:
                body = lines[k]
                if not body.strip():
                    k += 1
                    continue
                if len(body) - len(body.lstrip(" ")) >= indent + 4:
                    k += 1
                    end = k
                    continue
                break
            regions.append(Region(i, end, indent))
            i = end
            continue
        if _MATERIAL_LINE.match(line):
            regions.append(Region(i, i + 1, indent))
        elif m := _MATERIAL_FENCED.match(line):
            slashes = m.group(1)
            end = i + 1
            while end < n and lines[end].strip() != slashes:
                end += 1
            if end < n:  # unclosed, it is no block to pymdownx.blocks either
                regions.append(Region(i, end + 1, indent))
                i = end + 1
                continue
        i += 1
    return regions


def _masked(lines: Sequence[str], regions: Sequence[Region]) -> str:
    masked = list(lines)
    for region in regions:
        for i in range(region.start, region.end):
            masked[i] = " " * region.indent + _MASK
    return "\n".join(masked)


class _Writer:
    def __init__(
        self,
        lines: list[str],
        regions: Sequence[Region] = (),
        command_line: CommandTest | None = None,
    ) -> None:
        self.lines = lines
        self.command_line = command_line
        self.notes: list[Note] = []
        self.regions = {region.start: region for region in regions}
        # Sibling lists (kept alive, by id) -> where the HTML blocks among them close a tag.
        self._closing: dict[int, tuple[list[Block], dict[str, list[int]]]] = {}
        self.region_lines = {i for region in regions for i in range(region.start, region.end)}

    # Each `emit_*` gets the lines of its block with the prefixes of its containers removed
    # (`rel`, by line number) and returns its lines without the prefixes of its containers.

    def emit_blocks(
        self, blocks: list[Block], rel: dict[int, str], start: int, end: int, top: bool = False
    ) -> list[str]:
        out: list[str] = []
        previous: Block | None = None
        k = start
        for here, block in enumerate(blocks):
            if block.start < k:
                continue  # a line of a Material construct already written
            while k < block.start:  # lines between blocks: blank, or link reference definitions
                out.append(_blank(rel.get(k, "")))
                k += 1
            if block.start in self.regions:
                region = self.regions[block.start]
                out.extend(self.region(region, top))
                previous = None  # nothing is inserted next to the construct
                k = region.end
                continue
            if previous is not None:
                if out and out[-1] != "" and self._apart(previous, block):
                    out.append("")
                if self._merge(previous, block):
                    if out[-1] != "":
                        out.append("")
                    out.extend([SEPARATOR, ""])
            lines = self.emit(block, rel, top)
            if block.kind == "html":
                lines = self._html(here, blocks, lines, top)
            out.extend(lines)
            previous = block
            k = max(k, block.end)
        while k < end:
            out.append(_blank(rel.get(k, "")))
            k += 1
        return out

    def _html(self, here: int, siblings: list[Block], lines: list[str], top: bool) -> list[str]:
        """An HTML block (the `here`th of its siblings), marked for md_in_html at the top."""
        block = siblings[here]
        marked = self._markdown_inside(here, siblings, lines)
        if top or marked == lines:
            return marked
        self.notes.append(
            Note(
                block.start,
                "the Markdown inside this HTML element shows as written on the site "
                "(Python-Markdown reads Markdown inside HTML only at the top of a page, "
                "not in a list item or quote); move the element out of it",
            )
        )
        return lines

    def _markdown_inside(self, here: int, siblings: list[Block], lines: list[str]) -> list[str]:
        """`<details>` (any block element) left open by its HTML block and closed by a later one,
        with Markdown between: CommonMark renders the Markdown, Python-Markdown does with
        md_in_html's `markdown="1"`."""
        m = _OPENING_TAG.match(lines[0]) if lines else None
        if m is None or m.group(1).lower() not in _BLOCK_TAGS or _MARKDOWN_ATTR.search(m.group(0)):
            return lines
        name = m.group(1)
        text = "\n".join(lines)
        if _count_tags(text, name) <= 0:
            return lines  # closed in its own block: raw HTML for both readers
        closers = self._closers(siblings)
        after = bisect.bisect_right(closers.get(name.lower(), []), here)
        if after == len(closers.get(name.lower(), [])):
            return lines  # never closed
        closed_at = closers[name.lower()][after]
        if any(sibling.kind != "html" for sibling in siblings[here + 1 : closed_at]):
            cut = m.end(1)
            return [lines[0][:cut] + ' markdown="1"' + lines[0][cut:], *lines[1:]]
        return lines

    def _closers(self, siblings: list[Block]) -> dict[str, list[int]]:
        """Tag name -> the positions among the siblings of the HTML blocks that close one."""
        key = id(siblings)
        if key not in self._closing:
            closing: dict[str, list[int]] = {}
            for n, sibling in enumerate(siblings):
                if sibling.kind == "html":
                    text = "\n".join(self.lines[sibling.start : sibling.end])
                    for name in {t.lower() for t in _CLOSING_TAG.findall(text)}:
                        closing.setdefault(name, []).append(n)
            self._closing[key] = (siblings, closing)
        return self._closing[key][1]

    @staticmethod
    def _apart(previous: Block, block: Block) -> bool:
        """Does Python-Markdown need a blank line to end `previous` and start `block`?"""
        if previous.kind in ("quote", "list", "table", "code"):
            return True  # each takes the lines that follow it as its own
        if previous.kind == "heading" and previous.markup[0] == "#":
            return False  # Python-Markdown reads what follows it as a block of its own
        if block.kind == "heading":
            return not block.markup.startswith("#")  # a setext heading starts a block
        if block.kind == "hr":
            return block.markup.startswith("-")  # else the line before is a setext heading
        return block.kind in ("list", "table", "code", "html")

    def _merge(self, previous: Block, block: Block) -> bool:
        """Would Python-Markdown add `block` to `previous`? It (and the command blocks) add a
        quote to the quote just before it, a list to a list whatever its bullet (the extension
        keeps numbered and bulleted lists apart), an indented block to a list's last item."""
        if previous.kind == block.kind == "list":
            return previous.ordered == block.ordered and previous.markup != block.markup
        if previous.kind == block.kind == "quote":
            return not _all_commands(self.lines[previous.start : previous.end], self.command_line)
        return previous.kind == "list" and block.kind == "code"

    def region(self, region: Region, top: bool) -> list[str]:
        """A Material construct, as written; in a list item, moved as a whole to the item's column."""
        lines = self.lines[region.start : region.end]
        if top:
            return lines
        return [_dedent(line, region.indent) for line in lines]

    def emit(self, block: Block, rel: dict[int, str], top: bool = False) -> list[str]:
        kind = block.kind
        if kind == "paragraph":
            return self.paragraph(block, rel, top=top)
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
            return self.bullets(block, rel)
        raise AssertionError(kind)

    def paragraph(
        self, block: Block, rel: dict[int, str], top: bool = False, in_item: bool = False
    ) -> list[str]:
        """The paragraph's lines as written (in a quote, a command's indent is shown), except
        where either reader would start a block with one of them once in its container."""
        out: list[str] = []
        for i in range(block.start, block.end):
            line = rel[i]
            text = line.lstrip(" ")
            lead = len(line) - len(text)
            first = i == block.start
            if (first and not top) or in_item:
                line, lead = text, 0  # CommonMark drops it, Python-Markdown would see code
            elif lead >= 4 and not top and not out[-1].rstrip().endswith("\\"):
                # In a quote: text to CommonMark, and to Python-Markdown as long as no command
                # line before it makes the command blocks read it on its own (code, at 4).
                line, lead = "   " + text, 3
            if text.startswith("#"):
                if lead == 0:  # Python-Markdown's headings need no space after the `#`
                    line = " " + text
            elif lead < 4 and not top and (not first or text != rel[i]):
                if _BLOCK_START.match(text):
                    # Text to CommonMark (indented, or lazy) that would start a block once in
                    # its container: an escape keeps it text, or else 4 spaces (not on a
                    # paragraph's first line, which they would make code).
                    escaped = _escaped(text)
                    line = escaped if escaped != text or first else "    " + text
            elif top and not first and lead < 4 and _PM_REFERENCE.match(text):
                line = _escaped(text)  # Python-Markdown's link definitions need no blank line
            out.append(line)
        return out

    def heading(self, block: Block, rel: dict[int, str]) -> list[str]:
        if block.markup.startswith("#"):
            return [rel[block.start].strip()]
        text = " ".join(rel[i].strip() for i in range(block.start, block.end - 1))
        if text.startswith("#"):
            text = _escaped(text)
        # Python-Markdown reads a one-line setext heading only: a longer one is joined.
        out = [text, rel[block.end - 1].strip()]
        return out

    def fence(self, block: Block, rel: dict[int, str]) -> list[str]:
        first = rel[block.start]
        m = _FENCE_OPEN.match(first)
        assert m is not None
        indent = len(first) - len(first.lstrip(" "))
        fence = m.group(1)
        info = first[m.end() :]
        if info.strip() and not _SUPERFENCES_INFO.fullmatch(info):
            # pymdownx.superfences reads no fence with this info string (`yaml:compose.yml`,
            # `shell script`): CommonMark shows only the code, its language the first word.
            lang = _LANGUAGE.match(info)
            first = first[: m.end()] + (lang.group(1) if lang else "")
        body: list[str] = []
        closed = False
        for i in range(block.start + 1, block.end):
            line = rel.get(i, "")
            stripped = line.lstrip(" ")
            if (
                i == block.end - 1
                and stripped.rstrip().startswith(fence[0] * len(fence))
                and (len(line) - len(stripped) <= 3 and set(stripped.rstrip()) == {fence[0]})
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
            inner[i] = line[m.end() :] if m else line  # a lazy line
        body = self.emit_blocks(block.children, inner, block.start, block.end)
        while body and body[-1] == "":
            body.pop()
        return [("> " + line) if line else ">" for line in body]

    def bullets(self, block: Block, rel: dict[int, str]) -> list[str]:
        # Blank lines between items stay as written: Python-Markdown's loose and tight lists
        # follow them, and a note written for it keeps its text.
        out: list[str] = []
        k = block.start
        loose_item = False
        for item in block.children:
            while k < item.start:
                out.append("")
                k += 1
            if loose_item and out and out[-1] != "":
                # After an item's blank line, Python-Markdown reads the next marker line as part
                # of that item's indented block.
                out.append("")
            lines = self.item(item, _Marker.read(rel.get(item.start, ""), item), rel)
            if out and out[-1] != "" and not lines[0].strip(" -*+"):
                # Python-Markdown reads a bare `-` under a line as a setext heading's underline.
                out.append("")
            loose_item = "" in lines
            out.extend(lines)
            k = item.end
        return out

    @staticmethod
    def _follows_in_item(previous: Block, block: Block, width: int) -> bool:
        """Does Python-Markdown read `block` as its own block right after `previous` (no blank
        line between) within a list item's text?"""
        if previous.kind in ("quote", "list"):
            return False  # it would take the next lines as its own
        if block.kind == "quote":
            return width <= 3
        return block.kind in ("list", "fence", "html", "paragraph")

    def item(self, item: Block, marker: _Marker, rel: dict[int, str]) -> list[str]:
        width = marker.width
        inner: dict[int, str] = {item.start: rel.get(item.start, "")[width:]}
        for i in range(item.start + 1, item.end):
            line = rel.get(i, "")
            if line[:width].strip() == "":
                inner[i] = line[width:]
            else:
                inner[i] = line.lstrip()  # a lazy line
        # The item's blocks, each with its lines: ("block", …), ("region", …) for a Material
        # construct, ("gap", …) for the lines between blocks.
        segments: list[tuple[str, Block | None, list[str]]] = []
        k = item.start
        for here, block in enumerate(item.children):
            if block.start < k:
                continue
            if k < block.start:
                segments.append(
                    ("gap", None, [_blank(inner.get(i, "")) for i in range(k, block.start)])
                )
            if block.start in self.regions:
                region = self.regions[block.start]
                segments.append(("region", None, self.region(region, top=False)))
                k = region.end
                continue
            if block.kind == "paragraph":
                lines = self.paragraph(block, inner, in_item=True)
            else:
                lines = self.emit(block, inner)
                if block.kind == "html":
                    lines = self._html(here, item.children, lines, top=False)
            segments.append(("block", block, lines))
            k = max(k, block.end)
        if k < item.end:
            segments.append(("gap", None, [_blank(inner.get(i, "")) for i in range(k, item.end)]))
        # A marker line that holds nothing (`-` alone): the first block goes on it (below).
        if segments and segments[0][0] == "gap" and item.start not in self.region_lines:
            kind, _, lines = segments[0]
            if lines and not lines[0]:
                segments[0] = (kind, None, lines[1:])
                if not lines[1:]:
                    segments.pop(0)
        shown = marker.shown
        if any(child.kind == "code" for child in item.children):
            # An indented code block keeps its indent under both readers only at column 4.
            shown = shown.rstrip().ljust(4)
        out: list[str] = []
        previous: Block | None = None
        for kind, child, lines in segments:
            if kind != "block":
                out.extend(("    " + x) if x.strip() else "" for x in lines)
                if kind == "region":
                    previous = None  # nothing is inserted next to a Material construct
                continue
            assert child is not None
            pad = "    "
            # Python-Markdown finds a quote line within an item's text at 0-3 spaces, CommonMark
            # at the item's content column: both, when the marker is at most 3 wide.
            inline_quote = child.kind == "quote" and len(shown) <= 3
            if previous is None and not out:
                if inline_quote:
                    pad = " " * len(shown)
                elif child.kind == "fence" and len(shown.rstrip()) < 3:
                    # Below a bare marker line: at the content column CommonMark gives an item
                    # that starts empty, and short of the 4 spaces that make Python-Markdown
                    # read the fence's stand-in as indented code.
                    pad = " " * (len(shown.rstrip()) + 1)
            elif previous is not None and out and out[-1] != "":
                if self._follows_in_item(previous, child, len(shown)):
                    if inline_quote:
                        pad = " " * len(shown)
                else:
                    out.append("")
            out.extend((pad + x) if x else "" for x in lines)
            previous = child
        if not out:
            return [shown.rstrip() + " "]
        first = segments[0][1]
        if first is None or first.kind in ("list", "fence", "code") or not out[0]:
            # On the marker line, Python-Markdown would read a nested marker as this item's
            # text, and pymdownx.superfences finds fences only at the start of a line.
            if first is not None and first.kind == "code":
                out.insert(0, "")  # an indented block follows a marker line after a blank line
            return [shown.rstrip() + " ", *out]
        # The first block's first line follows the marker.
        return [shown + out[0].lstrip(" "), *out[1:]]


@dataclass(frozen=True)
class _Marker:
    width: int  # columns from the item's container to its content (CommonMark's content column)
    shown: str  # the marker as Python-Markdown reads it, with the author's spaces after it

    @staticmethod
    def read(line: str, item: Block) -> _Marker:
        m = _MARKER.match(line)
        if m is None:  # markdown-it saw an item here: never without a marker
            raise AssertionError(f"no list marker on line {item.start + 1}: {line!r}")
        indent, marker, spaces, rest = m.groups()
        after = len(spaces) if rest and len(spaces) < 5 else 1
        shown = marker.replace(")", ".") + " " * after
        return _Marker(len(indent) + len(marker) + after, shown)


def _dedent(line: str, columns: int) -> str:
    """The line less up to `columns` of its leading spaces ("" if blank)."""
    if not line.strip():
        return ""
    return line[min(columns, len(line) - len(line.lstrip(" "))) :]


def _escaped(line: str) -> str:
    """The line with its first character escaped, where both readers know the escape."""
    m = re.match(r"\d{1,9}(?=[.)])", line)
    cut = m.end() if m else 0
    if line[cut] in "\\`*_[]>#+-.!":
        return line[:cut] + "\\" + line[cut:]
    return line


def _count_tags(text: str, name: str) -> int:
    """How many more `<name>` the text opens than it closes."""
    opened = len(re.findall(rf"<{name}(?=[\s/>]|$)", text, re.IGNORECASE))
    return opened - len(re.findall(rf"</{name}\s*>", text, re.IGNORECASE))


def rewrite_blocks(text: str, command_line: CommandTest | None = None) -> Rewritten:
    """Rewrite the whole text (no cheap look first); see `rewrite`."""
    lines = text.split("\n")
    tokens = _parser().parse(text)
    fences = {i for t in tokens if t.type == "fence" and t.map for i in range(*t.map)}
    regions = material_regions(lines, fences)
    if regions:
        tokens = _parser().parse(_masked(lines, regions))
    blocks = _tree(tokens)
    writer = _Writer(lines, regions, command_line)
    rel = dict(enumerate(lines))
    out = writer.emit_blocks(blocks, rel, 0, len(lines), top=True)
    result = "\n".join(out)
    return Rewritten(result, writer.notes, result != text)


def rewrite(text: str, command_line: CommandTest | None = None) -> Rewritten:
    """The note rewritten so that Python-Markdown builds the blocks CommonMark shows.

    Only the stretches of the note that need it are parsed and rewritten (`stretches_to_rewrite`):
    both readers agree on the others, which stay as written. `command_line` tells a quote line
    that the command blocks take (a quote of them becomes blocks, no quote that Python-Markdown
    could join the next one to); without it, every quote is taken for prose.
    """
    lines = text.split("\n")
    spans = stretches_to_rewrite(lines, command_line)
    if not spans:
        return Rewritten(text)
    out: list[str] = []
    notes: list[Note] = []
    k = 0
    for start, end in spans:
        out.extend(lines[k:start])
        k = end
        if start == end:
            out.extend([SEPARATOR, ""])
            continue
        part = rewrite_blocks("\n".join(lines[start:end]), command_line)
        out.extend(part.text.split("\n"))
        notes.extend(Note(note.line + start, note.message) for note in part.notes)
    out.extend(lines[k:])
    result = "\n".join(out)
    return Rewritten(result, notes, result != text)


# --- Where both readers agree -------------------------------------------------------------------

# The tags that start an HTML block in CommonMark even within a paragraph (spec 4.6, kinds 1 and 6).
_HTML_BLOCK_TAGS = sorted(
    [
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "pre",
        "script",
        "search",
        "section",
        "style",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ],
    key=len,
    reverse=True,
)
# The start of a line that either reader may read as more than paragraph text.
_RISKY = (
    r"[ \t>#|]|<(?![A-Za-z])|<(?:{block})(?![\w-])|[-*+](?:[ ]|$)|\d{1,9}[.)](?:[ ]|$)|([-*_])(?:[ ]*\1){2,}[ ]*$|=+[ ]*$"
    r"|`{3}|~{3}|!!!|\?\?\?|===|/{3}|\[\^|\[[^\]]*\]:|\*\[|:[ ]|\{:"
).replace("{block}", "|".join(_HTML_BLOCK_TAGS))
# A line both readers take as paragraph text, or an ATX heading (without closing hashes).
_PLAIN = re.compile(rf"(?!{_RISKY})\S|\#{{1,6}}[ ]\S(?!.*[ ]\#+[ ]*$)")
# A list item Python-Markdown and CommonMark nest alike: its marker at a multiple of 4 spaces and
# one space after it, a plain text after that.
_SIMPLE_ITEM = re.compile(r"((?:[ ]{4})*)([-*+]|\d{1,9}\.)[ ](?=\S)")
_FENCE_START = re.compile(r"[ >]*(`{3,}|~{3,})")


def stretches_to_rewrite(
    lines: Sequence[str], command_line: CommandTest | None = None, depth: int = 0
) -> list[tuple[int, int]]:
    """The line ranges to rewrite: runs of stretches (lines between blank lines) that are not
    plainly read alike by both readers (paragraphs of plain lines, headings, fences at column 0,
    lists indented by 4 spaces, quotes of plain lines)."""
    spans: list[tuple[int, int]] = []
    kinds: list[tuple[int, int, str]] = []  # (start, end, kind) of each stretch
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        start, kind, fence = i, "", ""
        while i < n and (lines[i].strip() or fence):
            line = lines[i]
            if fence:
                stripped = line.lstrip(" >")
                if stripped.startswith(fence) and not stripped.rstrip().strip(fence[0]):
                    fence = ""
                i += 1
                continue
            if ("`" in line or "~" in line) and (m := _FENCE_START.match(line)):
                fence = m.group(1)
                info = line[m.end() :]
                if not (i == start and m.start(1) == 0 and _SUPERFENCES_INFO.fullmatch(info)):
                    kind = "complex"  # (a quote's are looked at below)
                i += 1
                continue
            kind = _line_kind(line, kind, i == start)
            i += 1
        if fence:  # unclosed: CommonMark's fence runs to the end of the note
            kind, i = "complex", n
        elif lines[start].startswith(">"):
            kind = "quote" if _plain_quote(lines[start:i], command_line, depth) else "complex"
        elif lines[start].startswith("|"):
            kind = "table" if _plain_table(lines[start:i]) else "complex"
        kinds.append((start, i, kind or "plain"))
    for n_kind, (start, end, kind) in enumerate(kinds):
        pull = False  # the stretch before goes with this one
        if n_kind:
            before = lines[kinds[n_kind - 1][0] : kinds[n_kind - 1][1]]
            if lines[start].startswith(" "):
                pull = True  # indented: a list item before may go on
            elif _QUOTED.match(lines[start]) and any(_QUOTED.match(line) for line in before):
                # Python-Markdown would join two quotes, unless the first is all commands
                pull = not _all_commands(before, command_line)
                if pull and kind == kinds[n_kind - 1][2] == "quote":
                    spans.append((start, start))  # a separator is all it takes
                    continue
            elif m := _MARKER.match(lines[start]):
                # and two lists of other bullets
                bullets = {b.group(2)[-1] for line in before if (b := _MARKER.match(line))}
                pull = bool(bullets - {m.group(2)[-1]})
        if kind != "complex" and not pull:
            continue
        first = kinds[n_kind - 1][0] if pull else start
        if (
            spans
            and spans[-1][0] < spans[-1][1]
            and all(not lines[k].strip() for k in range(spans[-1][1], first))
        ):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((first, end))
        if any(_opens_html(line) for line in lines[start:end]):
            spans[-1] = (spans[-1][0], len(lines))  # Markdown inside, up to its end tag
            break
    return spans


def _line_kind(line: str, kind: str, first: bool) -> str:
    """The kind of a stretch so far, with one more line (a quote's is decided as a whole)."""
    if kind in ("complex", "quote", "table"):
        return kind
    if first:
        if line.startswith((">", "|")):
            return "table" if line.startswith("|") else "quote"
        m = _SIMPLE_ITEM.match(line)
        if m and not m.group(1) and _PLAIN.match(line[m.end() :]):
            return "list" + m.group(2)[-1]  # one bullet (or `.`) throughout
        return "plain" if _PLAIN.match(line) else "complex"
    if kind.startswith("list"):
        m = _SIMPLE_ITEM.match(line)
        if m and kind == "list" + m.group(2)[-1] and _PLAIN.match(line[m.end() :]):
            return kind
        return "complex"
    # A paragraph's next line: indented or not, plain text to both readers.
    text = line.lstrip(" ")
    return "plain" if _PLAIN.match(text) and not text.startswith("#") else "complex"


# Quotes in quotes deeper than this are left to the parser (which nests no deeper than 20).
_MAX_QUOTE_DEPTH = 8
_QUOTED = re.compile(r"[ ]{0,3}>(?:[ ]?>)*[ ]?")


def _all_commands(lines: Sequence[str], command_line: CommandTest | None) -> bool:
    """Does each line of the quote hold a command (or a `\\`-continued line of one)?"""
    if command_line is None:
        return False
    continued = False
    for line in lines:
        m = _QUOTED.match(line)
        if m is None:
            return False  # a lazy line: prose
        text = line[m.end() :]
        if not text.strip():
            continue
        if not (continued or command_line(text)):
            return False
        continued = text.rstrip().endswith("\\")
    return True


def _plain_quote(lines: Sequence[str], command_line: CommandTest | None, depth: int = 0) -> bool:
    """A quote (each line marked) whose content both readers read alike."""
    if depth > _MAX_QUOTE_DEPTH:
        return False
    content = []
    for line in lines:
        if line.startswith("> "):
            content.append(line[2:])
        elif line.rstrip() == ">":
            content.append("")
        else:
            return False  # lazy, or `>text`: pymdownx.superfences wants the space in a fence

    return not stretches_to_rewrite(content, command_line, depth + 1)


_DELIMITER_ROW = re.compile(r"\|?(?:[ ]*:?-+:?[ ]*\|)+(?:[ ]*:?-+:?[ ]*)?")


def _plain_table(lines: Sequence[str]) -> bool:
    """A pipe table, its rows each starting with `|`: a table to both readers."""
    return (
        len(lines) >= 2
        and bool(_DELIMITER_ROW.fullmatch(lines[1].strip()))
        and all(line.startswith("|") for line in lines)
    )


def _opens_html(line: str) -> bool:
    m = _OPENING_TAG.match(line)
    return m is not None and m.group(1).lower() in _BLOCK_TAGS


def _blank(line: str) -> str:
    """A line as written, or "" if it holds only spaces."""
    return line if line.strip() else ""
