"""The rendered page: raw `<img>` paths made to work like Markdown images, broken images shown.

Tags are found the way `html.parser` finds them (nothing inside comments, scripts or attribute
values is taken for a tag) and matched to the references of the page's source by their `src`, in
document order; only the matched attribute values are replaced, all else stays byte for byte.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict, deque

from .check import ImgAction
from .scan import Attribute, tag_attributes

# Inline, so that the box needs no stylesheet: readable on light and dark palettes alike.
_BOX_STYLE = (
    "display:inline-block;max-width:100%;box-sizing:border-box;margin:.2em 0;padding:.5em .75em;"
    "border:2px dashed #d32f2f;border-radius:.2rem;background:rgba(211,47,47,.08);color:inherit;"
    "font-size:.8rem;line-height:1.5;text-align:left;white-space:normal;overflow-wrap:anywhere"
)


# A document as html.parser reads it, reduced to what can hide a tag: comments, CDATA sections,
# declarations and processing instructions, the raw text of <script> and <style>, and quoted
# attribute values. Finding <img> tags this way gives the tags `HTMLParser` reports (a test checks
# it) at a tenth of its cost, which matters when every page of a big site has a raw <img>.
_HTML_TOKEN = re.compile(
    r"""
    <!--.*?(?:-->|\Z)
    | <!\[CDATA\[.*?(?:\]\]>|\Z)
    | <[!?][^>]*>?
    | <(?P<raw>script|style)(?=[\s/>])(?:"[^"]*"|'[^']*'|[^'">])*>.*?(?:</(?P=raw)\s*>|\Z)
    | </?(?P<name>[a-zA-Z][^\t\n\r\f\x20/>\x00]*)(?:"[^"]*"|'[^']*'|[^'">])*>
    """,
    re.DOTALL | re.IGNORECASE | re.VERBOSE,
)


def img_tags(page_html: str) -> list[tuple[int, str]]:
    """Offsets and texts of the <img> start tags of a page."""
    return [
        (m.start(), m[0])
        for m in _HTML_TOKEN.finditer(page_html)
        if (name := m["name"]) and name.lower() == "img" and m[0][1] != "/"
    ]


def _key(src: str | None, srcset: str | None) -> str:
    return src if src is not None else "\0" + (srcset or "")


def changes_page(actions: list[ImgAction], *, boxes: bool) -> bool:
    """Whether `rewrite` would change the page at all."""
    return any(
        (boxes and a.problems) or a.new_src is not None or a.new_srcset is not None for a in actions
    )


def rewrite(page_html: str, actions: list[ImgAction], *, boxes: bool) -> str:
    """`page_html` with raw `<img>` paths rewritten and, with `boxes`, broken images as boxes."""
    if boxes and any(a.problems for a in actions):
        return _rewrite_tags(page_html, actions, boxes=True)
    if not changes_page(actions, boxes=False):
        return page_html
    return _rewrite_verbatim(page_html, actions) or _rewrite_tags(page_html, actions, boxes=False)


def _rewrite_verbatim(page_html: str, actions: list[ImgAction]) -> str | None:
    """The fast way, for raw tags only: Python-Markdown keeps them as written, so each is found
    by its text, in order. None when that is not safe or a tag is not found: then the page is
    tokenized.

    It is safe when the page holds each tag's text as many times as it has such tags: no copy
    then hides in a comment, a script or an attribute to be taken for one of them. (Counting
    the long texts is four times faster than looking for any comment or script.)
    """
    texts = [action.text for action in actions if action.raw and action.text]
    if any(page_html.count(text) != texts.count(text) for text in set(texts)):
        return None
    out: list[str] = []
    done = 0
    for action in actions:
        if not action.raw or not action.text:
            continue
        offset = page_html.find(action.text, done)
        if offset < 0:
            return None
        out += [page_html[done:offset], rewritten_tag(action)]
        done = offset + len(action.text)
    out.append(page_html[done:])
    return "".join(out)


def rewritten_tag(action: ImgAction) -> str:
    """A raw tag as written with its new paths in it; made once."""
    assert action.text is not None
    if action.new_text is None:
        action.new_text = _rewritten(action.text, action)
    return action.new_text


def _rewrite_tags(page_html: str, actions: list[ImgAction], *, boxes: bool) -> str:
    pending: dict[str, deque[ImgAction]] = defaultdict(deque)
    for action in actions:
        pending[_key(action.src, action.srcset if action.raw else None)].append(action)
    out: list[str] = []
    done = 0
    for offset, text in img_tags(page_html):
        attrs = tag_attributes(text)
        src = attrs["src"].value if "src" in attrs else None
        srcset = attrs["srcset"].value if "srcset" in attrs else None
        queue = pending.get(_key(src, srcset)) or pending.get(_key(src, None))
        if not queue:
            continue
        action = queue.popleft()
        new = box(action) if boxes and action.problems else _rewritten(text, action, attrs)
        if new != text:
            out += [page_html[done:offset], new]
            done = offset + len(text)
    out.append(page_html[done:])
    return "".join(out)


def _rewritten(tag: str, action: ImgAction, attrs: dict[str, Attribute] | None = None) -> str:
    if action.new_src is None and action.new_srcset is None:
        return tag
    attrs = attrs if attrs is not None else tag_attributes(tag)
    return _replace(
        tag, [(attrs.get("src"), action.new_src), (attrs.get("srcset"), action.new_srcset)]
    )


def _replace(tag: str, changes: list[tuple[Attribute | None, str | None]]) -> str:
    edits = sorted(
        ((a, v) for a, v in changes if a is not None and v is not None),
        key=lambda e: e[0].start,
        reverse=True,
    )
    for attr, value in edits:
        if attr.quote == "'":
            written = html.escape(value, quote=False).replace("'", "&#x27;")
        elif attr.quote:
            written = html.escape(value, quote=False).replace('"', "&quot;")
        else:
            written = '"' + html.escape(value, quote=False).replace('"', "&quot;") + '"'
        tag = tag[: attr.start] + written + tag[attr.end :]
    return tag


def box(action: ImgAction) -> str:
    """A visible, accessible stand-in for a broken image, naming each problem and its fix."""
    first = action.problems[0]
    label = f"Broken image: {first.message}"
    items = "".join(
        f"<br>{html.escape(p.message, quote=False)} <small>({html.escape(p.location)})</small>"
        for p in action.problems
    )
    alt = f"<br>Alt text: “{html.escape(action.alt)}”" if action.alt else ""
    return (
        f'<span class="dn-image-problem" role="img" aria-label="{html.escape(label)}" '
        f'style="{_BOX_STYLE}"><strong>Broken image</strong> '
        f"<code>{html.escape(action.src or action.srcset or '')}</code>{items}{alt}</span>"
    )
