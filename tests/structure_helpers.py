"""A differential harness: a note's block structure as a CommonMark editor shows it, against the site's.

The same note is rendered twice: by markdown-it-py (CommonMark with GFM tables and strikethrough,
what GitHub, Joplin, Obsidian and VS Code show) and by the site's Python-Markdown pipeline (the
extensions and settings of the repository's mkdocs.yml, the command blocks, the structure extension).
Both HTML outputs are reduced to the same list of structural elements, in document order:

- `ul` / `ol` (an ordered list with its start number), and every list item by its first words, each
  at its list nesting depth;
- headings (level and text), block quotes, code blocks (by their first line), tables (by their
  first cell), images (by source);
- `cmd`, one per command line: on the CommonMark side each quoted line that the command blocks take
  for a command, on the site's side each command line of a `div.dn-cmd` block. A quote that holds
  nothing but command lines is not a quote on the site (it became the blocks), so it is not counted
  as one on the CommonMark side either.

The two lists are aligned with difflib; every element of a non-matching stretch is a difference.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import markdown
from markdown_it import MarkdownIt

from docker_notes.commands import detect, knowledge
from docker_notes.extension import Diagnostic
from site_helpers import Element, parse_html

PROJECT_DIR = Path(__file__).resolve().parent.parent
CORPUS_NOTES = PROJECT_DIR.parent / "shared" / "corpus" / "notes"
FIXTURES = Path(__file__).parent / "fixtures" / "structure"

_WORDS = 6


# --- Rendering ------------------------------------------------------------------------------------


@functools.cache
def _commonmark() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def commonmark_html(text: str) -> str:
    return _commonmark().render(text)


@functools.cache
def site_markdown_config() -> tuple[tuple[Any, ...], dict[str, Any], int]:
    """The Markdown extensions and their settings as MkDocs builds this site's pages (its own
    defaults included), and the table of contents' base level."""
    from mkdocs.config import load_config

    config = load_config(str(PROJECT_DIR / "mkdocs.yml"))
    extensions = tuple(e for e in config.markdown_extensions if e != "docker_notes")
    configs = dict(config.mdx_configs)
    baselevel = int(configs.get("toc", {}).get("baselevel", 1))
    return extensions, configs, baselevel


def site_html(
    text: str,
    *,
    structure: bool = True,
    report: Callable[[Diagnostic], None] | None = None,
    path: str = "note.md",
) -> str:
    """The note as the site's Markdown renders it, with or without the structure extension."""
    extensions, configs, _ = site_markdown_config()
    found: list[Diagnostic] = []
    sink = report or found.append
    extra: list[Any] = ["docker_notes"]
    configs = dict(configs, docker_notes={"report": sink, "path": path})
    if structure:
        extra.append("docker_notes.structure")
        configs["docker_notes.structure"] = {"report": sink, "path": path}
    md = markdown.Markdown(extensions=[*extensions, *extra], extension_configs=configs)
    return md.convert(text)


# --- Reading the HTML -----------------------------------------------------------------------------


# --- The structure --------------------------------------------------------------------------------


def first_words(text: str, n: int = _WORDS) -> str:
    # Backslash escapes are inline rendering (Python-Markdown does not escape `"`), not structure.
    words = text.replace("\\", "").split()
    # A task list item shows a checkbox on the site and `[ ]` in CommonMark.
    if words[:2] in (["[", "]"], ["[x]"], ["[X]"]) or words[:1] in (["[x]"], ["[X]"], ["[]"]):
        words = words[2:] if words[0] == "[" else words[1:]
    return " ".join(words[:n])


def _is_headerlink(node: Element) -> bool:
    return node.tag == "a" and "headerlink" in node.classes


_BLOCKS_INSIDE_ITEM = frozenset(["ul", "ol", "blockquote", "pre", "table", "div", "details"])


def _own_text(node: Element) -> str:
    """An item's or quote's text before its nested blocks (as a reader sees its first words)."""
    return node.raw_text(lambda n: n.tag in _BLOCKS_INSIDE_ITEM or _is_headerlink(n))


@functools.cache
def _knowledge() -> knowledge.Knowledge:
    return knowledge.load([PROJECT_DIR / "cli-knowledge.yaml"])


def is_command(line: str) -> bool:
    return detect.detect_cached(line.strip(), _knowledge()).kind == detect.COMMAND


def _quote_lines(node: Element) -> list[str]:
    return [line for line in node.raw_text().split("\n") if line.strip()]


def _only_commands(quote: Element) -> bool:
    """A quote the command blocks turn wholly into blocks: each line a command or its `\\` tail."""
    lines = _quote_lines(quote)
    if not lines or any(isinstance(c, Element) and c.tag != "p" for c in quote.children):
        return False
    continued = False
    for line in lines:
        if not (continued or is_command(line)):
            return False
        continued = line.rstrip().endswith("\\")
    return True


Part = tuple[str, int, str]


def structure(html: str, *, site: bool) -> list[Part]:
    """The structural elements of a rendered note, in order: (kind, list depth, key)."""
    _, _, baselevel = site_markdown_config()
    out: list[Part] = []

    def walk(node: Element, depth: int) -> None:
        for child in node.children:
            if isinstance(child, str):
                continue
            tag = child.tag
            if "dn-cmd" in child.classes:
                code = child.raw_text(lambda n: n.tag == "details")
                for line in code.split("\n"):
                    if is_command(line):
                        out.append(("cmd", depth, first_words(line, 2)))
                continue
            if tag in ("ul", "ol"):
                start = child.attrs.get("start", "1") if tag == "ol" else ""
                out.append((tag, depth + 1, start))
                walk(child, depth + 1)
                continue
            if tag == "li":
                out.append(("li", depth, first_words(_own_text(child))))
            elif re.fullmatch(r"h[1-6]", tag):
                level = int(tag[1])
                if site and "id" in child.attrs:  # a Markdown heading, shifted by the toc's base
                    level -= baselevel - 1
                out.append((f"h{level}", depth, first_words(_own_text(child))))
            elif tag == "blockquote":
                if not site and _only_commands(child):
                    for line in _quote_lines(child):
                        if is_command(line):
                            out.append(("cmd", depth, first_words(line, 2)))
                    continue
                if not site and _holds_commands(child):
                    walk_quote(child, depth)
                    continue
                out.append(("quote", depth, first_words(_own_text(child))))
            elif tag == "pre":
                first = next((ln for ln in child.raw_text().split("\n") if ln.strip()), "")
                out.append(("code", depth, first_words(first, 3)))
                continue
            elif tag == "table":
                out.append(("table", depth, first_words(child.raw_text(), 3)))
            elif tag == "img":
                # markdown-it percent-encodes the address, Python-Markdown leaves it as written.
                out.append(("img", depth, unquote(child.attrs.get("src", ""))))
            walk(child, depth)

    def walk_quote(quote: Element, depth: int) -> None:
        """A CommonMark quote mixing prose and command lines: on the site the prose stays a quote
        and each run of command lines is a block inside it."""
        out.append(("quote", depth, first_words(_prose_text(quote))))
        for child in quote.children:
            if isinstance(child, Element) and child.tag == "p":
                continued = False
                for line in child.raw_text().split("\n"):
                    if not continued and is_command(line):
                        out.append(("cmd", depth, first_words(line, 2)))
                    continued = line.rstrip().endswith("\\")
            elif isinstance(child, Element):
                walk(Element("root", children=[child]), depth)

    walk(parse_html(html), 0)
    return out


def _holds_commands(quote: Element) -> bool:
    return any(
        isinstance(c, Element)
        and c.tag == "p"
        and any(is_command(ln) for ln in c.raw_text().split("\n"))
        for c in quote.children
    )


def _prose_text(quote: Element) -> str:
    """A mixed quote's text without its command lines (what stays a quote on the site)."""
    lines: list[str] = []
    for child in quote.children:
        if isinstance(child, Element) and child.tag == "p":
            continued = False
            for line in child.raw_text().split("\n"):
                command = continued or is_command(line)
                continued = command and line.rstrip().endswith("\\")
                if not command:
                    lines.append(line)
        elif isinstance(child, Element):
            lines.append(_own_text(child))
    return " ".join(lines)


# --- Comparing ------------------------------------------------------------------------------------


@dataclass
class Comparison:
    expected: list[Part]  # CommonMark's
    got: list[Part]  # the site's
    differences: list[str]
    diagnostics: list[Diagnostic]

    @property
    def count(self) -> int:
        return len(self.differences)


def compare(text: str, *, structure_extension: bool = True) -> Comparison:
    diagnostics: list[Diagnostic] = []
    expected = structure(commonmark_html(text), site=False)
    got = structure(
        site_html(text, structure=structure_extension, report=diagnostics.append), site=True
    )
    return Comparison(expected, got, list(_differences(expected, got)), diagnostics)


def _differences(expected: list[Part], got: list[Part]) -> Iterator[str]:
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            want = expected[i1 + k] if i1 + k < i2 else None
            have = got[j1 + k] if j1 + k < j2 else None
            yield f"CommonMark {want} / site {have}"


def corpus_notes() -> list[Path]:
    return sorted(CORPUS_NOTES.glob("*.md")) if CORPUS_NOTES.is_dir() else []
