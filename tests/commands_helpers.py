"""Helpers for the command-block tests: render Markdown, and read the blocks back out of the HTML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown

from docker_notes.extension import Diagnostic, DockerCommandsExtension

# The Markdown extensions of the project's mkdocs.yml that change block structure.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences"]


@dataclass
class Item:
    id: str
    token: str
    label: str
    text: str
    details: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # "Since Docker 29: …"
    same: str = ""  # the id of the earlier item on the page that this one refers to


@dataclass
class Block:
    id: str
    copy: str
    code: str  # the code's text, as displayed
    tokens: list[tuple[str, str, str]] = field(default_factory=list)  # (text, classes, item id)
    items: dict[str, Item] = field(default_factory=dict)

    def item_for(self, token_text: str, nth: int = 0) -> Item:
        matches = [t for t in self.tokens if t[0] == token_text]
        assert len(matches) > nth, f"no token {token_text!r} in {[t[0] for t in self.tokens]}"
        return self.items[matches[nth][2]]


def render(text: str, path: str = "note.md", **config: object) -> tuple[str, list[Diagnostic]]:
    found: list[Diagnostic] = []
    ext = DockerCommandsExtension(report=found.append, path=path, **config)
    out = markdown.markdown(text, extensions=[ext, *EXTENSIONS])
    return out, found


def plain(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


class _BlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.token: list[str] | None = None
        self.item: Item | None = None
        self.part = ""
        self.link: str | None = None
        self.in_code = False
        self.depth_at_block = -1

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        self.stack.append((tag, attrs))
        cls = attrs.get("class", "").split()
        if tag == "div" and "dn-cmd" in cls:
            self.blocks.append(Block(attrs["id"], "", ""))
        elif not self.blocks:
            return
        block = self.blocks[-1]
        if tag == "div" and "highlight" in cls and "data-copy" in attrs:
            block.copy = attrs["data-copy"]
        elif tag == "code" and self.stack[-2][0] == "pre":
            self.in_code = True
        elif tag == "span" and "dn-t" in cls and self.in_code:
            self.token = ["", " ".join(cls), attrs["data-dn"]]
        elif tag == "li" and "dn-x" in cls:
            self.item = Item(attrs["id"], "", "", "", same=attrs.get("data-dn-same", ""))
            block.items[self.item.id] = self.item
        elif self.item is not None:
            if "dn-x__tok" in cls:
                self.part = "token"
            elif "dn-x__label" in cls:
                self.part = "label"
            elif "dn-x__text" in cls:
                self.part = "text"
            elif "dn-x__version" in cls:
                self.part = "version"
                self.item.versions.append("")
            elif tag == "li":
                self.part = "detail"
                self.item.details.append("")
            elif tag == "a":
                self.link = attrs["href"]
                self.part = "link"

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()
        if tag == "code" and self.in_code and (not self.stack or self.stack[-1][0] == "pre"):
            self.in_code = False
        if tag == "span" and self.token is not None and self.in_code:
            self.blocks[-1].tokens.append((self.token[0], self.token[1], self.token[2]))
            self.token = None
        if tag == "li" and self.part == "detail":
            self.part = ""
        elif tag == "li" and self.item is not None:
            self.item = None
        if tag in ("code", "span") and self.part in ("token", "label", "text"):
            self.part = "" if tag != "code" or self.part == "token" else self.part
        if tag == "a" and self.part == "link":
            self.part = ""
        if tag == "span" and self.part == "version":
            self.part = ""

    def handle_data(self, data: str) -> None:
        if not self.blocks:
            return
        if self.in_code:
            self.blocks[-1].code += data
            if self.token is not None:
                self.token[0] += data
        item = self.item
        if item is None:
            return
        if self.part == "token":
            item.token += data
        elif self.part == "label":
            item.label += data
        elif self.part == "text":
            item.text += data
        elif self.part == "detail":
            item.details[-1] += data
        elif self.part == "version":
            item.versions[-1] += data
        elif self.part == "link" and self.link:
            item.links.append((data, self.link))


def blocks(page_html: str) -> list[Block]:
    """The command blocks of a page; an item that refers to an earlier one gets its content."""
    reader = _BlockReader()
    reader.feed(page_html)
    every = {i.id: i for b in reader.blocks for i in b.items.values()}
    for item in every.values():
        first = every.get(item.same)
        if first is not None:
            item.label, item.text = first.label, first.text
            item.details, item.links = list(first.details), list(first.links)
            item.versions = list(first.versions)
    return reader.blocks


_BLOCK = re.compile(r'<div class="dn-cmd" id="[^"]+">.*?</details></div>', re.S)


def without_blocks(page_html: str) -> str:
    """The page with each command block replaced by a marker (to compare the rest)."""
    return _BLOCK.sub("[command block]", page_html)


def transcript(page_html: str, diagnostics: list[Diagnostic]) -> str:
    """A readable account of a rendered page, for golden files."""
    lines = [without_blocks(page_html), ""]
    for block in blocks(page_html):
        lines.append(f"== {block.id}: copies {block.copy!r}")
        for text, classes, item_id in block.tokens:
            item = block.items[item_id]
            same = f" (as {item.same})" if item.same else ""
            lines.append(f"  {text!r} [{classes.replace('dn-t', '').strip()}] {item.label}{same}")
            lines.append(f"      {html.unescape(item.text).strip()}")
            lines.extend(f"      - {d}" for d in item.details)
            lines.extend(f"      ~ {v}" for v in item.versions)
            lines.extend(f"      -> {url}" for _, url in item.links)
    lines.append("== diagnostics")
    lines.extend(f"  {d.level}: {d}" for d in diagnostics)
    return "\n".join(lines) + "\n"
