"""Image checks for Markdown notes, without MkDocs: plain functions and small dataclasses.

`scan` finds the image references of a note, `DocsIndex` knows the docs folder, `Checker` turns
references into findings, `page.rewrite` fixes and marks up the rendered HTML.
"""

from .check import Checker, ImgAction, PageReport
from .files import DocsIndex, Entry
from .findings import DEFAULT_LEVELS, KINDS, Finding, Level, levels_with
from .scan import ImageRef, Scan, scan
from .source import line_offset, may_have_front_matter, split_front_matter

__all__ = [
    "DEFAULT_LEVELS",
    "KINDS",
    "Checker",
    "DocsIndex",
    "Entry",
    "Finding",
    "ImageRef",
    "ImgAction",
    "Level",
    "PageReport",
    "Scan",
    "levels_with",
    "line_offset",
    "may_have_front_matter",
    "scan",
    "split_front_matter",
]
