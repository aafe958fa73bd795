"""The notes as MkDocs hands them to the plugin: read safely, and known by path for messages.

- A note that is not valid UTF-8 is read with U+FFFD in place of the bad bytes and a warning
  (decoding.py), instead of stopping the build.
- Each note's Markdown is registered with its path and front-matter offset (notes.py), so that
  the Markdown extensions (command blocks, safe URLs) report at `path:line:col` whichever
  Markdown instance converts it.
- Link and image addresses MkDocs cannot read are made harmless and reported (safe_urls.py).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from .decoding import decode_note
from .images import line_offset, may_have_front_matter
from .images.files import display_path
from .notes import Note, NoteSources, Reporter
from .safe_urls import SafeUrlsExtension

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page


class NotePages:
    def __init__(
        self, mkdocs_config: MkDocsConfig, report: Reporter, *, report_images: bool
    ) -> None:
        self.report = report
        self.project_dir = os.path.dirname(
            os.path.abspath(mkdocs_config.config_file_path or "mkdocs.yml")
        )
        self.docs_dir = mkdocs_config.docs_dir
        self.docs_path = display_path(self.docs_dir, self.project_dir)
        self._inside = os.path.join(os.path.realpath(self.docs_dir), "")
        self.notes = NoteSources()
        # Images: the image checks report them when they are on (with a box under serve).
        self.urls = SafeUrlsExtension(notes=self.notes, report=report, report_images=report_images)
        mkdocs_config.markdown_extensions.append(self.urls)

    def read_source(self, page: Page) -> str | None:
        """The page's text as MkDocs reads it, except that bytes that are not UTF-8 become
        U+FFFD with a warning instead of stopping the build; None when the file cannot be read
        (MkDocs then reports it as it does), or when it lies outside docs/ (a symlinked note,
        which the plugin never reads)."""
        data = self._bytes(page.file)
        if data is None:
            return None
        text, problem = decode_note(data, self.path(page.file))
        if problem is not None:
            self.report(problem)
        return text

    def on_page_markdown(self, markdown: str, page: Page) -> Note:
        file = page.file
        lines_before = functools.cache(functools.partial(self.front_lines, file, markdown))
        note = Note(self.path(file), markdown, lines_before)
        self.notes.add(note)
        return note

    def path(self, file: File) -> str:
        """The note's path in messages: relative to the project, as the author opens it."""
        if not file.abs_src_path:
            return file.src_uri
        if file.src_dir == self.docs_dir:
            return f"{self.docs_path}/{file.src_uri}"
        return os.path.relpath(file.abs_src_path, self.project_dir).replace(os.sep, "/")

    def _bytes(self, file: File) -> bytes | None:
        """The file's bytes; None when it cannot be read or lies outside docs/."""
        path = file.abs_src_path
        if path is not None and not os.path.realpath(path).startswith(self._inside):
            return None
        try:
            return file.content_bytes
        except OSError:
            return None

    def front_lines(self, file: File, markdown: str) -> int:
        """Lines of the note's file before the Markdown MkDocs hands to plugins: front matter,
        and the blank lines MkDocs drops. A note whose first line can be none of these has none:
        its text is not decoded once more."""
        if not file.abs_src_path:  # made by a plugin: its text is at hand
            try:
                return line_offset(file.content_string, markdown)
            except (OSError, ValueError):
                return 0
        data = self._bytes(file)
        if data is None:
            return 0
        head = decode_note(data[:256], "")[0]
        if not may_have_front_matter(head.split("\n", 1)[0]):
            return 0
        return line_offset(decode_note(data, "")[0], markdown)
