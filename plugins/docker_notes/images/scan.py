"""Every image reference in a Markdown note, with the line and column it is written at.

A first pass blanks out what Markdown never renders as an image (fenced code as SuperFences finds
it, indented code, code spans, HTML comments, Markdown inside raw HTML blocks), keeping every
offset; a second pass finds `![alt](src "title")`, reference-style images and their `[id]: src`
definitions, raw `<img>` tags (`src` and `srcset`), and the targets of ordinary links (for the
orphan report). Destinations are read the way Python-Markdown's `LinkInlineProcessor.getLink`
reads them and tag attributes the way `html.parser` does, so that a path means here what it
means on the rendered page. A test renders random mixes of notes with Python-Markdown and
SuperFences and compares the images found.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

# Python-Markdown's ESCAPED_CHARS with the extensions this site uses (tables add `|`, tilde `~`, …).
_ESCAPABLE = "\\`*_{}[]()>#+-.!|~="
_ESCAPE = re.compile("\\\\[" + re.escape(_ESCAPABLE) + "]")
_ESCAPE_MASK = "\x1a\x1a"  # neither space nor bracket nor quote: structure-neutral

# Blockquote markers: those that start a line (at most three spaces in) and, for fences and blank
# lines, also those nested deeper, e.g. a quote inside a list item (`>       > text`).
_QUOTE_PREFIX = re.compile(r"(?:[ ]{0,3}>)+")
_ALL_QUOTES = re.compile(r"(?:[ \t]*>)+")
# Python-Markdown's `block_level_elements`: such a tag at the start of a line (at most three spaces
# in) opens a raw HTML block, up to its closing tag, where Markdown is not read (unless it has a
# `markdown` attribute, for md_in_html).
_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer|form|"
    "h[1-6]|header|hgroup|hr|main|menu|nav|ol|p|pre|section|table|ul|canvas|colgroup|dd|body|dt|"
    "group|html|iframe|li|legend|math|map|noscript|output|object|option|progress|script|style|"
    "summary|tbody|td|textarea|tfoot|th|thead|tr|video|center"
)
_HTML_BLOCK = re.compile(
    rf"[ ]{{0,3}}<(?:(?P<comment>!--)|(?P<tag>{_BLOCK_TAGS})(?=[\s/>]|$))", re.I
)
_MARKDOWN_ATTRIBUTE = re.compile(r"\smarkdown(?=[\s=/>])", re.I)
_PREFIX_CHARS = "> \t"
# SuperFences' RE_NESTED_FENCE_START (only the `unrecognized` group matters here: such a fence
# header, e.g. "``` some text", does not open a fence without `relaxed_headers`).
_FENCE_START = re.compile(
    r"""(?x)
    (?P<fence>~{3,}|`{3,})
    (?:[ \t]*\.?(?P<lang>[\w#.+-]+)(?=[\t ]|$))?
    (?:
        [ \t]*(\{(?P<attrs>[^\n]*)\}) |
        (?P<options>
            (?:(?:[ \t]*[a-zA-Z][a-zA-Z0-9_]*(?:=(?P<quot>"|').*?(?P=quot))?)(?=[\t ]|$))+
        ) |
        (?P<unrecognized>(?:([ \t]*[^\s]+)(?=[\t ]|$))+)
    )?[ \t]*$
    """
)
# Lines that open a container whose content is indented by four more columns (Python-Markdown's
# tab length): admonitions and details, content tabs, definitions, footnotes; and list items.
_CONTAINER = re.compile(r"[ \t]*(?:(?:!!!|\?\?\?\+?|===\+?)[ \t]|:[ \t]|\[\^[^\]]+\]:)")
# Admonitions and details split the block they are found in before indented code is read.
_ADMONITION = re.compile(r"[ \t]*(?:!!!|\?\?\?\+?)[ \t]")
_ITEM_STARTS = frozenset("*+-0123456789")
_CONTAINER_STARTS = frozenset("!?=:[")
_LIST_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d+\.)(?:[ \t]|$)")
_SELF_CONTAINED = re.compile(r"[ ]{0,3}([-*_=])(?:[ ]*\1){2,}[ ]*$")
_LINK_DEFINITION = re.compile(r"[ ]{0,3}\[[^\[\]^][^\[\]]*\]:[ ]*\S")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_BLANK_LINE = re.compile(r"\n[ \t>]*(?=\n)|\n[ \t>]*\Z")
# Python-Markdown's BACKTICK_RE (it searches with DOTALL): an opener that finds no closer of its
# length is tried again shorter, so "```" on one line and "`x`" on the next make a code span.
_BACKTICK = re.compile(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))", re.DOTALL)
_BLOCK_COMMENT = re.compile(r"^(?:[ \t]*>)*[ \t]{0,3}(<!--).*?-->", re.MULTILINE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NOT_NEWLINE = re.compile(r"[^\n]")
_NEWLINE = re.compile("\n")
_BACKTICK_START = re.compile(r"[`\\]")

# Same as Python-Markdown's ReferenceProcessor.RE, inside blockquotes and containers too.
_DEFINITION = re.compile(
    r"^(?:[ \t]*>)*[ \t]*\[([^\[\]]*)\]:[ ]*(?:\n(?:[ \t]*>)*[ \t]*)?([^\s]+)[ ]*"
    r"(?:\n(?:[ \t]*>)*[ \t]*)?(?:([\"'])(.*)\3[ ]*|\((.*)\)[ ]*)?$",
    re.MULTILINE,
)
_CANDIDATE = re.compile(r"!\[|<img|\]\(|\]:|<a\s", re.IGNORECASE)
_TOKEN = re.compile(r"!\[|<img(?=[\s/>])|<a(?=\s)|\]\(", re.IGNORECASE)
_REF_ID = re.compile(r"\s?\[([^\]]*)\]")
# `(path)` or `(path "title")` with nothing that needs the full parse below.
_SIMPLE_DESTINATION = re.compile(r"""\([ \t]*([^\s()"'<>]+)(?:[ \t]+"[^"()\n]*")?[ \t]*\)""")
_LINK_START = re.compile(r"""\(\s*(?:(<[^<>]*>)\s*(?:('[^']*'|"[^"]*")\s*)?\))?""")
_SPACES = re.compile(r"\s+")
# How far a link's text or destination is looked for. Python-Markdown looks to the end of the
# paragraph from every `[` and `(`, which makes a line of 4,000 `[a](` take it seconds and us
# too; no note has a link text or a destination (other than a `data:` URI, which the quick
# pattern reads whole) this long.
_LONGEST = 300
# A raw tag as Python-Markdown's inline HTML pattern (`HTML_RE`) accepts it, without its possessive
# quantifiers (Python 3.10); anything else, e.g. `<img src=''x'>`, shows as text, not as an image.
# https://github.com/Python-Markdown/markdown/blob/master/markdown/inlinepatterns.py
_TAG = re.compile(
    r"""<[a-zA-Z][^\s"'<>@]*(?:\s+[^\s"'=<>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>]+))?)*\s*/?>"""
)
# html.parser's own tokenizers (`tagfind_tolerant`, `attrfind_tolerant`), copied because the
# module does not promise them: https://github.com/python/cpython/blob/3.11/Lib/html/parser.py
_TAG_NAME = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)


@dataclass(frozen=True)
class Attribute:
    name: str  # lower-cased
    value: str | None  # entity-decoded, as html.parser gives it; None for a bare attribute
    start: int  # span of the value as written (inside the quotes) within the tag text
    end: int
    quote: str  # '"', "'" or "" (unquoted)


def tag_attributes(tag: str) -> dict[str, Attribute]:
    """Attributes of a start tag, first occurrence wins (as in browsers), with their spans."""
    m = _TAG_NAME.match(tag)
    if not m:
        return {}
    attrs: dict[str, Attribute] = {}
    pos, end = m.end(), len(tag) - 1
    while pos < end:
        a = _ATTRIBUTE.match(tag, pos)
        if not a or a.end() == pos:
            break
        name, rest, raw = a.group(1, 2, 3)
        if rest is None:
            attr = Attribute(name.lower(), None, a.end(1), a.end(1), "")
        elif raw[:1] in "'\"" and raw[:1] == raw[-1:] and len(raw) > 1:
            attr = Attribute(
                name.lower(), html.unescape(raw[1:-1]), a.start(3) + 1, a.end(3) - 1, raw[0]
            )
        else:
            attr = Attribute(name.lower(), html.unescape(raw), a.start(3), a.end(3), "")
        attrs.setdefault(attr.name, attr)
        pos = a.end()
    return attrs


def srcset_urls(value: str) -> list[tuple[str, int, int]]:
    """The URLs of a `srcset` value with their spans, per the HTML standard's parsing algorithm.

    https://html.spec.whatwg.org/multipage/images.html#parsing-a-srcset-attribute
    """
    out: list[tuple[str, int, int]] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < n and not (value[pos] == "," and depth <= 0):
                depth += {"(": 1, ")": -1}.get(value[pos], 0)
                pos += 1
        out.append((url, start, start + len(url)))
    return out


@dataclass(frozen=True, eq=False)
class ImgTag:
    """A raw `<img>` as written, with what html.parser reads of it."""

    src: str | None
    srcset: str | None
    alt: str | None
    text: str  # the tag as written, which Python-Markdown passes on unchanged


@dataclass(frozen=True)
class ImageRef:
    url: str  # what the rendered <img> gets as `src` (or one `srcset` candidate)
    form: str  # "markdown", "reference", "html" (src of a tag) or "srcset" (one candidate)
    line: int  # where the image starts (`!` or `<img`), 1-based
    col: int
    url_line: int  # where its path is written; for a reference-style image, in the definition
    url_col: int
    alt: str | None  # None: an <img> without alt attribute
    tag: ImgTag | None = None  # the raw tag, for "html" and "srcset"


@dataclass(frozen=True)
class UndefinedRef:
    ref_id: str
    line: int
    col: int
    text: str


@dataclass
class Scan:
    images: list[ImageRef] = field(default_factory=list)
    undefined: list[UndefinedRef] = field(default_factory=list)
    # Targets of ordinary links and definitions, for the orphan report.
    links: list[str] = field(default_factory=list)


def _unescape(text: str) -> str:
    """Backslash escapes undone, as Python-Markdown undoes them in a destination or alt text."""
    return _ESCAPE.sub(lambda m: m[0][1], text)


def mask(text: str) -> str:
    """`text` with code, code spans and HTML comments blanked out (same length, same newlines)."""
    return _mask_inline(_mask_blocks(text))


def _indent(body: str) -> int:
    width = len(body) - len(body.lstrip(" \t"))
    return len(body[:width].expandtabs(4)) if "\t" in body[:width] else width


def _body(line: str, prefix: re.Pattern[str] = _QUOTE_PREFIX) -> str:
    """A line without its blockquote markers (and the one space that follows a marker)."""
    m = prefix.match(line)
    if not m:
        return line
    body = line[m.end() :]
    return body[1:] if body[:1] == " " else body


def _fenced_lines(lines: list[str]) -> set[int]:
    """Lines of fenced code blocks, found as SuperFences finds them before any other parsing: a
    port of `SuperFencesBlockPreprocessor.search_nested`. A fence may be indented or quoted; each
    of its lines must carry the opening line's prefix, or the fence is dropped and its lines are
    text (which is how a fence in a quote breaks when a line lacks its `> `).
    https://github.com/facelessuser/pymdown-extensions/blob/main/pymdownx/superfences.py
    """
    fenced: set[int] = set()
    fence: str | None = None
    start = ws_len = ws_width = quote_level = empty_lines = 0
    # Outside a fence, only lines holding a fence can matter: jump from one to the next.
    candidates = [k for k, line in enumerate(lines) if "```" in line or "~~~" in line]
    count, n = 0, len(lines)
    while count < n:
        if fence is None:
            after = bisect_left(candidates, count)
            if after == len(candidates):
                break
            count = candidates[after]
        line = lines[count].rstrip("\r")
        count += 1
        if fence is None:
            ws_len = len(line) - len(line.lstrip(_PREFIX_CHARS))
            if line[ws_len : ws_len + 3] not in ("```", "~~~"):
                continue
            ws = line[:ws_len].expandtabs(4)
            m = _FENCE_START.match(line, ws_len)
            if m and not m["unrecognized"]:
                start, ws_width, quote_level, empty_lines = count - 1, len(ws), ws.count(">"), 0
                fence = m["fence"]
            continue
        prefix, content = _fence_line(line, ws_width)
        level = prefix.count(">")
        closes = content.rstrip(" \t") == fence  # SuperFences' NESTED_FENCE_END
        if quote_level:
            if level > quote_level or (content and len(prefix) < ws_len):
                fence = None
            elif not content:
                empty_lines += 1
            elif empty_lines and level < quote_level:
                fence = None
            elif closes:
                fenced.update(range(start, count))
                fence = None
            else:
                empty_lines = 0
        elif level:
            fence = None
        elif not (prefix + content).strip():
            empty_lines += 1
        elif len(prefix) != ws_width and content:
            fence = None
        elif closes and not content.startswith((" ", "\t")):
            fenced.update(range(start, count))
            fence = None
        else:
            empty_lines = 0
    return fenced


def _fence_line(line: str, width: int) -> tuple[str, str]:
    """A line's prefix (whitespace and `>`, tabs expanded) up to `width` columns, and the rest."""
    if "\t" not in line[:width]:
        used = min(width, len(line) - len(line.lstrip(_PREFIX_CHARS)))
        return line[:used], line[used:]
    prefix: list[str] = []
    column = used = 0
    for c in line:
        if column >= width or c not in _PREFIX_CHARS:
            break
        used += 1
        step = 4 - column % 4 if c == "\t" else 1
        prefix.append(" " * step if c == "\t" else c)
        column += step
    return "".join(prefix), line[used:]


def _html_blocks(lines: list[str], fenced: set[int]) -> tuple[set[int], set[int]]:
    """Lines of raw HTML blocks (Markdown is not read there), and the lines that end a block
    (after them, a new Markdown block starts)."""
    raw: set[int] = set()
    ends: set[int] = set()
    i, n = 0, len(lines)
    # The last line that closes a comment: a comment opened after it is text, found without
    # looking through the rest of the page again for each one.
    last_close = max((k for k, line in enumerate(lines) if "-->" in line), default=-1)
    while i < n:
        m = _HTML_BLOCK.match(lines[i]) if i not in fenced else None
        if not m:
            i += 1
            continue
        if m["comment"]:
            end = next((j for j in range(i, last_close + 1) if "-->" in lines[j]), None)
            if end is None:  # an unclosed comment is text
                i += 1
                continue
        else:
            tag = m["tag"].lower()
            opens, closes = _tag_patterns(tag)
            depth, end = 0, n - 1  # unclosed: raw to the end, as Python-Markdown has it
            for j in range(i, n):
                depth += len(opens.findall(lines[j])) - len(closes.findall(lines[j]))
                if depth <= 0 or tag == "hr":
                    end = j
                    break
            if _MARKDOWN_ATTRIBUTE.search(lines[i][: lines[i].find(">") + 1 or None]):
                # md_in_html: the tags are blocks of their own, the content is Markdown.
                raw.update({i, end})
                ends.update({i, end})
                i += 1
                continue
        raw.update(range(i, end + 1))
        ends.add(end)
        i = end + 1
    return raw, ends


@functools.cache  # a few dozen tag names at most
def _tag_patterns(tag: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(rf"<{tag}(?=[\s/>]|$)", re.I), re.compile(rf"</{tag}\s*>", re.I)


def _mask_blocks(text: str) -> str:
    """`text` with fenced and indented code blanked out, and Markdown in raw HTML blocks made
    inert (their `<img>` tags stay)."""
    lines = text.split("\n")
    fenced = _fenced_lines(lines) if "```" in text or "~~~" in text else set()
    raw, raw_ends = _html_blocks(lines, fenced) if "<" in text else (set(), set())
    if not fenced and not raw and "    " not in text and "\t" not in text:
        return text
    if ">" in text:
        bodies = [_body(line) if ">" in line else line for line in lines]
        inner = [_body(line, _ALL_QUOTES) if ">" in line else line for line in lines]
    else:
        bodies = inner = lines
    masked = set(fenced)
    # Nothing after the last line that may hold an image or a link can change a finding.
    last_candidate = -1
    for candidate in _CANDIDATE.finditer(text):
        last_candidate = candidate.start()
    limit = text.count("\n", 0, last_candidate) + 1 if last_candidate >= 0 else 0
    n = len(lines)
    # Content indents of the open list items, admonitions, …, and whether lines may continue
    # them lazily (list items), or end them by being less indented (admonitions, tabs).
    containers: list[tuple[int, bool]] = []
    block_start, in_container = True, False
    i = 0
    while i < limit:
        body = bodies[i]
        if i in raw:
            containers.clear()
            block_start, in_container = i in raw_ends, False
            i += 1
            continue
        if i in fenced:  # SuperFences leaves a placeholder line: text that the next line continues
            indent = _indent(body)
            if block_start or (containers and not containers[-1][1]):
                while containers and containers[-1][0] > indent:
                    containers.pop()
                in_container = False
            block_start = False
            i += 1
            continue
        if not inner[i].strip():
            block_start = True
            i += 1
            continue
        stripped = body.lstrip(" \t")
        width = len(body) - len(stripped)
        indent = len(body[:width].expandtabs(4)) if "\t" in body[:width] else width
        # The first character tells which of the line patterns can match (most cannot).
        first = stripped[:1]
        heading = first == "#" and bool(_HEADING.match(body))
        item = first in _ITEM_STARTS and bool(_LIST_ITEM.match(body))
        if first == "[" and _LINK_DEFINITION.match(body):
            # Python-Markdown removes it: it closes no list, and what follows is a new block.
            block_start = True
            i += 1
            continue
        if block_start:
            while containers and containers[-1][0] > indent:
                containers.pop()
            code_indent = (containers[-1][0] if containers else 0) + 4
            if indent >= code_indent:
                last = j = i
                while j < n and j not in fenced and j not in raw:
                    if not inner[j].strip():
                        j += 1
                        continue
                    if _indent(bodies[j]) < code_indent:
                        break
                    if j == i or not inner[j - 1].strip():
                        # SuperFences' `SuperFencesCodeBlockProcessor` puts the fences of a
                        # block that starts with indented code back as text.
                        k = j
                        while (
                            k < n
                            and k not in raw
                            and (k in fenced or inner[k].strip())
                            and (k == j or not _ADMONITION.match(bodies[k]))
                        ):
                            fenced.discard(k)
                            masked.discard(k)
                            k += 1
                    last = j
                    j += 1
                masked.update(range(i, last + 1))
                i = last + 1
                continue
        if heading and in_container:
            # A heading splits a list's block and ends the list; in a block that continues a
            # list item (indented), it is part of the item.
            while containers and containers[-1][0] > indent:
                containers.pop()
            in_container = False
        for k, (content, lazy) in enumerate(containers):
            if not lazy and indent < content:
                # A line less indented than an admonition's content ends it and starts a block,
                # with what it holds: a list item in it is not continued lazily (the admonition
                # takes its indented lines first).
                del containers[k:]
                block_start = True
                break
        if block_start:
            # A list item starts a container only at the start of a block (or in a list); within
            # a paragraph, `* text` is text. An admonition or a definition may start anywhere.
            in_container = item
        if (in_container and item) or (first in _CONTAINER_STARTS and _CONTAINER.match(body)):
            while containers and containers[-1][0] > indent:
                containers.pop()
            containers.append((indent - indent % 4 + 4, item))
        # A heading or a rule is a block of its own.
        block_start = heading or (first in "-*_=" and bool(_SELF_CONTAINED.match(body)))
        i += 1
    if not masked and not raw:
        return text
    # A fenced block stays a non-blank line for what follows (SuperFences leaves a placeholder).
    return "\n".join(
        ("\x1a" if k in fenced else " ") * len(line)
        if k in masked
        else line.replace("![", "\x1a[")
        if k in raw
        else line
        for k, line in enumerate(lines)
    )


def _quote_depths(lines: list[str]) -> list[int]:
    """How many blockquotes each line is in; a line without `>` right after a quoted one
    continues its quote (lazily), unless it is a heading, which Python-Markdown splits off."""
    depths: list[int] = []
    previous = 0
    for line in lines:
        m = _ALL_QUOTES.match(line)
        if m:
            previous = m[0].count(">")
        elif not line.strip() or _HEADING.match(line):
            previous = 0
        depths.append(previous)
    return depths


def _block_ends(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the blocks that inline markup cannot cross: paragraphs end at
    blank lines, headings and where a blockquote starts or ends; in a list, each item is one."""
    blocks: list[tuple[int, int]] = []
    start = offset = 0
    previous_depth, previous_heading, in_list = 0, False, False
    lines = text.split("\n")
    for line, depth in zip(lines, _quote_depths(lines), strict=True):
        m = _ALL_QUOTES.match(line)
        body = line[m.end() :] if m else line
        heading, item = bool(_HEADING.match(body)), bool(_LIST_ITEM.match(body))
        breaks = (
            not body.strip()
            or depth != previous_depth
            or previous_heading
            or heading
            or (item and in_list)
        )
        if breaks and offset > start:
            blocks.append((start, offset))
            start = offset
        if breaks or offset == 0:
            in_list = item
        previous_depth, previous_heading = depth, heading
        offset += len(line) + 1
    blocks.append((start, len(text)))
    return blocks


def _mask_inline(text: str) -> str:
    """Blank out HTML comments and code spans, and neutralise backslash escapes, in the order in
    which Python-Markdown handles them: block-level comments, code spans (per block), inline
    comments, escapes."""
    # A comment ends at a `-->`: none starts after the last one (and each unclosed `<!--` would
    # otherwise be searched to the end of the page, once per `<!--`).
    if "<!--" in text and (closed := text.rfind("-->") + 3) > 2:
        comments = _BLOCK_COMMENT.finditer(text, 0, closed)
        text = _fill(text, [(m.start(1), m.end(), " ") for m in comments])
    if "`" in text:
        text = _fill(text, _code_spans(text))
    if "<!--" in text and (closed := text.rfind("-->") + 3) > 2:
        text = _fill(text, [(m.start(), m.end(), " ") for m in _COMMENT.finditer(text, 0, closed)])
    return _ESCAPE.sub(_ESCAPE_MASK, text) if "\\" in text else text


def _code_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of code spans (blanked) and of escaped backslashes before backticks (placeholders,
    as in Python-Markdown, so that the backtick after them can open a code span)."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while m := _search_backtick(text, pos, len(text)):
        if "\n" in m[0]:
            # Python-Markdown looks for code spans within a block: redo the page block by block.
            return _code_spans_by_block(text)
        spans.append((m.start(), m.end(), " " if m[2] else "\x1a"))
        pos = m.end()
    return spans


def _code_spans_by_block(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for start, end in _block_ends(text):
        pos = start
        while m := _search_backtick(text, pos, end):
            spans.append((m.start(), m.end(), " " if m[2] else "\x1a"))
            pos = m.end()
    return spans


def _search_backtick(text: str, pos: int, end: int) -> re.Match[str] | None:
    """`_BACKTICK.search`, tried only where a match can start: ten times faster on prose."""
    while candidate := _BACKTICK_START.search(text, pos, end):
        if m := _BACKTICK.match(text, candidate.start(), end):
            return m
        pos = candidate.start() + 1
    return None


def _fill(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each span overwritten by its fill character, newlines kept."""
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end, fill in spans:
        piece = text[start:end]
        parts += [
            text[done:start],
            _NOT_NEWLINE.sub(fill, piece) if "\n" in piece else fill * len(piece),
        ]
        done = end
    parts.append(text[done:])
    return "".join(parts)


class _Positions:
    def __init__(self, text: str, line_offset: int) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self.line_offset = line_offset

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line + self.line_offset, offset - self.starts[line - 1] + 1


def _link_text(masked: str, index: int, limit: int) -> int | None:
    """End (after `]`) of the bracketed text starting at `index`: Python-Markdown's `getText`."""
    depth = 1
    for pos in range(index, min(limit, index + _LONGEST)):
        c = masked[pos]
        if c == "]":
            depth -= 1
            if not depth:
                return pos + 1
        elif c == "[":
            depth += 1
    return None


def _link_destination(data: str, index: int, limit: int) -> tuple[int, int, int] | None:
    """Span of the destination in `(…)` at `index`, and the end of the `)`, or None.

    A port of Python-Markdown's `LinkInlineProcessor.getLink` (titles, nested parentheses, the
    `<…>` form), returning spans instead of strings:
    https://github.com/Python-Markdown/markdown/blob/master/markdown/inlinepatterns.py
    `limit` is the end of the block: Python-Markdown reads the text of one block, and where its
    backtracking finds no `)` to fall back on, it counts from that text's end (`data[:-2]`).
    The end returned is always after `index`, so that a caller's scan moves on.
    """
    if simple := _SIMPLE_DESTINATION.match(data, index, limit):  # the usual case, no port's loop
        return simple.start(1), simple.end(1), simple.end()
    m = _LINK_START.match(data, index, limit)
    if not m:
        return None
    if m.group(1):
        start, end = m.start(1) + 1, m.end(1) - 1
        return (*_strip_span(data, start, end), m.end())
    bracket_count = backtrack_count = 1
    start_index = index = m.end()
    last_bracket = -1
    quote: str | None = None
    start_quote = exit_quote = -1
    ignore_matches = False
    alt_quote: str | None = None
    start_alt_quote = exit_alt_quote = -1
    last = ""
    href: tuple[int, int] | None = None
    for pos in range(index, min(limit, index + _LONGEST)):
        c = data[pos]
        if c == "(":
            if not ignore_matches:
                bracket_count += 1
            elif backtrack_count > 0:
                backtrack_count -= 1
        elif c == ")":
            if (exit_quote != -1 and quote == last) or (exit_alt_quote != -1 and alt_quote == last):
                bracket_count = 0
            elif not ignore_matches:
                bracket_count -= 1
            elif backtrack_count > 0:
                backtrack_count -= 1
                if backtrack_count == 0:
                    last_bracket = index + 1
        elif c in "'\"":
            if not quote:
                ignore_matches = True
                backtrack_count = bracket_count
                bracket_count = 1
                start_quote = index + 1
                quote = c
            elif c != quote and not alt_quote:
                start_alt_quote = index + 1
                alt_quote = c
            elif c == quote:
                exit_quote = index + 1
            elif alt_quote and c == alt_quote:
                exit_alt_quote = index + 1
        index += 1
        if bracket_count == 0:
            if exit_quote >= 0 and quote == last:
                href = (start_index, start_quote - 1)
            elif exit_alt_quote >= 0 and alt_quote == last:
                href = (start_index, start_alt_quote - 1)
            else:
                href = (start_index, index - 1)
            break
        if c != " ":
            last = c
    if bracket_count != 0 and index < limit:
        return None  # not resolved within _LONGEST characters
    if bracket_count != 0 and backtrack_count == 0:
        if last_bracket < 0:
            # Backtracked over `(`s only: Python-Markdown's `data[start:-2]` and `data[-1:]`,
            # i.e. counted back from the end of the block's text.
            href = (start_index, max(start_index, limit - 2))
            index = max(start_index, limit - 1)
        else:
            href = (start_index, last_bracket - 1)
            index = last_bracket
        bracket_count = 0
    if bracket_count != 0 or href is None:
        return None
    return (*_strip_span(data, *href), index)


def _strip_span(data: str, start: int, end: int) -> tuple[int, int]:
    while start < end and data[start].isspace():
        start += 1
    while end > start and data[end - 1].isspace():
        end -= 1
    return start, end


def scan(text: str, *, line_offset: int = 0) -> Scan:
    """All image references in a Markdown text; `line_offset` lines precede it in its file."""
    result = Scan()
    if "![" not in text and "](" not in text and "<" not in text:
        return result
    masked = mask(text)
    position = _Positions(text, line_offset)
    definitions: dict[str, tuple[str, int]] = {}
    if "]:" in masked:
        for d in _DEFINITION.finditer(masked):
            ref_id = d[1].strip().lower()
            if ref_id.startswith("^"):  # a footnote
                continue
            start, end = d.span(2)
            if masked.startswith("<", start):
                start += 1
            if masked[end - 1 : end] == ">":
                end -= 1
            definitions.setdefault(ref_id, (text[start:end], start))
            result.links.append(text[start:end])
    block_end = _BlockEnds(masked)
    pos = 0
    while token := _TOKEN.search(masked, pos):
        # Every token is at least two characters long: the scan always moves past its start,
        # whatever the reading of the token returns (the `max` makes that plain).
        pos = token.end()
        kind = token[0].lower()
        if kind == "![":
            image_end = _image(
                text, masked, token.start(), definitions, position, block_end, result
            )
            pos = max(pos, image_end or pos)
        elif kind == "](":
            dest = _link_destination(masked, token.end() - 1, block_end(token.start()))
            if dest:
                result.links.append(_unescape(text[dest[0] : dest[1]]))
                pos = max(pos, dest[2])
        else:
            tag_end = _TAG.match(text, token.start())
            if not tag_end:
                continue
            pos = max(pos, tag_end.end())
            if kind == "<a":
                href = tag_attributes(text[token.start() : pos]).get("href")
                if href and href.value:
                    result.links.append(href.value)
            else:
                _img_tag(text[token.start() : pos], token.start(), position, result)
    return result


class _BlockEnds:
    """Where the paragraph holding an offset ends (a blank line, or the end of the text): found
    once for the page, so that a paragraph of many links is not searched once per link."""

    def __init__(self, masked: str) -> None:
        self.ends = [m.start() for m in _BLANK_LINE.finditer(masked)] if "\n" in masked else []
        self.length = len(masked)

    def __call__(self, offset: int) -> int:
        k = bisect_left(self.ends, offset)
        return self.ends[k] if k < len(self.ends) else self.length


def _image(
    text: str,
    masked: str,
    start: int,
    definitions: dict[str, tuple[str, int]],
    position: _Positions,
    block_ends: _BlockEnds,
    result: Scan,
) -> int | None:
    block_end = block_ends(start)
    text_end = _link_text(masked, start + 2, block_end)
    if text_end is None:
        return None
    alt = _unescape(text[start + 2 : text_end - 1])
    line, col = position(start)
    if masked.startswith("(", text_end):
        dest = _link_destination(masked, text_end, block_end)
        if dest:
            url = _unescape(text[dest[0] : dest[1]])
            result.images.append(ImageRef(url, "markdown", line, col, *position(dest[0]), alt))
            return dest[2]
    ref = _REF_ID.match(masked, text_end)
    ref_id = (ref[1] if ref and ref[1] else text[start + 2 : text_end - 1]).lower()
    ref_id = _SPACES.sub(" ", ref_id)
    if ref_id in definitions:
        url, url_start = definitions[ref_id]
        result.images.append(ImageRef(url, "reference", line, col, *position(url_start), alt))
        return ref.end() if ref else text_end
    if ref:
        result.undefined.append(UndefinedRef(ref_id, line, col, text[start : ref.end()]))
        # Python-Markdown then reads `![alt]` alone, a shortcut reference, as its next pattern.
        shortcut = _SPACES.sub(" ", text[start + 2 : text_end - 1].lower())
        if shortcut in definitions:
            url, url_start = definitions[shortcut]
            result.images.append(ImageRef(url, "reference", line, col, *position(url_start), alt))
        return ref.end()
    return None


def _img_tag(tag_text: str, start: int, position: _Positions, result: Scan) -> None:
    attrs = tag_attributes(tag_text)
    src, srcset, alt = attrs.get("src"), attrs.get("srcset"), attrs.get("alt")
    tag = ImgTag(
        src.value if src else None,
        srcset.value if srcset else None,
        (alt.value or "") if alt else None,
        tag_text,
    )
    line, col = position(start)
    if src is not None or srcset is None:
        at = position(start + src.start) if src else (line, col)
        result.images.append(ImageRef(tag.src or "", "html", line, col, *at, tag.alt, tag))
    if srcset is not None and srcset.value:
        # Spans come from the value as written, so entity references are decoded per candidate.
        for url, s, _ in srcset_urls(tag_text[srcset.start : srcset.end]):
            at = position(start + srcset.start + s)
            result.images.append(
                ImageRef(html.unescape(url), "srcset", line, col, *at, tag.alt, tag)
            )
