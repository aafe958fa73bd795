"""Python-Markdown extension: a link or image address that no URL parser can read is reported and
made harmless, so that one bad address in one note cannot stop the build.

MkDocs' `_RelativePathTreeprocessor` (the `relpath` treeprocessor, priority 0) passes every
`<a href>` and `<img src>` of a page to `urllib.parse.urlsplit`, which raises ValueError on some
host parts: `[`/`]` that are no IPv6 address (`ftp://data:localhost](".png`) or a character that
NFKC normalisation turns into `/?#@:` (`http://10.10.1.199:8929'不就行了吗？`, which
pymdownx.magiclink makes a link of, up to the full-width question mark). The exception ends the
whole build, naming neither the file nor the line.
https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/pages.py#L419-L420

A treeprocessor of ours runs just before it (priority 1: after the inline patterns at 20, which
make the links, and after every other treeprocessor the site uses) and gives each such address
its brackets and non-ASCII characters percent-encoded (`images.urls.parseable`). Why that way:
such an address always has a host part, so MkDocs would have left it as it is (an external link)
had it been able to read it; encoded, MkDocs and any later plugin can read it, the element stays
what the author made (a link, an image, with its text unchanged on the page), and a browser does
with it what it does with the address as written (it encodes those characters itself, and a host
that is invalid raw is invalid encoded). Dropping the link instead would change the page; hiding it
from MkDocs and restoring it afterwards would hand the same crash to the next plugin that reads it.

Each address is reported as a `Diagnostic` (extension.py) at `path:line:col` with a fix.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .images.urls import parseable, unparseable
from .notes import Conversion, ConversionStart, Diagnostic, NoteSources, log_diagnostic

# Trailing punctuation that ends a sentence rather than an address (GFM's autolink rule).
_TRAILING = "'\".,;:!?)]}*_~"
_FIRST_BAD = re.compile(r"[\[\]]|[^\x00-\x7f]")


class SafeUrlsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "report": [log_diagnostic, "Called with each Diagnostic found in a note."],
            # Not None: Python-Markdown reads a None default as a yes/no option.
            "notes": ["", "The notes of the build (a NoteSources), as for docker_notes."],
            "report_images": [
                True,
                "Report images too (false when the image checks report them, with the page's "
                "box under `mkdocs serve`).",
            ],
        }
        super().__init__(**kwargs)
        self.notes: NoteSources = self.getConfig("notes") or NoteSources()

    def extendMarkdown(self, md: Markdown) -> None:
        # Each Markdown instance has its own conversion: see notes.py.
        page = Conversion(self.notes)
        md.preprocessors.register(ConversionStart(md, page.start), "docker_notes_urls_source", 1000)
        report = self.getConfig("report")
        # Just before MkDocs' raw HTML preprocessor (21), which MkDocs adds after the extensions.
        md.preprocessors.register(
            _GuardRawHtml(md, page, report), "docker_notes_guard_raw_html", 21.5
        )
        # Priority 1: after the inline patterns (20) that make the links and every other
        # treeprocessor, just before MkDocs' `relpath` (0).
        md.treeprocessors.register(
            _SafeUrls(md, page, report, self.getConfig("report_images")),
            "docker_notes_safe_urls",
            1,
        )


class _GuardRawHtml(Preprocessor):
    """MkDocs' `_RawHTMLPreprocessor` reads the page with html.parser to learn its anchors, and
    html.parser raises on some text: `<![` not followed by a name (`<![alt](shot.png)`, a typo
    for an image) ends in `AssertionError: expected name token`, and with it the build. This
    guards that one preprocessor of this page (never the class, never another page): on such an
    error the page is rendered as Python-Markdown renders it, its raw HTML's anchors unknown to
    MkDocs' anchor check, and the note reported.
    https://github.com/mkdocs/mkdocs/blob/1.6.1/mkdocs/structure/pages.py#L522-L537
    """

    def __init__(
        self, md: Markdown, page: Conversion, report: Callable[[Diagnostic], None]
    ) -> None:
        super().__init__(md)
        self.page, self.report = page, report

    def run(self, lines: list[str]) -> list[str]:
        if "mkdocs_raw_html" in self.md.preprocessors:
            mkdocs_raw_html = self.md.preprocessors["mkdocs_raw_html"]
            mkdocs_raw_html.run = self._guarded(mkdocs_raw_html.run)
        return lines

    def _guarded(self, run: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
        def guarded(lines: list[str]) -> list[str]:
            try:
                return run(lines)
            except (AssertionError, ValueError) as e:  # html.parser's, on text it cannot read
                note = self.page.note
                line, col = _Locator(note.source)("<![")
                self.report(
                    Diagnostic(
                        note.path,
                        note.file_line(line),
                        col,
                        f"MkDocs cannot read the raw HTML of this note ({e}); the page is "
                        "built without checking links to anchors in it",
                        "if '<![' starts an image, remove the '<' (write '![alt](path)')",
                    )
                )
                return lines

        return guarded


class _SafeUrls(Treeprocessor):
    def __init__(
        self,
        md: Markdown,
        page: Conversion,
        report: Callable[[Diagnostic], None],
        report_images: bool,
    ) -> None:
        super().__init__(md)
        self.page, self.report, self.report_images = page, report, report_images

    def run(self, root: etree.Element) -> None:
        located: _Locator | None = None
        for element in root.iter():
            key = "href" if element.tag == "a" else "src" if element.tag == "img" else ""
            url = element.get(key) if key else None
            if url is None or (reason := unparseable(url)) is None:
                continue
            element.set(key, parseable(url))
            if key == "src" and not self.report_images:
                continue
            text = "".join(element.itertext())
            note = self.page.note
            located = located or _Locator(note.source)
            line, col = located(url, text)
            what = "link" if key == "href" else "image"
            self.report(
                Diagnostic(
                    note.path,
                    note.file_line(line),
                    col,
                    f"the {what} address '{url}' is not a valid URL ({reason}), so no browser "
                    "can open it; the page keeps it, percent-encoded so that MkDocs can read it",
                    _fix(url, text),
                )
            )


def _fix(url: str, text: str) -> str:
    """How to write the address; for a bare address that ran into the text after it (a link made
    by pymdownx.magiclink), where it probably ends."""
    if text.strip() != url:
        return "fix the address"
    bad = _FIRST_BAD.search(url)
    end = bad.start() if bad else len(url)
    guess = url[:end].rstrip(_TRAILING)
    if "//" not in guess or guess.endswith("//"):
        return "fix the address"
    return (
        f"the address runs into the text after it: write '<{guess}>' (angle brackets end an "
        "address) or put a space after it"
    )


class _Locator:
    """(line, column) of each reported address in the note, in document order; (0, 0) when
    another extension made it (then only the file is named)."""

    def __init__(self, source: str | None) -> None:
        self.source = source or ""
        self.after: dict[str, int] = {}

    def __call__(self, *needles: str) -> tuple[int, int]:
        for needle in needles:
            if not needle:
                continue
            found = self.source.find(needle, self.after.get(needle, 0))
            if found >= 0:
                self.after[needle] = found + len(needle)
                line = self.source.count("\n", 0, found) + 1
                return line, found - (self.source.rfind("\n", 0, found) + 1) + 1
        return 0, 0


def makeExtension(**kwargs: Any) -> SafeUrlsExtension:
    return SafeUrlsExtension(**kwargs)
