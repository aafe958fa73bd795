"""The MkDocs plugin: configuration, logging and serve integration for the two halves.

Hooks stay thin: the command blocks live in a Python-Markdown extension (`extension.py`, also usable
without MkDocs), the image checks in the pure `images` package; `mkdocs_commands.py` and
`mkdocs_images.py` connect each half to MkDocs; `prework.py` does the work of both ahead, in a
second process, on large builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from . import prework
from .config import PluginConfig
from .mkdocs_commands import CommandBlocks
from .mkdocs_images import ImageChecks
from .prework import Job, Prework

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)


class DockerNotesPlugin(BasePlugin[PluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.commands: CommandBlocks | None = None
        self.images: ImageChecks | None = None
        self.prework: Prework | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Both halves are created anew on every (re)build, so no state survives a serve rebuild.
        self.commands = self.images = None
        self._close_prework()
        if not self.config.enabled:
            return config
        if self.config.commands.enabled:
            self.commands = CommandBlocks(self.config.commands, config, log)
        if self.config.images.enabled:
            self.images = ImageChecks(
                self.config.images, config, log, serving=self.command == "serve"
            )
        self._spawn_prework(config)
        return config

    def _spawn_prework(self, config: MkDocsConfig) -> None:
        """Start the second process now: it starts Python while MkDocs lists the files."""
        if not (self.commands or self.images) or not self.config.parallel:
            return
        if not prework.may_help(config.docs_dir, serving=self.command == "serve"):
            return
        try:
            self.prework = Prework(self._knowledge_files())
        except OSError as e:  # no process can be started here: the build does it all
            log.debug("no second process (%s)", e)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.commands:
            files = self.commands.on_files(files)
        if self.images:
            self.images.on_files(files)
        self._start_prework(files, config)
        return files

    def _knowledge_files(self) -> list[str] | None:
        """The command blocks' knowledge files; None when the command blocks are off."""
        return self.commands.knowledge_files if self.commands else None

    def _start_prework(self, files: Files, config: MkDocsConfig) -> None:
        if self.prework is None:
            return
        pages = [
            prework.Page(f.src_uri, f.abs_src_path, f.url)
            for f in files.documentation_pages()
            if f.abs_src_path
        ]
        if not prework.wanted(len(pages), serving=self.command == "serve"):
            self._close_prework()
            return
        self.prework.start(
            Job(
                pages,
                docs_dir=config.docs_dir,
                knowledge=self._knowledge_files(),
                images=self.images.job() if self.images else None,
            )
        )
        if self.commands:
            self.commands.use(self.prework)
        if self.images:
            self.images.prework = self.prework

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.prework:
            self.prework.collect()
        if self.commands:
            self.commands.on_page_markdown(markdown, page)
        if self.images:
            self.images.on_page_markdown(markdown, page)
        return markdown

    @event_priority(50)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Runs before glightbox (priority 0) so that rewritten raw `<img>` get the lightbox too."""
        if self.commands:
            self.commands.on_page_content(page)
        if self.images:
            html = self.images.on_page_content(html, page)
        return html

    @event_priority(-50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Late: plugins that parse every written page (glightbox re-serialises each one) then
        handle the blocks' light stand-ins, not their full explanations."""
        if self.commands:
            output = self.commands.on_post_page(output, page)
        return output

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer | None:
        if self.commands:
            self.commands.on_serve(server)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close_prework()
        if self.images:
            self.images.on_post_build()

    def on_build_error(self, *, error: Exception) -> None:
        self._close_prework()

    def _close_prework(self) -> None:
        if self.prework is None:
            return
        if self.prework.started:  # else the site had fewer notes than it takes
            log.debug(
                "a second process made the command blocks of %d pages and checked the images "
                "of %d pages",
                self.prework.plans_used,
                self.prework.reports_used,
            )
        if failed := self.prework.close():
            log.debug("the second process failed (exit status %d)", failed)
        self.prework = None
