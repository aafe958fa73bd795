"""A command block as a page carries it: its HTML, and the light stand-in in its place until the
page is written (the search indexes its text, then it is cut down to its id for the plugins that
parse each written page, such as glightbox); and a block made ahead.

No Markdown here: the extension (extension.py) and the second process (prework.py) both make
blocks with it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import NamedTuple

from .commands.knowledge import Knowledge
from .commands.parse import parse_cached
from .commands.render import Command, ascii_html, render_block, search_texts


class PlannedBlock(NamedTuple):
    """A block made ahead for a page (prework.py): the commands' texts, its HTML, its stand-in,
    and the Markdown block it was made from. The build gets it without its HTML (""): the second
    process puts that into the written page.

    It is what this extension makes for the same commands at the same place on the page: the HTML
    of a block depends only on its commands, its number and the blocks before it on the page. A
    Markdown block that is, character for character, `markdown` holds those commands and nothing
    else, so it needs no reading at all.
    """

    texts: tuple[str, ...]
    html: str
    stand_in: str | None
    markdown: str = ""
    line: int = -1  # of the note's Markdown, where `markdown` starts (0-based)


# The stand-in is a block element (Markdown leaves it out of paragraphs, HTML parsers keep it
# whole) without comments (minifiers drop them, and may unquote attributes); it holds no <div>,
# and its text is escaped, so the first `</div>` after it opens is its end.
_STAND_IN = "<div data-dn-block="
_STAND_IN_START = re.compile(r"""<div data-dn-block=["']?(dn-\d+)["']?>""")
_END = "</div>"


def block_html(
    commands: Sequence[Command], block_id: str, seen: dict[str, str], indexed: set[str] | None
) -> tuple[str, str | None]:
    """The block, and with `indexed` (the explanation texts the page's stand-ins hold so far) its
    stand-in: search plugins parse every page's HTML, so they get the commands and each
    explanation's text once per page, and the written page gets the block."""
    html = render_block(commands, block_id, seen)
    if indexed is None:
        return html, None
    texts = [t for t in dict.fromkeys(search_texts(commands)) if t not in indexed]
    indexed.update(texts)
    return html, stand_in(block_id, "\n".join(c.copy_text for c in commands), " ".join(texts))


def remade(
    texts: Sequence[Sequence[str]], k: Knowledge, seen: dict[str, str], indexed: set[str] | None
) -> list[str]:
    """The HTML of a page's first blocks made again from their commands' texts (blocks made
    ahead, whose commands had no problems), as `block_html` makes them, numbered from dn-1."""
    return [
        block_html([parse_cached(text, k) for text in block], f"dn-{n + 1}", seen, indexed)[0]
        for n, block in enumerate(texts)
    ]


def stand_in(block_id: str, commands: str, text: str) -> str:
    """What a search plugin indexes of a block: few elements (a search plugin's parser spends
    its time on elements), the commands as code, then the explanations' text."""
    more = f" {ascii_html(escape(text, quote=False))}" if text else ""
    return f'{_STAND_IN}"{block_id}"><code>{escape(commands, quote=False)}</code>{more}{_END}'


def slim_stand_in(block_id: str) -> str:
    """A stand-in once the search has indexed its text: its id alone."""
    return f'{_STAND_IN}"{block_id}">{_END}'


def slimmed(page_html: str, stand_ins: dict[str, str]) -> str:
    """page_html with each stand-in (as made, in page order) cut down to its id, and `stand_ins`
    updated to what the page holds. A stand-in that another plugin changed is left as it is:
    putting the blocks back finds it by its id."""
    parts: list[str] = []
    done = 0
    for block_id, shown in stand_ins.items():
        # Found by its start, then compared: a long text is slow to look for.
        start = page_html.find(shown[: shown.index(">") + 1], done)
        if start < 0 or not page_html.startswith(shown, start):
            continue
        slim = stand_ins[block_id] = slim_stand_in(block_id)
        parts += (page_html[done:start], slim)
        done = start + len(shown)
    if not parts:
        return page_html
    parts.append(page_html[done:])
    return "".join(parts)


def restore_deferred(
    page_html: str, deferred: dict[str, str], stand_ins: Mapping[str, str] | None = None
) -> tuple[str, list[str]]:
    """Put each block given in place of the stand-in of the same id; also return the ids not
    found. Other stand-ins are left as they are. `stand_ins`: the stand-ins as they were made,
    by id, to try first."""
    if not deferred:
        return page_html, []
    if stand_ins is not None and (restored := _restore_as_made(page_html, deferred, stand_ins)):
        return restored, []
    found: set[str] = set()
    parts: list[str] = []
    done = 0
    # Plain finds: a themed page is mostly navigation, and a regex with `.*?` over each stand-in's
    # text cost 0.1 ms a page.
    while (start := page_html.find(_STAND_IN, done)) >= 0:
        m = _STAND_IN_START.match(page_html, start)
        end = page_html.find(_END, m.end()) if m else -1
        if m is None or end < 0:
            parts.append(page_html[done : start + len(_STAND_IN)])
            done = start + len(_STAND_IN)
            continue
        if (replacement := deferred.get(m[1])) is None:
            replacement = page_html[start : end + len(_END)]
        else:
            found.add(m[1])
        parts += (page_html[done:start], replacement)
        done = end + len(_END)
    parts.append(page_html[done:])
    return "".join(parts), sorted(set(deferred) - found)


def _restore_as_made(
    page_html: str, deferred: dict[str, str], stand_ins: Mapping[str, str]
) -> str | None:
    """The fast way: each stand-in found by its whole text as it was made, in page order (a long
    text is found in a few long skips through the page, where looking for any stand-in steps
    through it all). None when one is not there as made (another plugin wrote it otherwise) or
    another stand-in follows the last: then the page is read for them."""
    parts: list[str] = []
    done = 0
    for block_id, block in deferred.items():
        shown = stand_ins.get(block_id, "")
        start = page_html.find(shown, done) if shown else -1
        if start < 0:
            return None
        parts += (page_html[done:start], block)
        done = start + len(shown)
    if page_html.find(_STAND_IN, done) >= 0:
        return None
    parts.append(page_html[done:])
    return "".join(parts)


def first_ids(count: int) -> list[str]:
    """The ids of a page's first `count` blocks."""
    return [f"dn-{n + 1}" for n in range(count)]


def put_blocks(path: str, blocks: Sequence[str]) -> list[str]:
    """Put a page's first blocks (numbered from dn-1) into the page written at path, in place of
    their stand-ins, as `restore_deferred` does (looked for first as the build leaves them once
    the search has indexed them: their ids alone); the ids not found. A block found already in
    the page counts as put (a second process that stopped after writing it)."""
    ids = first_ids(len(blocks))
    deferred = dict(zip(ids, blocks, strict=True))
    try:
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as f:
            page = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return ids
    restored, lost = restore_deferred(page, deferred, {i: slim_stand_in(i) for i in ids})
    if len(lost) < len(ids):
        # Whole or not at all: a page is never left half written.
        part = f"{path}.dn-part"
        try:
            with open(part, "wb") as f:
                f.write(restored.encode("utf-8", errors="xmlcharrefreplace"))  # as MkDocs does
            os.replace(part, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(part)
            return ids
    return [block_id for block_id in lost if deferred[block_id] not in page]
