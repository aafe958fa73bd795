"""The block structure a CommonMark editor shows, under Python-Markdown.

`rewrite.py` is the pure part (the note's text in, the rewritten text out); `extension.py` the
Python-Markdown extension around it, also loadable by name: `extensions=["docker_notes.structure"]`.
"""

from __future__ import annotations

from typing import Any


def makeExtension(**kwargs: Any) -> Any:
    from .extension import CommonMarkStructureExtension

    return CommonMarkStructureExtension(**kwargs)
