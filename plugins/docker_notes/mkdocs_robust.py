"""Connects what keeps a bad note from stopping the build to MkDocs: notes that are not valid
UTF-8 (decoding.py) and link or image addresses MkDocs cannot read (safe_urls.py).

Both report through the plugin's logger at the note's `path:line:col`, so the problem is named
and the rest of the site builds (and `mkdocs build --strict` still fails on it).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from .decoding import decode_note
from .extension import Diagnostic
from .images import line_offset
from .images.files import display_path
from .safe_urls import SafeUrlsExtension

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import PrefixedLogger
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page


class SafePages:
    def __init__(
        self, mkdocs_config: MkDocsConfig, log: PrefixedLogger, *, report_images: bool
    ) -> None:
        self.log = log
        project_dir = os.path.dirname(
            os.path.abspath(mkdocs_config.config_file_path or "mkdocs.yml")
        )
        self.docs_path = display_path(mkdocs_config.docs_dir, project_dir)
        self.docs_dir = os.path.join(os.path.realpath(mkdocs_config.docs_dir), "")
        # Images: the image checks report them when they are on (with a box under serve).
        self.urls = SafeUrlsExtension(report=self.report, report_images=report_images)
        mkdocs_config.markdown_extensions.append(self.urls)

    def report(self, diagnostic: Diagnostic) -> None:
        (self.log.warning if diagnostic.level == "warning" else self.log.info)("%s", diagnostic)

    def read_source(self, page: Page) -> str | None:
        """The page's text as MkDocs reads it, except that bytes that are not UTF-8 become
        U+FFFD with a warning instead of stopping the build; None when the file cannot be read
        (MkDocs then reports it as it does), or when it lies outside docs/ (a symlinked note,
        which the plugin never reads)."""
        data = self._bytes(page.file)
        if data is None:
            return None
        text, problem = decode_note(data, self._path(page.file))
        if problem is not None:
            self.report(problem)
        return text

    def on_page_markdown(self, markdown: str, page: Page) -> None:
        lines_before = functools.partial(self._lines_before, page.file, markdown)
        self.urls.set_page(self._path(page.file), markdown, lines_before)

    def _path(self, file: File) -> str:
        return f"{self.docs_path}/{file.src_uri}"

    def _bytes(self, file: File) -> bytes | None:
        """The file's bytes; None when it cannot be read or lies outside docs/."""
        path = file.abs_src_path
        if path is not None and not os.path.realpath(path).startswith(self.docs_dir):
            return None
        try:
            return file.content_bytes
        except OSError:
            return None

    def _lines_before(self, file: File, markdown: str) -> int:
        """Lines of the page's file before the Markdown MkDocs hands to plugins (front matter);
        asked only to report a problem."""
        data = self._bytes(file)
        return line_offset(decode_note(data, "")[0], markdown) if data is not None else 0
