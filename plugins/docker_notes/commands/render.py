"""HTML of a command block: a native Material code block whose tokens link to their explanations.

```html
<div class="dn-cmd" id="dn-1">
  <div class="language-shell highlight" data-copy="docker run -it ubuntu bash"><pre><span></span><code>
    <span class="dn-t nb" data-dn="dn-1-1">docker</span> …</code></pre></div>
  <details class="dn-explain"><summary>…</summary><ul class="dn-list"><li id="dn-1-1">…</li></ul></details>
</div>
```

Material copies `data-copy` when a code block's ancestor has it (its `extract()` in the clipboard
integration), so the copy button gives exactly the commands: no prompt, no markers. The explanations
are ordinary HTML after the code, so they print, are indexed by the search, and work without
JavaScript; the script turns each token into a control that opens its explanation.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import lookalike
from .model import (
    ARGUMENT,
    BIDI,
    COMMAND,
    COMMENT,
    CONTINUATION,
    HIDDEN,
    IMAGE,
    OPTION,
    PLACEHOLDER,
    PROGRAM,
    PROMPT,
    SHELL,
    SUBCOMMAND,
    UNKNOWN,
    VALUE,
    Explanation,
    ParsedCommand,
)

# Pygments token classes, so Material's code colours apply as to any shell block.
_HIGHLIGHT = {
    PROMPT: "gp",
    PROGRAM: "nb",
    SUBCOMMAND: "k",
    OPTION: "nt",
    VALUE: "s",
    IMAGE: "sx",
    COMMAND: "nb",
    ARGUMENT: "",
    PLACEHOLDER: "nv",
    SHELL: "o",
    COMMENT: "c1",
    CONTINUATION: "se",
    UNKNOWN: "err",
}
_CODE_SPAN = re.compile(r"`([^`]+)`")


class Rendered(NamedTuple):
    """A command's HTML, made once (a command line repeats across notes): all a block needs,
    with a mark in place of the ids, which depend on where the command stands."""

    copy_text: str
    code: str  # the code line
    # Each token's role, title, explanation (HTML), and the `<li>`'s attribute that leaves it
    # out of the search, if it is left out whole.
    items: tuple[tuple[str, str, str, str], ...]


Command = ParsedCommand | Rendered


def render_block(
    commands: Sequence[Command], block_id: str, seen: dict[str, str] | None = None
) -> str:
    """The whole block: the code, then the list of explanations."""
    return wrap(
        block_id,
        render_code(commands, block_id) + render_explanations(commands, block_id, seen),
    )


def wrap(block_id: str, inner: str) -> str:
    return f'<div class="dn-cmd" id="{block_id}">{inner}</div>'


def render_code(commands: Sequence[Command], block_id: str) -> str:
    """The Material code block; `data-copy` is what the copy button puts on the clipboard."""
    copy = "\n".join(c.copy_text for c in commands)
    code = "\n".join(_code_line(rendered(c), block_id, k) for k, c in enumerate(commands))
    return (
        f'<div class="language-shell highlight" data-copy="{html.escape(copy)}">'
        f"<pre><span></span><code>{code}</code></pre></div>"
    )


def render_explanations(
    commands: Sequence[Command], block_id: str, seen: dict[str, str] | None = None
) -> str:
    """The list of every token's explanation.

    With `seen` (explanation HTML → the id of its item, for the page so far), an explanation given
    earlier on the page is not repeated: its item points to the first one. Pages repeat `docker`,
    `run` or `-it` in every block, and each copy made the page heavier for the reader's browser and
    for every plugin that reads the page.
    """
    seen = {} if seen is None else seen
    ready = [rendered(c) for c in commands]
    items = "".join(_explanations(r, block_id, k, len(ready), seen) for k, r in enumerate(ready))
    count = sum(len(r.items) for r in ready)
    what = "this command" if len(commands) == 1 else f"these {len(commands)} commands"
    return (
        f'<details class="dn-explain"><summary{_NOT_SEARCHED}>Explain {what} '
        f'<span class="dn-count">({count} parts)</span></summary>{items}</details>'
    )


@dataclass(frozen=True)
class PlainLine:
    """A line of a fenced block that is not annotated: output, or another command."""

    text: str
    prompt_end: int = 0  # a prompt, shown dimmed and not copied
    output: bool = False  # program output: shown dimmed and not copied


def render_fence(
    items: Sequence[Command | PlainLine], block_id: str, seen: dict[str, str] | None = None
) -> str:
    """A fenced block of the author's: docker commands annotated, other lines as written."""
    commands = [i for i in items if not isinstance(i, PlainLine)]
    lines: list[str] = []
    copied: list[str] = []
    k = 0
    for item in items:
        if not isinstance(item, PlainLine):
            lines.append(_code_line(rendered(item), block_id, k))
            copied.append(item.copy_text)
            k += 1
        elif item.output:
            lines.append(f'<span class="go">{_escape(item.text)}</span>')
        else:
            prompt = item.text[: item.prompt_end]
            lines.append(
                (f'<span class="gp">{_escape(prompt)}</span>' if prompt else "")
                + _escape(item.text[item.prompt_end :])
            )
            copied.append(item.text[item.prompt_end :])
    code = "\n".join(lines)
    copy = "\n".join(copied)
    return wrap(
        block_id,
        f'<div class="language-shell highlight" data-copy="{html.escape(copy)}">'
        f"<pre><span></span><code>{code}</code></pre></div>"
        + render_explanations(commands, block_id, seen),
    )


# What the search indexes of a block: the commands (its code), and the name of each subcommand and
# option in all its spellings (`-d, --detach`; `-it (--interactive, --tty)`), once per page. Readers
# find a page by a command written on it or by what an option is called. The explanations' text
# stays on the page but out of the index: once per page it made the search index, which every
# reader who searches downloads, twice as large on a site of many notes (+110 % against +20 %).
# Material's search leaves out elements marked `data-search-exclude` (other search plugins index
# everything). Its parser matches the elements it skips by tag name only, so that an element
# holding another of the same tag would end its own exclusion at the inner one's end: the `<li>`
# that holds the details' `<li>`s is never marked, its parts are.
_SEARCHED = frozenset({SUBCOMMAND, OPTION})
_NOT_SEARCHED = " data-search-exclude"


def token_id(block_id: str, command: int, token: int) -> str:
    return f"{_prefix(block_id, command)}-{token + 1}"


def _prefix(block_id: str, command: int) -> str:
    return f"{block_id}-{command + 1}" if command else block_id


# The HTML of a command does not depend on where it stands but for the ids: it is made once per
# command with this mark in place of the id prefix.
_ID = "<dn-id>"  # a `<` never survives escaping, so this cannot come from a note


def rendered(command: Command) -> Rendered:
    """The command's HTML, made on first use and kept with the parsed command."""
    if isinstance(command, Rendered):
        return command
    if command.html is None:
        items = tuple(_item(t.role, t.explanation) for t in command.tokens)
        command.html = Rendered(command.copy_text, _code_template(command), items)
    return command.html


def _code_line(command: Rendered, block_id: str, k: int) -> str:
    return command.code.replace(_ID, _prefix(block_id, k))


def _code_template(command: ParsedCommand) -> str:
    out: list[str] = []
    pos = 0
    shown = _marked(command) if command.lookalikes else _escaped(command)
    for n, token in enumerate(command.tokens):
        out.append(shown(pos, token.start))
        css = " ".join(filter(None, ("dn-t", _HIGHLIGHT.get(token.role, ""))))
        out.append(
            f'<span class="{css}" data-dn="{_ID}-{n + 1}">{shown(token.start, token.end)}</span>'
        )
        pos = token.end
    out.append(shown(pos, len(command.text)))
    return "".join(out)


def _escaped(command: ParsedCommand) -> Callable[[int, int], str]:
    return lambda start, end: _escape(command.text[start:end])


def _marked(command: ParsedCommand) -> Callable[[int, int], str]:
    """The text with each look-alike character marked where it stands. An invisible one is not
    written at all (a bidi control would reorder what follows): its mark shows its code point."""
    marks = {found.offset: found for found in command.lookalikes}

    def shown(start: int, end: int) -> str:
        out = []
        for k in range(start, end):
            found = marks.get(k)
            if found is None:
                out.append(_escape(command.text[k]))
                continue
            tip = html.escape(lookalike.title(found))
            if found.kind in (HIDDEN, BIDI):
                out.append(
                    f'<mark class="dn-lookalike dn-lookalike--hidden" title="{tip}" '
                    f'data-dn-char="{lookalike.label(found)}"></mark>'
                )
            else:
                out.append(f'<mark class="dn-lookalike" title="{tip}">{_escape(found.char)}</mark>')
        return "".join(out)

    return shown


def _explanations(
    command: Rendered, block_id: str, k: int, total: int, seen: dict[str, str]
) -> str:
    heading = ""
    if total > 1:
        heading = (
            f'<p class="dn-list__cmd"{_NOT_SEARCHED}><code>{_escape(command.copy_text)}</code></p>'
        )
    prefix = _prefix(block_id, k)
    items = []
    for n, (role, title, body, not_searched) in enumerate(command.items):
        item_id = f"{prefix}-{n + 1}"
        first = seen.get(body)
        if first is None:
            seen[body] = item_id
            items.append(f'<li class="dn-x dn-x--{role}" id="{item_id}"{not_searched}>{body}</li>')
        else:
            items.append(
                f'<li class="dn-x dn-x--{role} dn-x--same" id="{item_id}" data-dn-same="{first}"'
                f'{_NOT_SEARCHED}><code class="dn-x__tok">{title}</code> '
                f'<a class="dn-x__same" href="#{first}">explained above</a></li>'
            )
    return f'{heading}<ul class="dn-list">{"".join(items)}</ul>'


# The same option, subcommand or image is explained in many commands of a site: its HTML is made
# once (an Explanation is immutable, so it is its own key).
def _item(role: str, explanation: Explanation) -> tuple[str, str, str, str]:
    """A token's explanation item: what `Rendered.items` holds. Left out of the search whole
    where nothing of it is searched and no `<li>` of details is inside; else part by part."""
    searched = role in _SEARCHED
    whole = not searched and not explanation.details
    body = _item_body(explanation, searched=searched, marked=not whole)
    return role, _escape(explanation.title), body, _NOT_SEARCHED if whole else ""


@functools.lru_cache(maxsize=4096)
def _item_body(explanation: Explanation, *, searched: bool, marked: bool) -> str:
    """The item's content; with `marked`, each part but a searched title left out of the search."""
    out = _NOT_SEARCHED if marked else ""
    details = ""
    if explanation.details:
        details = (
            f'<ul class="dn-x__details"{out}>'
            + "".join(f"<li>{inline(d)}</li>" for d in explanation.details)
            + "</ul>"
        )
    # What changed between releases, each with its release, so notes written for one read
    # correctly under another.
    versions = "".join(
        f'<span class="dn-x__version"{out}><strong>{_escape(when)}:</strong> {inline(text)}</span>'
        for when, text in explanation.versions
    )
    links = ""
    if explanation.links:
        links = (
            f'<span class="dn-x__links"{out}>'
            + " ".join(
                f'<a class="dn-x__link" href="{html.escape(url)}">{_escape(label)}</a>'
                for label, url in explanation.links
            )
            + "</span>"
        )
    title = "" if searched else out
    return ascii_html(
        f'<code class="dn-x__tok"{title}>{_escape(explanation.title)}</code> '
        f'<span class="dn-x__label"{out}>{_escape(explanation.label)}</span>'
        f'<span class="dn-x__text"{out}>{inline(explanation.text)}</span>'
        f"{details}{versions}{links}"
    )


def ascii_html(html: str) -> str:
    """The HTML with characters beyond ASCII as references (`&#8594;` for →). Python keeps a
    string with one such character (our explanations have arrows and dashes) at two or four bytes
    a character: a whole page would then be copied and written at twice the cost."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def inline(text: str) -> str:
    """Plain text with `backticks` for code, as HTML."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", _escape(text))


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
