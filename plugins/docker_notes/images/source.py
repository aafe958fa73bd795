"""Where a note's Markdown starts in its file, so that reported lines are those an editor shows."""

from __future__ import annotations

import re

# MkDocs' own front matter rules (`mkdocs.utils.meta.get_data`): YAML between `---` lines when it
# parses to a mapping, else MultiMarkdown `Key: value` lines up to the first blank line; the body
# then loses its leading blank lines.
# https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/utils/meta.py#L56-L100
_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_META = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:\s*.*")
_META_MORE = re.compile(r"^(?:[ ]{4}|\t)")


def may_have_front_matter(first_line: str) -> bool:
    """Whether MkDocs may take anything off a note that starts with this line (a blank line, YAML
    front matter, MultiMarkdown meta): if not, the Markdown it renders is the file as written
    (with universal newlines)."""
    return not first_line.strip() or first_line.startswith("---") or bool(_META.match(first_line))


def split_front_matter(text: str) -> tuple[str, int]:
    """The Markdown body MkDocs renders, and the number of lines before it in `text`."""
    if m := _YAML.match(text):
        import yaml  # here: most notes have no front matter

        # As MkDocs: the C loader when PyYAML has it (ten times faster on a thousand notes).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            data = yaml.load(m[1], Loader=loader)  # a safe loader
        except yaml.YAMLError:
            data = None
        body = text[m.end() :].lstrip("\n") if isinstance(data, dict) else text
        return body, text[: len(text) - len(body)].count("\n")
    lines = text.split("\n")
    consumed = 0
    key = False
    for line in lines:
        if not line.strip():
            consumed += 1
            break
        if _META.match(line):
            key = True
        elif not (key and _META_MORE.match(line)):
            break
        consumed += 1
    body = "\n".join(lines[consumed:]).lstrip("\n")
    return body, text[: len(text) - len(body)].count("\n") if text.endswith(body) else 0


def line_offset(raw: str, markdown: str) -> int:
    """Lines of `raw` (the file) before `markdown` (what MkDocs hands to plugins)."""
    if raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    # Another plugin rewrote the page: positions are those of its text, shifted by the front matter.
    return split_front_matter(raw)[1]
