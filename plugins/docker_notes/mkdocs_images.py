"""Connects the image checks (the pure `images` package) to MkDocs.

Everything lives for one build: `DockerNotesPlugin.on_config` creates a new `ImageChecks` for every
(re)build of `mkdocs serve`, so an image added since the last build is seen at once.
"""

from __future__ import annotations

import functools
import logging
import os
from collections import Counter
from typing import TYPE_CHECKING

from mkdocs.structure.files import InclusionLevel

from .images import (
    Checker,
    DocsIndex,
    Entry,
    Finding,
    PageReport,
    levels_with,
)
from .images.files import display_path
from .images.page import rewrite

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import PrefixedLogger
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from .config import ImagesConfig

# The logger of MkDocs' own link checks (`_RelativePathTreeprocessor`).
_MKDOCS_PAGES_LOGGER = "mkdocs.structure.pages"


class _ReplacedWarnings(logging.Filter):
    """Drops MkDocs' warning about a Markdown image that a finding already reports, so that each
    broken image gets one message (with line, column and fix), and no other of its messages.

    MkDocs logs while rendering the page right after `on_page_markdown`, so the expected messages
    are those of the current page only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.expected: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.expected:
            return True
        message = record.getMessage()
        for start, count in self.expected.items():
            if count and message.startswith(start):
                self.expected[start] -= 1
                return False
        return True


class ImageChecks:
    def __init__(
        self,
        config: ImagesConfig,
        mkdocs_config: MkDocsConfig,
        log: PrefixedLogger,
        *,
        serving: bool,
    ) -> None:
        self.config = config
        self.mkdocs_config = mkdocs_config
        self.log = log
        self.serving = serving
        self.boxes = config.show_in_page == "always" or (config.show_in_page == "serve" and serving)
        project_dir = os.path.dirname(
            os.path.abspath(mkdocs_config.config_file_path or "mkdocs.yml")
        )
        self.docs_path = display_path(mkdocs_config.docs_dir, project_dir)
        self.checker: Checker | None = None
        self.entries: list[Entry] = []
        self.reports: dict[str, PageReport] = {}
        # A build that failed never reached on_post_build: drop the filter it left behind.
        pages_logger = logging.getLogger(_MKDOCS_PAGES_LOGGER)
        for stale in [f for f in pages_logger.filters if isinstance(f, _ReplacedWarnings)]:
            pages_logger.removeFilter(stale)
        self.replaced = _ReplacedWarnings()
        pages_logger.addFilter(self.replaced)

    def on_files(self, files: Files) -> None:
        docs_dir = os.path.normpath(self.mkdocs_config.docs_dir)
        # The inclusion levels MkDocs builds: drafts too under `mkdocs serve`.
        lowest = InclusionLevel.DRAFT if self.serving else InclusionLevel.NOT_IN_NAV
        # MkDocs has already walked docs_dir (its exclusions included): no second directory scan.
        # Its files come from a few folders (docs, the theme's): each is compared once.
        in_docs = functools.cache(lambda src_dir: os.path.normpath(src_dir) == docs_dir)
        self.entries = entries = [
            Entry(
                f.src_uri,
                f.abs_src_path if f.src_dir and in_docs(f.src_dir) else None,
                f.url,
                f.inclusion.value >= lowest.value,
            )
            for f in files
        ]
        self.checker = Checker(
            DocsIndex.from_entries(docs_dir, entries),
            levels=levels_with(self.config.levels),
            max_bytes=self.config.max_bytes,
            docs_path=self.docs_path,
        )
        self._mark_config_references(files)

    def _mark_config_references(self, files: Files) -> None:
        """Images that mkdocs.yml uses are not orphans: the theme's logo and favicon, and those of
        `url(…)`s in the site's own stylesheets."""
        assert self.checker is not None
        theme = self.mkdocs_config.theme
        for key in ("logo", "favicon"):
            value = theme.get(key)
            if isinstance(value, str) and "://" not in value:
                self.checker.mark_referenced(value)
        for css in self.mkdocs_config.extra_css:
            file = files.get_file_from_path(str(css))
            if file is None or file.abs_src_path is None:
                continue
            try:
                self.checker.mark_stylesheet(file.src_uri, file.content_string)
            except (OSError, UnicodeDecodeError):
                continue

    def on_page_markdown(self, markdown: str, page: Page, line_offset: int) -> PageReport | None:
        """The page's checks; `line_offset`: the lines of its file before `markdown`."""
        if self.checker is None:
            return None
        report = self.checker.check_page(
            page.file.src_uri, markdown, line_offset=line_offset, page_url=page.file.url
        )
        self.checker.commit(report)
        for finding in report.findings:
            self._log(finding)
        self.replaced.expected = report.replaced_warnings
        self.reports[page.file.src_uri] = report
        return report

    def carry_over(self, report: PageReport) -> None:
        """A page a `mkdocs serve` rebuild did not render: its report of the last build counts
        (the orphans, the summary) and its findings are told again."""
        if self.checker is None:
            return
        self.checker.commit(report)
        for finding in report.findings:
            self._log(finding)

    def on_page_content(self, html: str, page: Page) -> str:
        self.replaced.expected = Counter()
        report = self.reports.pop(page.file.src_uri, None)
        if report is None:
            return html
        return rewrite(html, report.actions, boxes=self.boxes)

    def on_post_build(self) -> None:
        logging.getLogger(_MKDOCS_PAGES_LOGGER).removeFilter(self.replaced)
        if self.checker is None:
            return
        if orphans := self.checker.orphans():
            self._log(orphans)
        self.log.info(self.checker.summary())

    def _log(self, finding: Finding) -> None:
        if finding.level == "warn":
            self.log.warning(str(finding))
        else:
            self.log.info(str(finding))
